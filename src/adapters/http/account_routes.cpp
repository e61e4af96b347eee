#include "adapters/http/json_io.hpp"
#include "adapters/http/request_bodies.hpp"
#include "adapters/http/resource_json.hpp"
#include "adapters/http/routes.hpp"

namespace fr::http {

Json MembershipJson(const MembershipView& view) {
  return {{"organizationID", view.membership.organization_id.value},
          {"organizationName", view.organization_name},
          {"role", RoleName(view.membership.role)},
          {"allowAdminAccess", view.membership.allow_admin_access}};
}

namespace {

HandlerResult GetMe(AccountService& accounts, const RequestContext& context) {
  FR_ASSIGN_OR_RETURN(const Account account, accounts.GetAccount(*context.principal));
  Json memberships = Json::array();
  for (const auto& view : account.memberships) memberships.push_back(MembershipJson(view));
  return JsonResponse(200, {{"id", account.user.id.value},
                            {"name", account.user.name},
                            {"memberships", std::move(memberships)}});
}

HandlerResult LeaveOrganization(AccountService& accounts, const RequestContext& context) {
  FR_ASSIGN_OR_RETURN(const std::int64_t organization, PathId(context, "id"));
  FR_RETURN_IF_ERROR(accounts.LeaveOrganization(*context.principal, OrganizationId(organization)));
  return NoContentResponse();
}

HandlerResult PutMembershipConsent(AccountService& accounts, const RequestContext& context) {
  FR_ASSIGN_OR_RETURN(const std::int64_t organization, PathId(context, "id"));
  FR_RETURN_IF_ERROR(RequireJsonBody(context.request));
  FR_ASSIGN_OR_RETURN(const bool allow, DecodeAdminAccessConsent(context.request.body));
  FR_ASSIGN_OR_RETURN(
      const MembershipView view,
      accounts.SetAdminAccessConsent(*context.principal, OrganizationId(organization), allow));
  return JsonResponse(200, MembershipJson(view));
}

}  // namespace

void AddAccountRoutes(Router& router, AccountService& accounts) {
  router.Add({"GET", "/v1/me", AuthPolicy::kTokenRequired,
              [&accounts](const RequestContext& context) { return GetMe(accounts, context); }});
  router.Add({"PUT", "/v1/me/organizations/{id}", AuthPolicy::kTokenRequired,
              [&accounts](const RequestContext& context) {
                return PutMembershipConsent(accounts, context);
              }});
  router.Add({"DELETE", "/v1/me/organizations/{id}", AuthPolicy::kTokenRequired,
              [&accounts](const RequestContext& context) {
                return LeaveOrganization(accounts, context);
              }});
}

}  // namespace fr::http
