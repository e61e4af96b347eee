#pragma once

#include <optional>
#include <string_view>

#include "app/call_record_service.hpp"
#include "common/clock.hpp"
#include "common/result.hpp"
#include "domain/audit/audit.hpp"
#include "domain/call_log/call_log_repository.hpp"
#include "domain/numbers/phone_number.hpp"
#include "identity/principal.hpp"
#include "identity/repositories.hpp"

namespace fr {

// The longest an organisation may keep call history when the server keeps it forever.
inline constexpr int kMaxCallRetentionDays = 36500;

// An organisation's data-protection settings and the erasure of a caller (issue #18 §2,
// decision 0046). Thread-safe.
class PrivacyService {
 public:
  // Erasures are recorded in the audit log, without the number (decision 0058).
  PrivacyService(OrganizationRepository& organizations, CallLogRepository& call_logs,
                 const NumberingPlan& plan, CallRetentionPolicy server_retention,
                 const Clock& clock)
      : organizations_(organizations),
        call_logs_(call_logs),
        plan_(plan),
        server_retention_(server_retention),
        clock_(clock) {}

  // The organisation as its members see it. Errors: kNotFound (not a member, no such
  // organisation).
  Result<Organization> GetOrganization(const Principal& principal, OrganizationId organization);
  // Sets the organisation's own call retention, 1..MaxCallRetentionDays(); nullopt returns to
  // the server's. Errors: kNotFound (as above), kPermissionDenied (not an admin),
  // kInvalidArgument (field callRetentionDays).
  Result<Organization> SetCallRetentionDays(const Principal& principal, OrganizationId organization,
                                            std::optional<int> days);
  // The server's retention in days, or kMaxCallRetentionDays when it keeps calls forever.
  int MaxCallRetentionDays() const;

  // Replaces the caller's number `number` (international, "+49…" or "00…") by "erased" in the
  // organisation's call history. Errors: kNotFound, kPermissionDenied (admins and the
  // organisation's API token only), kInvalidArgument (field number).
  Result<CallerErasure> EraseCaller(const Principal& principal, OrganizationId organization,
                                    std::string_view number);
  // The same for the operator (`admin privacy erase-caller`). Errors: kNotFound (no such
  // organisation), kInvalidArgument.
  Result<CallerErasure> EraseCallerAsOperator(OrganizationId organization, std::string_view number);

 private:
  Result<CallerErasure> Erase(OrganizationId organization, std::string_view number);

  OrganizationRepository& organizations_;
  CallLogRepository& call_logs_;
  const NumberingPlan& plan_;
  CallRetentionPolicy server_retention_;
  const Clock& clock_;
};

}  // namespace fr
