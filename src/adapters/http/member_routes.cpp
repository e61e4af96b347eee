#include "adapters/http/json_io.hpp"
#include "adapters/http/routes.hpp"

namespace fr::http {
namespace {

Json MemberJson(const MemberView& member) {
  return {{"userID", member.membership.user_id.value},
          {"name", member.name},
          {"role", RoleName(member.membership.role)},
          {"allowAdminAccess", member.membership.allow_admin_access},
          {"hasLogin", member.has_login}};
}

// PUT …/members/{userID}: the required `role`, "admin" or "member".
Result<Role> DecodeRole(std::string_view body) {
  FR_ASSIGN_OR_RETURN(const Json object, ParseJsonObject(body));
  FieldReader reader(object);
  const auto name = reader.String("role", true);
  std::optional<Role> role = name ? ParseRole(*name) : std::nullopt;
  if (name && !role) reader.AddError("role", "must be \"admin\" or \"member\"");
  FR_RETURN_IF_ERROR(reader.Finish());
  return *role;
}

HandlerResult ListMembers(MemberService& members, const RequestContext& context) {
  FR_ASSIGN_OR_RETURN(const std::int64_t organization, PathId(context, "organizationID"));
  FR_ASSIGN_OR_RETURN(const auto list,
                      members.ListMembers(*context.principal, OrganizationId(organization)));
  Json json = Json::array();
  for (const MemberView& member : list) json.push_back(MemberJson(member));
  return JsonResponse(200, {{"members", std::move(json)}});
}

HandlerResult PutMember(MemberService& members, const RequestContext& context) {
  FR_ASSIGN_OR_RETURN(const std::int64_t organization, PathId(context, "organizationID"));
  FR_ASSIGN_OR_RETURN(const std::int64_t user, PathId(context, "userID"));
  FR_RETURN_IF_ERROR(RequireJsonBody(context.request));
  FR_ASSIGN_OR_RETURN(const Role role, DecodeRole(context.request.body));
  FR_ASSIGN_OR_RETURN(
      const MemberView member,
      members.ChangeRole(*context.principal, OrganizationId(organization), UserId(user), role));
  return JsonResponse(200, MemberJson(member));
}

}  // namespace

void AddMemberRoutes(Router& router, MemberService& members) {
  router.Add({"GET", "/v1/organizations/{organizationID}/members", AuthPolicy::kTokenRequired,
              [&members](const RequestContext& context) { return ListMembers(members, context); }});
  router.Add({"PUT", "/v1/organizations/{organizationID}/members/{userID}",
              AuthPolicy::kTokenRequired,
              [&members](const RequestContext& context) { return PutMember(members, context); }});
}

}  // namespace fr::http
