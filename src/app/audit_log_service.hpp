#pragma once

#include <cstdint>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "domain/audit/audit.hpp"
#include "identity/principal.hpp"

namespace fr {

// How long audit entries are kept (serve's --audit-retention-days, decision 0058). Zero: for
// ever.
struct AuditRetentionPolicy {
  int days = 730;
};

// Reading the audit log through the API (issue 18 §3): an organisation's whole log for its
// admins, and for a member every access an admin made to the member's agent phones. Nothing
// here changes an entry. Thread-safe.
class AuditLogService {
 public:
  AuditLogService(AuditLogRepository& log, const Clock& clock, AuditRetentionPolicy retention)
      : log_(log), clock_(clock), retention_(retention) {}

  // The organisation's entries matching `filter` (its organisation and member are ignored),
  // newest first. Errors: kNotFound (not a member of the organisation), kPermissionDenied (a
  // member but not an admin; the organisation's API token counts as an admin).
  Result<AuditPage> ListForOrganization(const Principal& principal, OrganizationId organization,
                                        AuditFilter filter, std::int64_t limit,
                                        std::int64_t offset);
  // The entries about the principal's agent phones, in every organisation, newest first.
  // `filter.types` may only narrow them. The actor is who acted (the admin's user, or the
  // organisation's token when no user did), without source address, request id or the admin's
  // token. Errors: kPermissionDenied for an organisation token.
  Result<AuditPage> ListAboutMe(const Principal& principal, AuditFilter filter, std::int64_t limit,
                                std::int64_t offset);
  // Deletes the entries older than the retention; 0 when it keeps them for ever.
  Result<std::int64_t> Purge();

 private:
  AuditLogRepository& log_;
  const Clock& clock_;
  AuditRetentionPolicy retention_;
};

// The agent_phone.* types: what a member sees of the log about themselves.
bool IsAgentPhoneAccess(AuditType type);

}  // namespace fr
