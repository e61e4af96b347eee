#include "app/event_stream_service.hpp"

#include <algorithm>

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

Result<bool> EventStreamService::StillAllowed(EventStreamGrant& grant,
                                              OrganizationId organization) {
  // Read before the token: a change after this read gives the next check a newer stamp.
  FR_ASSIGN_OR_RETURN(const std::int64_t stamp, tokens_.AuthenticationStamp());
  if (stamp == grant.stamp) return true;
  Principal now = grant.principal;
  TokenFilter filter;
  filter.kind = now.kind;
  if (now.IsUser()) {
    filter.user = now.user_id;
  } else {
    filter.organization = now.organization_id;
  }
  FR_ASSIGN_OR_RETURN(const std::vector<Token> tokens, tokens_.List(filter));
  const auto token = std::find_if(tokens.begin(), tokens.end(),
                                  [&now](const Token& each) { return each.id == now.token_id; });
  if (token == tokens.end() || !token->IsUsableAt(clock_.Now())) return false;
  if (now.IsUser()) {
    FR_ASSIGN_OR_RETURN(now.memberships, organizations_.MembershipsOfUser(now.user_id));
  }
  if (!IsOrganizationAdmin(now, organization)) return false;
  grant = {std::move(now), stamp};
  return true;
}

}  // namespace fr
