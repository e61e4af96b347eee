#include "app/member_service.hpp"

#include "domain/audit/audit.hpp"
#include "identity/authorization.hpp"

namespace fr {

Status MemberService::MayManage(const Principal& principal, OrganizationId organization) const {
  if (IsOrganizationAdmin(principal, organization)) return Ok();
  if (IsOrganizationMember(principal, organization)) {
    return Error::PermissionDenied("Only the organization's admins manage its members.");
  }
  return Error::NotFound("No such organization.");
}

Result<MemberView> MemberService::ViewOf(const Membership& membership) {
  FR_ASSIGN_OR_RETURN(const auto user, users_.Find(membership.user_id));
  FR_ASSIGN_OR_RETURN(const auto login, logins_.Find(membership.user_id));
  return MemberView{membership, user ? user->name : std::string(),
                    login.has_value() && login->password_hash.has_value()};
}

Result<std::vector<MemberView>> MemberService::ListMembers(const Principal& principal,
                                                           OrganizationId organization) {
  FR_RETURN_IF_ERROR(MayManage(principal, organization));
  FR_ASSIGN_OR_RETURN(const auto memberships, organizations_.MembersOf(organization));
  std::vector<MemberView> members;
  members.reserve(memberships.size());
  for (const Membership& membership : memberships) {
    FR_ASSIGN_OR_RETURN(MemberView view, ViewOf(membership));
    members.push_back(std::move(view));
  }
  return members;
}

Result<MemberView> MemberService::ChangeRole(const Principal& principal,
                                             OrganizationId organization, UserId member,
                                             Role role) {
  FR_RETURN_IF_ERROR(MayManage(principal, organization));
  FR_ASSIGN_OR_RETURN(auto membership, organizations_.FindMembership(organization, member));
  if (!membership) return Error::NotFound("The user is not a member of this organization.");
  if (membership->role == role) return ViewOf(*membership);  // nothing changes, nothing audited
  AuditedChange audited;
  audited.Add(organization, AuditType::kMemberRoleChanged,
              {.member = member, .role = std::string(RoleName(role))}, clock_.Now());
  using RoleChange = OrganizationRepository::RoleChange;
  FR_ASSIGN_OR_RETURN(const RoleChange change,
                      organizations_.ChangeRoleKeepingAnAdmin(organization, member, role));
  if (change == RoleChange::kNotAMember) {
    return Error::NotFound("The user is not a member of this organization.");
  }
  if (change == RoleChange::kLastAdmin) {
    return Error::FailedPrecondition(
        "This member is the organization's only admin: make another member admin first.");
  }
  membership->role = role;
  return ViewOf(*membership);
}

}  // namespace fr
