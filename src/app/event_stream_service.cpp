#include "app/event_stream_service.hpp"

#include "identity/authorization.hpp"

namespace fr {

Result<EventStreamStart> EventStreamService::Open(const Principal& principal,
                                                  OrganizationId organization,
                                                  std::optional<WebhookEventId> last_event_id,
                                                  bool include_caller_number) {
  FR_RETURN_IF_ERROR(RequireOrganizationAdmin(
      principal, organization,
      "Only admins of the organization and its API token may follow its events, as they may "
      "manage its webhooks."));
  EventStreamStart start{organization, WebhookEventId(), include_caller_number, {principal}};
  if (last_event_id) {
    start.after = *last_event_id;
  } else {
    FR_ASSIGN_OR_RETURN(start.after, log_.LatestEventId(organization));
  }
  return start;
}

Result<std::vector<WebhookEvent>> EventStreamService::Next(OrganizationId organization,
                                                           WebhookEventId after, int limit) {
  return log_.EventsAfter(organization, after, limit);
}

}  // namespace fr
