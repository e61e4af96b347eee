#include "adapters/http/json_io.hpp"
#include "adapters/http/problem.hpp"
#include "adapters/http/request_bodies.hpp"
#include "adapters/http/routes.hpp"

namespace fr::http {
namespace {

Json MembershipJson(const MembershipView& view) {
  return {{"organizationID", view.membership.organization_id.value},
          {"organizationName", view.organization_name},
          {"role", RoleName(view.membership.role)},
          {"allowAdminAccess", view.membership.allow_admin_access}};
}

Response GetMe(AccountService& accounts, const RequestContext& context) {
  const auto account = accounts.GetAccount(*context.principal);
  if (!account.ok()) return ErrorResponse(account.error(), context.request.request_id);
  Json memberships = Json::array();
  for (const auto& view : account->memberships) memberships.push_back(MembershipJson(view));
  return JsonResponse(200, {{"id", account->user.id.value},
                            {"name", account->user.name},
                            {"memberships", std::move(memberships)}});
}

Response PutMembershipConsent(AccountService& accounts, const RequestContext& context) {
  const auto& request = context.request;
  const auto organization = PathId(context, "id");
  if (!organization.ok()) return ErrorResponse(organization.error(), request.request_id);
  if (auto rejected = RejectNonJson(request)) return std::move(*rejected);
  const auto allow = DecodeAdminAccessConsent(request.body);
  if (!allow.ok()) return ErrorResponse(allow.error(), request.request_id);
  const auto view = accounts.SetAdminAccessConsent(*context.principal,
                                                   OrganizationId(*organization), *allow);
  if (!view.ok()) return ErrorResponse(view.error(), request.request_id);
  return JsonResponse(200, MembershipJson(*view));
}

}  // namespace

void AddAccountRoutes(Router& router, AccountService& accounts) {
  router.Add({"GET", "/v1/me", AuthPolicy::kTokenRequired,
              [&accounts](const RequestContext& context) { return GetMe(accounts, context); }});
  router.Add({"PUT", "/v1/me/organizations/{id}", AuthPolicy::kTokenRequired,
              [&accounts](const RequestContext& context) {
                return PutMembershipConsent(accounts, context);
              }});
}

}  // namespace fr::http
