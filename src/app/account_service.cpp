#include "app/account_service.hpp"

#include "domain/audit/audit.hpp"

namespace fr {
namespace {

Error NeedsPersonalToken() {
  return Error::PermissionDenied(
      "This resource belongs to a user: use a personal access token, not an organisation token.");
}

}  // namespace

Result<MembershipView> AccountService::ViewOf(const Membership& membership) {
  FR_ASSIGN_OR_RETURN(const auto organization, organizations_.Find(membership.organization_id));
  return MembershipView{membership, organization ? organization->name : std::string()};
}

Result<Account> AccountService::GetAccount(const Principal& principal) {
  if (!principal.IsUser()) return NeedsPersonalToken();
  FR_ASSIGN_OR_RETURN(const auto user, users_.Find(principal.user_id));
  if (!user) return Error::NotFound("The token's user no longer exists.");
  // Read fresh rather than from the principal, so the answer reflects this very moment.
  FR_ASSIGN_OR_RETURN(const auto memberships, organizations_.MembershipsOfUser(user->id));
  Account account{*user, {}};
  for (const Membership& membership : memberships) {
    FR_ASSIGN_OR_RETURN(MembershipView view, ViewOf(membership));
    account.memberships.push_back(std::move(view));
  }
  return account;
}

Result<MembershipView> AccountService::SetAdminAccessConsent(const Principal& principal,
                                                             OrganizationId organization,
                                                             bool allow) {
  if (!principal.IsUser()) return NeedsPersonalToken();
  FR_ASSIGN_OR_RETURN(auto membership,
                      organizations_.FindMembership(organization, principal.user_id));
  if (!membership) return Error::NotFound("You are not a member of this organization.");
  AuditedChange audited;
  if (membership->allow_admin_access != allow) {
    audited.Add(organization, allow ? AuditType::kConsentGiven : AuditType::kConsentWithdrawn,
                {.member = principal.user_id}, clock_.Now());
  }
  membership->allow_admin_access = allow;
  FR_RETURN_IF_ERROR(organizations_.UpdateMembership(*membership));
  return ViewOf(*membership);
}

Status AccountService::LeaveOrganization(const Principal& principal, OrganizationId organization) {
  if (!principal.IsUser()) return NeedsPersonalToken();
  AuditedChange audited;
  audited.Add(organization, AuditType::kMemberRemoved, {.member = principal.user_id},
              clock_.Now());
  using Removal = OrganizationRepository::Removal;
  FR_ASSIGN_OR_RETURN(const Removal removal,
                      organizations_.RemoveMemberKeepingAnAdmin(organization, principal.user_id));
  if (removal == Removal::kNotAMember) {
    return Error::NotFound("You are not a member of this organization.");
  }
  if (removal == Removal::kLastAdmin) {
    return Error::FailedPrecondition(
        "You are this organization's only admin: make another member admin before you leave.");
  }
  return hotlines_.RemoveAgentFromOrganization(organization, principal.user_id);
}

}  // namespace fr
