#include "adapters/http/json_io.hpp"
#include "adapters/http/problem.hpp"
#include "adapters/http/request_bodies.hpp"
#include "adapters/http/routes.hpp"

namespace fr::http {
void AddSipCustomerRoutes(Router& router, SipCustomerService& customers,
                          const NumberingPlan& plan) {
  router.Add({"POST", "/v1/sip-customer", AuthPolicy::kTokenRequired,
              [&customers, &plan](const RequestContext& context) {
                const Request& request = context.request;
                if (auto rejected = RejectNonJson(request)) return std::move(*rejected);
                const auto draft = DecodeSipCustomer(request.body, plan);
                if (!draft.ok()) return ErrorResponse(draft.error(), request.request_id);
                const Status registered = customers.Register(*context.principal, *draft);
                if (!registered.ok()) return ErrorResponse(registered.error(), request.request_id);
                return JsonResponse(201, {{"exists", true}})
                    .WithHeader("Location", "/v1/sip-customer/" +
                                                std::to_string(draft->organization_id.value));
              }});
  router.Add({"GET", "/v1/sip-customer/{id}", AuthPolicy::kTokenRequired,
              [&customers](const RequestContext& context) {
                const Request& request = context.request;
                const auto id = PathId(context, "id");
                if (!id.ok()) return ErrorResponse(id.error(), request.request_id);
                const auto exists = customers.Exists(*context.principal, OrganizationId(*id));
                if (!exists.ok()) return ErrorResponse(exists.error(), request.request_id);
                return JsonResponse(200, {{"exists", *exists}});
              }});
}

}  // namespace fr::http
