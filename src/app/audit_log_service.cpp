#include "app/audit_log_service.hpp"

#include <algorithm>
#include <chrono>

#include "identity/authorization.hpp"

namespace fr {

bool IsAgentPhoneAccess(AuditType type) {
  switch (type) {
    case AuditType::kAgentPhonesRead:
    case AuditType::kAgentPhoneCreated:
    case AuditType::kAgentPhoneChanged:
    case AuditType::kAgentPhoneDeleted:
      return true;
    default:
      return false;
  }
}

Result<AuditPage> AuditLogService::ListForOrganization(const Principal& principal,
                                                       OrganizationId organization,
                                                       AuditFilter filter, std::int64_t limit,
                                                       std::int64_t offset) {
  if (!IsOrganizationMember(principal, organization)) {
    return Error::NotFound("No such organization.");
  }
  // Admins and the organisation's API token, as for everything else only admins read (the
  // organisation export, which contains the log, included).
  if (!IsOrganizationAdmin(principal, organization)) {
    return Error::PermissionDenied("Only admins of the organization may read its audit log.");
  }
  filter.organization = organization;
  filter.member.reset();
  return log_.List(filter, limit, offset);
}

Result<AuditPage> AuditLogService::ListAboutMe(const Principal& principal, AuditFilter filter,
                                               std::int64_t limit, std::int64_t offset) {
  if (!principal.IsUser()) {
    return Error::PermissionDenied(
        "This resource belongs to a user: use a personal access token, not an organisation "
        "token.");
  }
  std::vector<AuditType> types;
  for (const AuditType type : filter.types.empty() ? AllAuditTypes() : filter.types) {
    if (IsAgentPhoneAccess(type)) types.push_back(type);
  }
  if (types.empty()) return AuditPage{};
  filter.types = std::move(types);
  filter.organization.reset();
  filter.member = principal.user_id;
  FR_ASSIGN_OR_RETURN(AuditPage page, log_.List(filter, limit, offset));
  // A member learns who acted, what and when; the admin's address, the request and which of
  // the admin's own tokens it carried stay with the organisation's admins.
  for (AuditEntry& entry : page.entries) {
    entry.actor.source_address.clear();
    entry.actor.request_id.clear();
    if (entry.actor.user) entry.actor.token.reset();
  }
  return page;
}

Result<std::int64_t> AuditLogService::Purge() {
  if (retention_.days <= 0) return std::int64_t{0};
  return log_.PurgeBefore(clock_.Now() - std::chrono::days(retention_.days));
}

}  // namespace fr
