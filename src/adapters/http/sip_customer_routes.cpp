#include "adapters/http/json_io.hpp"
#include "adapters/http/routes.hpp"

namespace fr::http {
namespace {

// Decodes the body; domain checks run even when some fields failed to decode, so the client
// hears about every bad field at once.
Result<SipCustomer> DecodeCustomer(const Request& request, const NumberingPlan& plan) {
  FR_ASSIGN_OR_RETURN(const Json body, ParseJsonObject(request.body));
  FieldReader reader(body);
  SipCustomer draft;
  draft.city = reader.String("city", true).value_or("");
  draft.city_code = reader.String("cityCode", true).value_or("");
  draft.country = reader.String("country", true).value_or("");
  draft.name = reader.String("name", true).value_or("");
  draft.organization_id =
      OrganizationId(reader.Int64("organizationID", true, INT64_MIN, INT64_MAX).value_or(0));
  draft.street = reader.String("street", true).value_or("");
  draft.street_housenumber =
      reader.Int64("streetHousenumber", true, INT64_MIN, INT64_MAX).value_or(0);
  auto validated = ValidateSipCustomer(draft, plan);
  if (reader.errors().empty()) return validated;
  std::vector<FieldError> errors = std::move(reader.errors());
  if (!validated.ok()) MergeFieldErrors(errors, validated.error().field_errors);
  return Error::InvalidArgument("The SIP customer account is invalid.", std::move(errors));
}

HandlerResult Register(SipCustomerService& customers, const NumberingPlan& plan,
                       const RequestContext& context) {
  FR_RETURN_IF_ERROR(RequireJsonBody(context.request));
  FR_ASSIGN_OR_RETURN(const SipCustomer draft, DecodeCustomer(context.request, plan));
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
