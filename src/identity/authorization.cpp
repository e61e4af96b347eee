#include "identity/authorization.hpp"

namespace fr {

std::optional<Membership> Principal::MembershipIn(OrganizationId organization) const {
  if (!IsUser()) return std::nullopt;
  for (const Membership& membership : memberships) {
    if (membership.organization_id == organization) return membership;
  }
  return std::nullopt;
}

bool IsOrganizationAdmin(const Principal& principal, OrganizationId organization) {
  if (!organization.valid()) return false;
  if (!principal.IsUser()) return principal.organization_id == organization;
  const auto membership = principal.MembershipIn(organization);
  return membership.has_value() && membership->role == Role::kAdmin;
}

bool IsOrganizationMember(const Principal& principal, OrganizationId organization) {
  if (!organization.valid()) return false;
  if (!principal.IsUser()) return principal.organization_id == organization;
  return principal.MembershipIn(organization).has_value();
}

Status RequireOrganizationAdmin(const Principal& principal, OrganizationId organization,
                                const std::string& denial) {
  if (!IsOrganizationMember(principal, organization)) {
    return Error::NotFound("No such organization.");
  }
  if (!IsOrganizationAdmin(principal, organization)) return Error::PermissionDenied(denial);
  return Ok();
}

Access OrganizationResourceAccess(const Principal& principal, OrganizationId organization) {
  if (IsOrganizationAdmin(principal, organization)) return Access::kReadWrite;
  if (IsOrganizationMember(principal, organization)) return Access::kRead;
  return Access::kNone;
}

Access CallRecordAccess(const Principal& principal, OrganizationId organization) {
  return IsOrganizationAdmin(principal, organization) ? Access::kRead : Access::kNone;
}

Access AgentPhoneAccess(const Principal& principal, UserId owner,
                        std::optional<OrganizationId> via_organization,
                        const std::optional<Membership>& owner_membership) {
  if (principal.IsUser() && principal.user_id == owner) return Access::kReadWrite;
  if (!via_organization.has_value()) return Access::kNone;
  if (!IsOrganizationAdmin(principal, *via_organization)) return Access::kNone;
  const bool owner_consents = owner_membership.has_value() &&
                              owner_membership->organization_id == *via_organization &&
                              owner_membership->user_id == owner &&
                              owner_membership->allow_admin_access;
  return owner_consents ? Access::kReadWrite : Access::kNone;
}

bool MaySeeAgentNumber(const Principal& principal, UserId agent, OrganizationId organization,
                       const std::optional<Membership>& agent_membership) {
  return AgentPhoneAccess(principal, agent, organization, agent_membership) != Access::kNone;
}

}  // namespace fr
