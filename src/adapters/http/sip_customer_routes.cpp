#include "adapters/http/json_io.hpp"
#include "adapters/http/request_bodies.hpp"
#include "adapters/http/routes.hpp"

namespace fr::http {
namespace {

HandlerResult Register(SipCustomerService& customers, const NumberingPlan& plan,
                       const RequestContext& context) {
  FR_RETURN_IF_ERROR(RequireJsonBody(context.request));
  FR_ASSIGN_OR_RETURN(const SipCustomer draft, DecodeSipCustomer(context.request.body, plan));
  FR_RETURN_IF_ERROR(customers.Register(*context.principal, draft));
  return JsonResponse(201, {{"exists", true}})
      .WithHeader("Location", "/v1/sip-customer/" + std::to_string(draft.organization_id.value));
}

HandlerResult Exists(SipCustomerService& customers, const RequestContext& context) {
  FR_ASSIGN_OR_RETURN(const std::int64_t id, PathId(context, "id"));
  FR_ASSIGN_OR_RETURN(const bool exists, customers.Exists(*context.principal, OrganizationId(id)));
  return JsonResponse(200, {{"exists", exists}});
}

}  // namespace

void AddSipCustomerRoutes(Router& router, SipCustomerService& customers,
                          const NumberingPlan& plan) {
  router.Add({"POST", "/v1/sip-customer", AuthPolicy::kTokenRequired,
              [&customers, &plan](const RequestContext& context) {
                return Register(customers, plan, context);
              }});
  router.Add({"GET", "/v1/sip-customer/{id}", AuthPolicy::kTokenRequired,
              [&customers](const RequestContext& context) { return Exists(customers, context); }});
}

}  // namespace fr::http
