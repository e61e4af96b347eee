#include "adapters/http/json_io.hpp"
#include "adapters/http/json_writer.hpp"
#include "adapters/http/request_bodies.hpp"
#include "adapters/http/routes.hpp"

namespace fr::http {
namespace {

void WriteBlockedCaller(JsonWriter& writer, const BlockedCaller& block) {
  writer.BeginObject()
      .Member("createdAt", FormatTimestamp(block.created_at))
      .Member("expiresAt", block.expires_at, FormatTimestamp)
      .Member("id", block.id.value)
      .Member("note", block.note)
      .Member("number", block.number)
      .Member("organizationID", block.organization_id.value)
      .EndObject();
}

HandlerResult List(BlockedCallerService& blocks, const RequestContext& context) {
  FR_ASSIGN_OR_RETURN(const std::int64_t organization, PathId(context, "organizationID"));
  std::vector<FieldError> errors;
  const auto limit = QueryInt(context.request, "limit", 1, 50, 10);
  const auto offset = QueryInt(context.request, "offset", 0, INT64_MAX, 0);
  CollectFieldErrors(limit, errors);
  CollectFieldErrors(offset, errors);
  if (!errors.empty()) return Error::InvalidArgument("The query parameters are invalid.", errors);
  FR_ASSIGN_OR_RETURN(
      const BlockedCallerPage page,
      blocks.List(*context.principal, OrganizationId(organization), *limit, *offset));
  return JsonTextResponse(200, PageJson("blockedCallers", page.blocked_callers,
                                        "totalBlockedCallers", page.total, WriteBlockedCaller));
}

HandlerResult Create(BlockedCallerService& blocks, const NumberingPlan& plan,
                     const RequestContext& context) {
  FR_ASSIGN_OR_RETURN(const std::int64_t organization, PathId(context, "organizationID"));
  FR_RETURN_IF_ERROR(RequireJsonBody(context.request));
  FR_ASSIGN_OR_RETURN(const BlockedCallerDraft draft,
                      DecodeBlockedCallerDraft(context.request.body, plan));
  FR_ASSIGN_OR_RETURN(const BlockedCaller created,
                      blocks.Create(*context.principal, OrganizationId(organization), draft));
  std::string body;
  JsonWriter writer(body);
  WriteBlockedCaller(writer, created);
  return JsonTextResponse(201, std::move(body))
      .WithHeader("Location", "/v1/organizations/" + std::to_string(organization) +
                                  "/blocked-callers/" + std::to_string(created.id.value));
}

HandlerResult Delete(BlockedCallerService& blocks, const RequestContext& context) {
  FR_ASSIGN_OR_RETURN(const std::int64_t organization, PathId(context, "organizationID"));
  FR_ASSIGN_OR_RETURN(const std::int64_t id, PathId(context, "blockedCallerID"));
  FR_RETURN_IF_ERROR(
      blocks.Delete(*context.principal, OrganizationId(organization), BlockedCallerId(id)));
  return NoContentResponse();
}

}  // namespace

void AddBlockedCallerRoutes(Router& router, BlockedCallerService& blocks,
                            const NumberingPlan& plan) {
  constexpr const char* kList = "/v1/organizations/{organizationID}/blocked-callers";
  constexpr const char* kOne =
      "/v1/organizations/{organizationID}/blocked-callers/{blockedCallerID}";
  router.Add({"GET", kList, AuthPolicy::kTokenRequired,
              [&blocks](const RequestContext& context) { return List(blocks, context); }});
  router.Add(
      {"POST", kList, AuthPolicy::kTokenRequired,
       [&blocks, &plan](const RequestContext& context) { return Create(blocks, plan, context); }});
  router.Add({"DELETE", kOne, AuthPolicy::kTokenRequired,
              [&blocks](const RequestContext& context) { return Delete(blocks, context); }});
}

}  // namespace fr::http
