#include "adapters/http/json_io.hpp"
#include "adapters/http/json_writer.hpp"
#include "adapters/http/request_bodies.hpp"
#include "adapters/http/resource_json.hpp"
#include "adapters/http/routes.hpp"
#include "common/derived_memo.hpp"
#include "common/text.hpp"

namespace fr::http {

std::string TimeOfDay(int minutes) {
  const auto two = [](int value) { return std::string(1, char('0' + value / 10)) + char('0' + value % 10); };
  return two(minutes / 60) + ":" + two(minutes % 60);
}

void WriteSchedule(JsonWriter& writer, const std::optional<Schedule>& schedule) {
  writer.Key("schedule");
  if (!schedule) {
    writer.Null();
    return;
  }
  writer.BeginObject().Key("closedDates").BeginArray();
  for (const std::string& date : schedule->closed_dates) writer.String(date);
  writer.EndArray().Member("timeZone", schedule->time_zone).Key("weekly").BeginArray();
  for (const OpeningRange& range : schedule->weekly) {
    writer.BeginObject()
        .Member("day", WeekdayName(range.day))
        .Member("from", TimeOfDay(range.from_minute))
        .Member("to", TimeOfDay(range.to_minute))
        .EndObject();
  }
  writer.EndArray().EndObject();
}

void WriteFallback(JsonWriter& writer, const char* key, const Fallback& fallback) {
  writer.Key(key)
      .BeginObject()
      .Member("action", FallbackActionName(fallback.action))
      .Member("forwardTo", fallback.forward_to)
      .Member("maxSeconds", fallback.max_seconds)
      .Member("ttsVoicemail", fallback.tts_voicemail)
      .EndObject();
}

// Written straight as text (JsonWriter), members in sorted order as a Json object would: a list
// page holds fifty (issue #12).
void WriteHotline(JsonWriter& writer, const Hotline& hotline) {
  writer.BeginObject().Key("agents").BeginArray();
  for (const UserId agent : hotline.agents) writer.Int(agent.value);
  writer.EndArray()
      .Member("agentsReady", hotline.agents_ready)
      .Member("channelsInbound", hotline.channels_inbound)
      .Member("channelsOutbound", hotline.channels_outbound);
  WriteFallback(writer, "closed", hotline.closed);
  writer.Member("confirmAnswer", hotline.confirm_answer)
      .Member("id", hotline.id.value)
      .Member("isActive", hotline.is_active)
      .Member("language", hotline.language)
      .Member("name", hotline.name);
  WriteFallback(writer, "noAnswer", hotline.no_answer);
  writer.Member("number", hotline.number)
      .Member("organizationID", hotline.organization_id.value)
      .Member("rejectAnonymous", hotline.reject_anonymous);
  WriteSchedule(writer, hotline.schedule);
  writer.Member("status", HotlineStatusName(hotline.status));
  if (hotline.status == HotlineStatus::kFailed)
    writer.Member("statusDetail", hotline.status_detail);
  writer.Member("ttsClosed", hotline.tts_closed)
      .Member("ttsInbound", hotline.tts_inbound)
      .Member("ttsOutbound", hotline.tts_outbound)
      .EndObject();
}

namespace {

Response HotlineResponse(int status, const Hotline& hotline) {
  std::string body;
  body.reserve(480);
  JsonWriter writer(body);
  WriteHotline(writer, hotline);
  return JsonTextResponse(status, std::move(body));
}

std::string ETagOf(const Hotline& hotline) { return "\"" + std::to_string(hotline.version) + "\""; }

// If-Match, parsed over all its header lines (RFC 9110 §13.1.1): `*`, or a list of entity
// tags. `versions` keeps the strong tags that name a version; weak tags (W/"…") never match
// (If-Match compares strongly), nor do tags this server never issues.
struct IfMatch {
  bool any = false;
  std::vector<std::int64_t> versions;
};

bool IsListSeparator(char ch) { return ch == ',' || ch == ' ' || ch == '\t'; }

// Parses one field line into `condition`; false when it is malformed.
bool ParseIfMatchLine(std::string_view value, IfMatch& condition) {
  if (TrimAsciiWhitespace(value) == "*") {
    condition.any = true;
    return true;
  }
  while (true) {
    while (!value.empty() && IsListSeparator(value.front())) value.remove_prefix(1);
    if (value.empty()) return true;
    const bool weak = value.substr(0, 2) == "W/";
    if (weak) value.remove_prefix(2);
    if (value.empty() || value.front() != '"') return false;
    const auto close = value.find('"', 1);
    if (close == std::string_view::npos) return false;
    const auto version = ParsePositiveId(value.substr(1, close - 1));
    if (version && !weak) condition.versions.push_back(*version);
    value.remove_prefix(close + 1);
    if (!value.empty() && !IsListSeparator(value.front())) return false;
  }
}

// The versions the request's If-Match accepts: any when it is absent or `*` (a missing hotline
// is a 404 before any precondition); none when a line is malformed, so that it never matches.
AcceptedVersions AcceptedVersionsOf(const Request& request) {
  bool present = false;
  IfMatch condition;
  for (const auto& [name, value] : request.headers) {
    if (name != "if-match") continue;
    present = true;
    if (!ParseIfMatchLine(value, condition)) return std::vector<std::int64_t>();
  }
  if (!present || condition.any) return std::nullopt;
  return std::move(condition.versions);
}

// A page's JSON, held by the page object HotlineService::List hands out: the same object again
// (nothing committed, and a caller who sees as much) gets the same text without writing ~25 KiB
// of JSON again (decision 0093). The text is a function of the page alone, as the principal sees
// it, so it cannot show a field the page does not have.
using WrittenPages = DerivedMemo<HotlinePage, std::string>;

HandlerResult List(HotlineService& hotlines, WrittenPages& written, const RequestContext& context) {
  const Request& request = context.request;
  std::vector<FieldError> errors;
  const auto organization = QueryId(request, "organization_id");
  const auto limit = QueryInt(request, "limit", 1, 50, 10);
  const auto offset = QueryInt(request, "offset", 0, INT64_MAX, 0);
  CollectFieldErrors(organization, errors);
  CollectFieldErrors(limit, errors);
  CollectFieldErrors(offset, errors);
  if (organization.ok() && !*organization) errors.push_back({"organization_id", "is required"});
  if (!errors.empty()) return Error::InvalidArgument("The query parameters are invalid.", errors);
  FR_ASSIGN_OR_RETURN(
      const SharedHotlinePage page,
      hotlines.List(*context.principal, OrganizationId(**organization), *limit, *offset));
  const auto write = [](const HotlinePage& seen) {
    return PageJson("hotlines", seen.hotlines, "totalHotlines", seen.total, WriteHotline);
  };
  // A page that never comes again (not `held`) is written once, into the response.
  if (!page->held) return JsonTextResponse(200, write(*page));
  // The held text is sent as it is, not copied per request (decision 0096).
  return HeldJsonTextResponse(200, written.Get(page, write));
}

HandlerResult Create(HotlineService& hotlines, const NumberingPlan& plan,
                    const RequestContext& context) {
  FR_RETURN_IF_ERROR(RequireJsonBody(context.request));
  FR_ASSIGN_OR_RETURN(const HotlineDraft draft,
                      DecodeHotlineDraft(context.request.body, std::nullopt, plan));
  FR_ASSIGN_OR_RETURN(const Hotline created, hotlines.Create(*context.principal, draft));
  return HotlineResponse(201, created)
      .WithHeader("Location", "/v1/hotlines/" + std::to_string(created.id.value))
      .WithHeader("ETag", ETagOf(created));
}

HandlerResult Get(HotlineService& hotlines, const NumberingPlan& /*plan*/,
                    const RequestContext& context) {
  FR_ASSIGN_OR_RETURN(const std::int64_t id, PathId(context, "hotlineID"));
  FR_ASSIGN_OR_RETURN(const Hotline hotline, hotlines.Get(*context.principal, HotlineId(id)));
  return HotlineResponse(200, hotline).WithHeader("ETag", ETagOf(hotline));
}

HandlerResult Update(HotlineService& hotlines, const NumberingPlan& plan,
                    const RequestContext& context) {
  FR_ASSIGN_OR_RETURN(const std::int64_t id, PathId(context, "hotlineID"));
  FR_RETURN_IF_ERROR(RequireJsonBody(context.request));
  FR_ASSIGN_OR_RETURN(const HotlineDraft draft, DecodeHotlineDraft(context.request.body, id, plan));
  FR_ASSIGN_OR_RETURN(const Hotline updated,
                      hotlines.Update(*context.principal, HotlineId(id), draft,
                                      AcceptedVersionsOf(context.request)));
  return HotlineResponse(200, updated).WithHeader("ETag", ETagOf(updated));
}

HandlerResult Delete(HotlineService& hotlines, const NumberingPlan& /*plan*/,
                    const RequestContext& context) {
  FR_ASSIGN_OR_RETURN(const std::int64_t id, PathId(context, "hotlineID"));
  FR_RETURN_IF_ERROR(
      hotlines.Delete(*context.principal, HotlineId(id), AcceptedVersionsOf(context.request)));
  return NoContentResponse();
}

}  // namespace

void AddHotlineRoutes(Router& router, HotlineService& hotlines, const NumberingPlan& plan) {
  using Function =
      HandlerResult (*)(HotlineService&, const NumberingPlan&, const RequestContext&);
  const auto bind = [&hotlines, &plan](Function handler) {
    return [&hotlines, &plan, handler](const RequestContext& context) {
      return handler(hotlines, plan, context);
    };
  };
  // As many as the service's two memos of seen pages hold.
  auto written = std::make_shared<WrittenPages>(2 * HotlineService::kSeenPagesHeld);
  router.Add({"GET", "/v1/hotlines", AuthPolicy::kTokenRequired,
              [&hotlines, written](const RequestContext& context) {
                return List(hotlines, *written, context);
              }});
  router.Add({"POST", "/v1/hotlines", AuthPolicy::kTokenRequired, bind(Create)});
  router.Add({"GET", "/v1/hotlines/{hotlineID}", AuthPolicy::kTokenRequired, bind(Get)});
  router.Add({"PUT", "/v1/hotlines/{hotlineID}", AuthPolicy::kTokenRequired, bind(Update)});
  router.Add({"DELETE", "/v1/hotlines/{hotlineID}", AuthPolicy::kTokenRequired, bind(Delete)});
}

}  // namespace fr::http
