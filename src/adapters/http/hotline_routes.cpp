#include "adapters/http/json_io.hpp"
#include "adapters/http/request_bodies.hpp"
#include "adapters/http/routes.hpp"
#include "common/text.hpp"

namespace fr::http {
namespace {

Json HotlineJson(const Hotline& hotline) {
  Json agents = Json::array();
  for (const UserId agent : hotline.agents) agents.push_back(agent.value);
  Json json = {{"agents", std::move(agents)},
               {"channelsInbound", hotline.channels_inbound},
               {"channelsOutbound", hotline.channels_outbound},
               {"confirmAnswer", hotline.confirm_answer},
               {"id", hotline.id.value},
               {"isActive", hotline.is_active},
               {"name", hotline.name},
               {"number", hotline.number},
               {"organizationID", hotline.organization_id.value},
               {"status", HotlineStatusName(hotline.status)},
               {"ttsInbound", hotline.tts_inbound},
               {"ttsOutbound", hotline.tts_outbound}};
  if (hotline.status == HotlineStatus::kFailed) json["statusDetail"] = hotline.status_detail;
  return json;
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

HandlerResult List(HotlineService& hotlines, const RequestContext& context) {
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
      const HotlinePage page,
      hotlines.List(*context.principal, OrganizationId(**organization), *limit, *offset));
  Json items = Json::array();
  for (const Hotline& hotline : page.hotlines) items.push_back(HotlineJson(hotline));
  return JsonResponse(200, {{"hotlines", std::move(items)}, {"totalHotlines", page.total}});
}

HandlerResult Create(HotlineService& hotlines, const RequestContext& context) {
  FR_RETURN_IF_ERROR(RequireJsonBody(context.request));
  FR_ASSIGN_OR_RETURN(const HotlineDraft draft,
                      DecodeHotlineDraft(context.request.body, std::nullopt));
  FR_ASSIGN_OR_RETURN(const Hotline created, hotlines.Create(*context.principal, draft));
  return JsonResponse(201, HotlineJson(created))
      .WithHeader("Location", "/v1/hotlines/" + std::to_string(created.id.value))
      .WithHeader("ETag", ETagOf(created));
}

HandlerResult Get(HotlineService& hotlines, const RequestContext& context) {
  FR_ASSIGN_OR_RETURN(const std::int64_t id, PathId(context, "hotlineID"));
  FR_ASSIGN_OR_RETURN(const Hotline hotline, hotlines.Get(*context.principal, HotlineId(id)));
  return JsonResponse(200, HotlineJson(hotline)).WithHeader("ETag", ETagOf(hotline));
}

HandlerResult Update(HotlineService& hotlines, const RequestContext& context) {
  FR_ASSIGN_OR_RETURN(const std::int64_t id, PathId(context, "hotlineID"));
  FR_RETURN_IF_ERROR(RequireJsonBody(context.request));
  FR_ASSIGN_OR_RETURN(const HotlineDraft draft, DecodeHotlineDraft(context.request.body, id));
  FR_ASSIGN_OR_RETURN(const Hotline updated,
                      hotlines.Update(*context.principal, HotlineId(id), draft,
                                      AcceptedVersionsOf(context.request)));
  return JsonResponse(200, HotlineJson(updated)).WithHeader("ETag", ETagOf(updated));
}

HandlerResult Delete(HotlineService& hotlines, const RequestContext& context) {
  FR_ASSIGN_OR_RETURN(const std::int64_t id, PathId(context, "hotlineID"));
  FR_RETURN_IF_ERROR(
      hotlines.Delete(*context.principal, HotlineId(id), AcceptedVersionsOf(context.request)));
  return NoContentResponse();
}

}  // namespace

void AddHotlineRoutes(Router& router, HotlineService& hotlines) {
  using Function = HandlerResult (*)(HotlineService&, const RequestContext&);
  const auto bind = [&hotlines](Function handler) {
    return [&hotlines, handler](const RequestContext& context) {
      return handler(hotlines, context);
    };
  };
  router.Add({"GET", "/v1/hotlines", AuthPolicy::kTokenRequired, bind(List)});
  router.Add({"POST", "/v1/hotlines", AuthPolicy::kTokenRequired, bind(Create)});
  router.Add({"GET", "/v1/hotlines/{hotlineID}", AuthPolicy::kTokenRequired, bind(Get)});
  router.Add({"PUT", "/v1/hotlines/{hotlineID}", AuthPolicy::kTokenRequired, bind(Update)});
  router.Add({"DELETE", "/v1/hotlines/{hotlineID}", AuthPolicy::kTokenRequired, bind(Delete)});
}

}  // namespace fr::http
