#include "adapters/http/json_io.hpp"
#include "adapters/http/routes.hpp"

namespace fr::http {
namespace {

Json PhoneJson(const std::optional<LivePhone>& phone) {
  if (!phone) return nullptr;
  return Json{{"userID", phone->user.value},
              {"agentPhoneID", phone->agent_phone.value},
              {"since", FormatTimestamp(phone->since)}};
}

Json LiveCallJson(const LiveCall& call) {
  Json ringing = Json::array();
  for (const LivePhone& phone : call.ringing) ringing.push_back(PhoneJson(phone));
  return Json{{"callLogID", call.id.value},
              {"hotlineID", call.hotline.value},
              {"startTime", FormatTimestamp(call.start_time)},
              {"caller", call.caller ? Json(*call.caller) : Json(nullptr)},
              {"phase", LiveCallPhaseName(call.phase)},
              {"phaseSince", FormatTimestamp(call.phase_since)},
              {"ringing", std::move(ringing)},
              {"confirming", PhoneJson(call.confirming)},
              {"connected", PhoneJson(call.connected)}};
}

HandlerResult ListLiveCalls(LiveCallService& live_calls, const RequestContext& context) {
  FR_ASSIGN_OR_RETURN(const std::int64_t hotline, PathId(context, "hotlineID"));
  FR_ASSIGN_OR_RETURN(const auto calls, live_calls.List(*context.principal, HotlineId(hotline)));
  Json list = Json::array();
  for (const LiveCall& call : calls) list.push_back(LiveCallJson(call));
  return JsonResponse(200, Json{{"calls", std::move(list)}});
}

}  // namespace

void AddLiveCallRoutes(Router& router, LiveCallService& live_calls) {
  router.Add({"GET", "/v1/hotlines/{hotlineID}/calls", AuthPolicy::kTokenRequired,
              [&live_calls](const RequestContext& context) {
                return ListLiveCalls(live_calls, context);
              }});
}

}  // namespace fr::http
