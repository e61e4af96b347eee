#include "app/privacy_service.hpp"

#include <string>

#include "identity/authorization.hpp"

namespace fr {
namespace {

Error NoSuchOrganization() { return Error::NotFound("No such organization."); }

// Admins only; outsiders learn nothing of the organisation (decision 0004).
Status RequireAdmin(const Principal& principal, OrganizationId organization, const char* what) {
  if (!IsOrganizationMember(principal, organization)) return NoSuchOrganization();
  if (!IsOrganizationAdmin(principal, organization)) {
    return Error::PermissionDenied(std::string("Only admins of the organization may ") + what +
                                   ".");
  }
  return Ok();
}

}  // namespace

Result<Organization> PrivacyService::GetOrganization(const Principal& principal,
                                                     OrganizationId organization) {
  if (!IsOrganizationMember(principal, organization)) return NoSuchOrganization();
  FR_ASSIGN_OR_RETURN(auto found, organizations_.Find(organization));
  if (!found) return NoSuchOrganization();
  return std::move(*found);
}

int PrivacyService::MaxCallRetentionDays() const {
  return server_retention_.days == 0 ? kMaxCallRetentionDays : server_retention_.days;
}

Result<Organization> PrivacyService::SetCallRetentionDays(const Principal& principal,
                                                          OrganizationId organization,
                                                          std::optional<int> days) {
  FR_RETURN_IF_ERROR(RequireAdmin(principal, organization, "change its call retention"));
  if (days && (*days < 1 || *days > MaxCallRetentionDays())) {
    return Error::InvalidArgument(
        "The organization is invalid.",
        {{"callRetentionDays", "must be between 1 and " + std::to_string(MaxCallRetentionDays()) +
                                   " (the server's retention), or null"}});
  }
  FR_ASSIGN_OR_RETURN(const bool set, organizations_.SetCallRetentionDays(organization, days));
  if (!set) return NoSuchOrganization();
  return GetOrganization(principal, organization);
}

Result<CallerErasure> PrivacyService::EraseCaller(const Principal& principal,
                                                  OrganizationId organization,
                                                  std::string_view number) {
  FR_RETURN_IF_ERROR(RequireAdmin(principal, organization, "erase a caller"));
  return Erase(organization, number);
}

Result<CallerErasure> PrivacyService::EraseCallerAsOperator(OrganizationId organization,
                                                            std::string_view number) {
  FR_ASSIGN_OR_RETURN(const auto found, organizations_.Find(organization));
  if (!found) return NoSuchOrganization();
  return Erase(organization, number);
}

Result<CallerErasure> PrivacyService::Erase(OrganizationId organization, std::string_view number) {
  // Callers are stored as the numbering plan writes them ("00…"), so the number is matched in
  // that form whichever way it was typed.
  const auto parsed = plan_.Parse(number, nullptr);
  if (!parsed) {
    return Error::InvalidArgument(
        "The number is invalid.",
        {{"number", "must be an international phone number (+49… or 0049…)"}});
  }
  const std::string plus_form = "+" + parsed->international.substr(2);
  AuditedChange audited;
  audited.Add(organization, AuditType::kCallerErased, {}, clock_.Now());
  return call_logs_.EraseCaller(organization, parsed->international, plus_form);
}

}  // namespace fr
