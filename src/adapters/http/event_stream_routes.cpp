#include "adapters/http/event_stream_hub.hpp"
#include "adapters/http/json_io.hpp"
#include "adapters/http/routes.hpp"
#include "common/text.hpp"

namespace fr::http {
namespace {

// Where the client resumes: the Last-Event-ID header an EventSource sends when it reconnects,
// or the lastEventID parameter for a first connection that resumes. Errors: kInvalidArgument.
Result<std::optional<WebhookEventId>> LastEventId(const Request& request) {
  auto text = request.Header("last-event-id");
  if (!text) text = request.Query("lastEventID");
  if (!text) return std::optional<WebhookEventId>();
  const auto id = ParseNonNegativeInt(*text);
  if (!id) {
    return Error::InvalidArgument("The stream cannot resume there.",
                                  {{"Last-Event-ID", "must be an event id (a whole number)"}});
  }
  return std::optional<WebhookEventId>(WebhookEventId(*id));
}

Result<bool> IncludeCallerNumber(const Request& request) {
  const auto text = request.Query("includeCallerNumber");
  if (!text || *text == "false") return false;
  if (*text == "true") return true;
  return Error::InvalidArgument("The query parameters are invalid.",
                                {{"includeCallerNumber", "must be true or false"}});
}

HandlerResult OpenEventStream(EventStreamService& events, EventStreamHub& hub,
                              const RequestContext& context) {
  FR_ASSIGN_OR_RETURN(const std::int64_t organization, PathId(context, "organizationID"));
  FR_ASSIGN_OR_RETURN(const auto last_event_id, LastEventId(context.request));
  FR_ASSIGN_OR_RETURN(const bool include_caller, IncludeCallerNumber(context.request));
  FR_ASSIGN_OR_RETURN(
      const EventStreamStart start,
      events.Open(*context.principal, OrganizationId(organization), last_event_id, include_caller));
  auto slot = hub.Reserve(*context.principal, start.organization);
  if (!slot) {
    return HandlerError(TooManyRequestsProblem(
        "Too many event streams are open for this token, its user or this organization (or on "
        "this server); close one first."));
  }
  Response response;
  response.content_type = "text/event-stream; charset=utf-8";
  // A proxy in front (deploy/nginx) must pass each event on at once, not buffer the response.
  response.WithHeader("X-Accel-Buffering", "no");
  response.stream = [&hub, start, slot = std::move(slot)](std::shared_ptr<ResponseStream> stream) {
    hub.Attach(std::move(stream), start, slot);
  };
  return response;
}

}  // namespace

void AddEventStreamRoutes(Router& router, EventStreamService& events, EventStreamHub& hub) {
  router.Add({"GET", "/v1/organizations/{organizationID}/events", AuthPolicy::kTokenRequired,
              [&events, &hub](const RequestContext& context) {
                return OpenEventStream(events, hub, context);
              }});
}

}  // namespace fr::http
