#pragma once

#include <optional>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "domain/audit/audit.hpp"
#include "domain/agent_phone/agent_phone.hpp"
#include "domain/agent_phone/agent_phone_repository.hpp"
#include "domain/hotline/hotline_repository.hpp"
#include "identity/authorization.hpp"
#include "identity/principal.hpp"
#include "identity/repositories.hpp"

namespace fr {

// A phone the caller may manage, and the organisation through which an admin (or an
// organisation's token) reaches it: nullopt when the owner acts on their own phone.
struct ManagedPhone {
  AgentPhone phone;
  std::optional<OrganizationId> admin_access_through;
};

// A user's agent phones, for the user and, with the user's consent, the admins of an
// organisation the user belongs to (`via` is the request's `organization_id`). Thread-safe.
class AgentPhoneService {
 public:
  // Every access an admin (or an organisation token) makes to another user's phones is
  // recorded in `audit`: reads at once, writes in the write's transaction (decision 0058).
  AgentPhoneService(AgentPhoneRepository& phones, OrganizationRepository& organizations,
                    NumberInventory& numbers, const NumberingPlan& plan, AuditLogRepository& audit,
                    const Clock& clock)
      : phones_(phones),
        organizations_(organizations),
        numbers_(numbers),
        plan_(plan),
        audit_(audit),
        clock_(clock) {}

  // Errors: kPermissionDenied when the caller may not see `owner`'s phones; those of the audit
  // log, for an admin's read, which is refused rather than left unrecorded.
  Result<std::vector<AgentPhone>> List(const Principal& principal, UserId owner,
                                       std::optional<OrganizationId> via);
  // Errors: kInvalidArgument (fields; also a number of the service's own inventory, which
  // would make the service call itself), kPermissionDenied (no access to draft.user_id),
  // kAlreadyExists (same number twice), kResourceExhausted (too many phones).
  Result<AgentPhone> Create(const Principal& principal, std::optional<OrganizationId> via,
                            const AgentPhoneDraft& draft);
  // Full replacement; a new number makes the phone pending verification again. Errors: kNotFound
  // (no such phone, or invisible to the caller), kInvalidArgument (fields, or an attempt to change
  // the owner), kAlreadyExists.
  Result<AgentPhone> Update(const Principal& principal, AgentPhoneId id,
                            std::optional<OrganizationId> via, const AgentPhoneDraft& draft);
  // The phone `id` if the caller may manage it (as Update and Delete): for operations on one
  // phone that live elsewhere (its verification). Errors: kNotFound (no such phone, or
  // invisible to the caller).
  Result<ManagedPhone> Manage(const Principal& principal, AgentPhoneId id,
                              std::optional<OrganizationId> via);
  // The operator vouches for phone `id`'s number (`admin phone verify`, for a number proven
  // another way, or a lab): the phone becomes verified without a call. Returns the phone.
  // Errors: kNotFound.
  Result<AgentPhone> VerifyByOperator(AgentPhoneId id);
  // Errors: kNotFound.
  Status Delete(const Principal& principal, AgentPhoneId id, std::optional<OrganizationId> via);

 private:
  Result<Access> AccessTo(const Principal& principal, UserId owner,
                          std::optional<OrganizationId> via);
  // Errors: kInvalidArgument when `phone` is one of the service's own numbers.
  Status RefuseOwnNumber(const AgentPhone& phone);
  // The phone `id` if the caller may write it; kNotFound otherwise.
  Result<AgentPhone> WritablePhone(const Principal& principal, AgentPhoneId id,
                                   std::optional<OrganizationId> via);

  AgentPhoneRepository& phones_;
  OrganizationRepository& organizations_;
  NumberInventory& numbers_;
  const NumberingPlan& plan_;
  AuditLogRepository& audit_;
  const Clock& clock_;
};

}  // namespace fr
