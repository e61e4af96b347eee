#pragma once

#include <optional>
#include <vector>

#include "common/result.hpp"
#include "domain/webhook/event_log.hpp"
#include "identity/principal.hpp"

namespace fr {

// Where an event stream starts, and what it may show (decision 0063).
struct EventStreamStart {
  OrganizationId organization;
  WebhookEventId after;  // the stream sends the events with ids above this one
  bool include_caller_number = false;
};

// The organisation's events as a stream (Server-Sent Events): the same events, authorisation
// and caller-number rule as webhooks. Thread-safe.
class EventStreamService {
 public:
  explicit EventStreamService(EventLog& log) : log_(log) {}

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

 private:
  EventLog& log_;
};

}  // namespace fr
