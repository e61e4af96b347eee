#pragma once

#include <optional>
#include <vector>

#include "app/admin_grant.hpp"
#include "common/clock.hpp"
#include "common/result.hpp"
#include "domain/webhook/event_log.hpp"
#include "identity/principal.hpp"
#include "identity/repositories.hpp"

namespace fr {

// Where an event stream starts, and what it may show (decision 0063).
struct EventStreamStart {
  OrganizationId organization;
  WebhookEventId after;  // the stream sends the events with ids above this one
  bool include_caller_number = false;
  AdminGrant grant;  // who opened it
};

// The organisation's events as a stream (Server-Sent Events): the same events, authorisation
// and caller-number rule as webhooks. Thread-safe.
class EventStreamService {
 public:
  EventStreamService(EventLog& log, TokenRepository& tokens, OrganizationRepository& organizations,
                     const Clock& clock)
      : log_(log), grants_(tokens, organizations, clock) {}

  // Opens a stream of `organization`'s events: after `last_event_id` when the client resumes,
  // else from now on. The caller's number is in call events only when asked for
  // (`include_caller_number`), as a webhook opts in. Errors: kNotFound for an outsider,
  // kPermissionDenied for a member who is not an admin (only admins and the organisation's API
  // token, as for webhooks); kUnavailable, kInternal.
  Result<EventStreamStart> Open(const Principal& principal, OrganizationId organization,
                                std::optional<WebhookEventId> last_event_id,
                                bool include_caller_number);

  // The next events of a stream: those of `organization` after `after`, at most `limit`.
  // Errors: kUnavailable, kInternal.
  Result<std::vector<WebhookEvent>> Next(OrganizationId organization, WebhookEventId after,
                                         int limit);

  // Whether `grant`'s principal may still follow `organization`'s events, as Open would decide
  // now (AdminGrantCheck::StillHolds). A session's idle timeout is not checked: a stream ends
  // after its max age and reconnects through a full authentication. Errors: kUnavailable,
  // kInternal (the caller asks again later).
  Result<bool> StillAllowed(AdminGrant& grant, OrganizationId organization) {
    return grants_.StillHolds(grant, organization);
  }

 private:
  EventLog& log_;
  const AdminGrantCheck grants_;
};

}  // namespace fr
