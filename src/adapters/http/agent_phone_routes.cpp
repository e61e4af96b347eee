#include "adapters/http/json_io.hpp"
#include "adapters/http/problem.hpp"
#include "adapters/http/request_bodies.hpp"
#include "adapters/http/routes.hpp"

namespace fr::http {
namespace {

Json AgentPhoneJson(const AgentPhone& phone) {
  return {{"id", phone.id.value},
          {"isActive", phone.is_active},
          {"name", phone.name},
          {"phone", phone.phone},
          {"userID", phone.user_id.value}};
}

// The `organization_id` query parameter, through which an admin acts.
Result<std::optional<OrganizationId>> Via(const Request& request) {
  FR_ASSIGN_OR_RETURN(const auto id, QueryId(request, "organization_id"));
  if (!id) return std::optional<OrganizationId>();
  return std::optional<OrganizationId>(OrganizationId(*id));
}

// The phone a PUT or DELETE names, and the organisation the caller acts through.
struct PhoneTarget {
  AgentPhoneId id;
  std::optional<OrganizationId> via;
};

Result<PhoneTarget> TargetOf(const RequestContext& context) {
  FR_ASSIGN_OR_RETURN(const std::int64_t id, PathId(context, "id"));
  FR_ASSIGN_OR_RETURN(const auto via, Via(context.request));
  return PhoneTarget{AgentPhoneId(id), via};
}

Response List(AgentPhoneService& phones, const NumberingPlan&, const RequestContext& context) {
  const Request& request = context.request;
  const auto via = Via(request);
  if (!via.ok()) return ErrorResponse(via.error(), request.request_id);
  const auto owner = QueryId(request, "owner_id");
  if (!owner.ok()) return ErrorResponse(owner.error(), request.request_id);
  if (!*owner) {
    return ErrorResponse(Error::InvalidArgument("The query parameter 'owner_id' is required.",
                                                {{"owner_id", "is required"}}),
                         request.request_id);
  }
  const auto listed = phones.List(*context.principal, UserId(**owner), *via);
  if (!listed.ok()) return ErrorResponse(listed.error(), request.request_id);
  Json array = Json::array();
  for (const AgentPhone& phone : *listed) array.push_back(AgentPhoneJson(phone));
  return JsonResponse(200, array);
}

Response Create(AgentPhoneService& phones, const NumberingPlan& plan,
                const RequestContext& context) {
  const Request& request = context.request;
  const auto via = Via(request);
  if (!via.ok()) return ErrorResponse(via.error(), request.request_id);
  if (auto rejected = RejectNonJson(request)) return std::move(*rejected);
  const auto draft = DecodeAgentPhoneDraft(request.body, std::nullopt, plan);
  if (!draft.ok()) return ErrorResponse(draft.error(), request.request_id);
  const auto created = phones.Create(*context.principal, *via, *draft);
  if (!created.ok()) return ErrorResponse(created.error(), request.request_id);
  return JsonResponse(201, AgentPhoneJson(*created))
      .WithHeader("Location", "/v1/agent-phones/" + std::to_string(created->id.value));
}

Response Update(AgentPhoneService& phones, const NumberingPlan& plan,
                const RequestContext& context) {
  const Request& request = context.request;
  const auto target = TargetOf(context);
  if (!target.ok()) return ErrorResponse(target.error(), request.request_id);
  if (auto rejected = RejectNonJson(request)) return std::move(*rejected);
  const auto draft = DecodeAgentPhoneDraft(request.body, target->id.value, plan);
  if (!draft.ok()) return ErrorResponse(draft.error(), request.request_id);
  const auto updated = phones.Update(*context.principal, target->id, target->via, *draft);
  if (!updated.ok()) return ErrorResponse(updated.error(), request.request_id);
  return JsonResponse(200, AgentPhoneJson(*updated));
}

Response Delete(AgentPhoneService& phones, const NumberingPlan&,
                const RequestContext& context) {
  const Request& request = context.request;
  const auto target = TargetOf(context);
  if (!target.ok()) return ErrorResponse(target.error(), request.request_id);
  const Status deleted = phones.Delete(*context.principal, target->id, target->via);
  if (!deleted.ok()) return ErrorResponse(deleted.error(), request.request_id);
  return NoContentResponse();
}

}  // namespace

void AddAgentPhoneRoutes(Router& router, AgentPhoneService& phones, const NumberingPlan& plan) {
  using Function = Response (*)(AgentPhoneService&, const NumberingPlan&, const RequestContext&);
  const auto bind = [&phones, &plan](Function handler) {
    return [&phones, &plan, handler](const RequestContext& context) {
      return handler(phones, plan, context);
    };
  };
  router.Add({"GET", "/v1/agent-phones", AuthPolicy::kTokenRequired, bind(List)});
  router.Add({"POST", "/v1/agent-phones", AuthPolicy::kTokenRequired, bind(Create)});
  router.Add({"PUT", "/v1/agent-phones/{id}", AuthPolicy::kTokenRequired, bind(Update)});
  router.Add({"DELETE", "/v1/agent-phones/{id}", AuthPolicy::kTokenRequired, bind(Delete)});
}

}  // namespace fr::http
