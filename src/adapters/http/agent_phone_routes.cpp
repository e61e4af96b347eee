#include "adapters/http/json_io.hpp"
#include "adapters/http/request_bodies.hpp"
#include "adapters/http/resource_json.hpp"
#include "adapters/http/routes.hpp"

namespace fr::http {

Json AgentPhoneJson(const AgentPhone& phone) {
  return {{"id", phone.id.value},
          {"isActive", phone.is_active},
          {"name", phone.name},
          {"phone", phone.phone},
          {"userID", phone.user_id.value},
          {"verification", PhoneVerificationName(phone.verification)}};
}

namespace {

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

HandlerResult List(AgentPhoneService& phones, const NumberingPlan&, const RequestContext& context) {
  FR_ASSIGN_OR_RETURN(const auto via, Via(context.request));
  FR_ASSIGN_OR_RETURN(const auto owner, QueryId(context.request, "owner_id"));
  if (!owner) {
    return Error::InvalidArgument("The query parameter 'owner_id' is required.",
                                  {{"owner_id", "is required"}});
  }
  FR_ASSIGN_OR_RETURN(const auto listed, phones.List(*context.principal, UserId(*owner), via));
  Json array = Json::array();
  for (const AgentPhone& phone : listed) array.push_back(AgentPhoneJson(phone));
  return JsonResponse(200, array);
}

HandlerResult Create(AgentPhoneService& phones, const NumberingPlan& plan,
                     const RequestContext& context) {
  FR_ASSIGN_OR_RETURN(const auto via, Via(context.request));
  FR_RETURN_IF_ERROR(RequireJsonBody(context.request));
  FR_ASSIGN_OR_RETURN(const AgentPhoneDraft draft,
                      DecodeAgentPhoneDraft(context.request.body, std::nullopt, plan));
  FR_ASSIGN_OR_RETURN(const AgentPhone created, phones.Create(*context.principal, via, draft));
  return JsonResponse(201, AgentPhoneJson(created))
      .WithHeader("Location", "/v1/agent-phones/" + std::to_string(created.id.value));
}

HandlerResult Update(AgentPhoneService& phones, const NumberingPlan& plan,
                     const RequestContext& context) {
  FR_ASSIGN_OR_RETURN(const PhoneTarget target, TargetOf(context));
  FR_RETURN_IF_ERROR(RequireJsonBody(context.request));
  FR_ASSIGN_OR_RETURN(const AgentPhoneDraft draft,
                      DecodeAgentPhoneDraft(context.request.body, target.id.value, plan));
  FR_ASSIGN_OR_RETURN(const AgentPhone updated,
                      phones.Update(*context.principal, target.id, target.via, draft));
  return JsonResponse(200, AgentPhoneJson(updated));
}

HandlerResult Delete(AgentPhoneService& phones, const NumberingPlan&,
                     const RequestContext& context) {
  FR_ASSIGN_OR_RETURN(const PhoneTarget target, TargetOf(context));
  FR_RETURN_IF_ERROR(phones.Delete(*context.principal, target.id, target.via));
  return NoContentResponse();
}

// Starts a verification call (decision 0069): 202, as the call goes on after the answer.
HandlerResult Verify(PhoneVerificationService& verifications, const RequestContext& context) {
  FR_ASSIGN_OR_RETURN(const PhoneTarget target, TargetOf(context));
  FR_ASSIGN_OR_RETURN(const VerificationStarted started,
                      verifications.Start(*context.principal, target.id, target.via));
  return JsonResponse(202,
                      {{"code", started.code}, {"expiresAt", FormatTimestamp(started.expires_at)}})
      .WithHeader("Cache-Control", "no-store");
}

}  // namespace

void AddAgentPhoneRoutes(Router& router, AgentPhoneService& phones,
                         PhoneVerificationService& verifications, const NumberingPlan& plan) {
  using Function =
      HandlerResult (*)(AgentPhoneService&, const NumberingPlan&, const RequestContext&);
  const auto bind = [&phones, &plan](Function handler) {
    return [&phones, &plan, handler](const RequestContext& context) {
      return handler(phones, plan, context);
    };
  };
  router.Add({"GET", "/v1/agent-phones", AuthPolicy::kTokenRequired, bind(List)});
  router.Add({"POST", "/v1/agent-phones", AuthPolicy::kTokenRequired, bind(Create)});
  router.Add({"PUT", "/v1/agent-phones/{id}", AuthPolicy::kTokenRequired, bind(Update)});
  router.Add({"DELETE", "/v1/agent-phones/{id}", AuthPolicy::kTokenRequired, bind(Delete)});
  router.Add(
      {"POST", "/v1/agent-phones/{id}/verification", AuthPolicy::kTokenRequired,
       [&verifications](const RequestContext& context) { return Verify(verifications, context); }});
}

}  // namespace fr::http
