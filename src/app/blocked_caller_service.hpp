#pragma once

#include <cstdint>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "domain/blocked_caller/blocked_caller.hpp"
#include "identity/principal.hpp"

namespace fr {

// An organisation's blocklist (decision 0044): its admins and its API token read and change it;
// anyone else learns nothing (404, as for an organisation they are not in; 403 for a member).
// Thread-safe.
class BlockedCallerService {
 public:
  BlockedCallerService(BlockedCallerRepository& blocks, const NumberingPlan& plan,
                       const Clock& clock)
      : blocks_(blocks), plan_(plan), clock_(clock) {}

  // Errors (all three): kNotFound when the caller is not in `organization`; kPermissionDenied
  // for a member who is not an admin. List shows only the blocks that apply now (decision 0077).
  Result<BlockedCallerPage> List(const Principal& principal, OrganizationId organization,
                                 std::int64_t limit, std::int64_t offset);
  // Also kInvalidArgument (every bad field), kAlreadyExists (the number is blocked already).
  Result<BlockedCaller> Create(const Principal& principal, OrganizationId organization,
                               const BlockedCallerDraft& draft);
  // Also kNotFound when the organisation has no block `id`.
  Status Delete(const Principal& principal, OrganizationId organization, BlockedCallerId id);
  // The retention pass: deletes every block that has expired (a blocked caller's number is
  // personal data, kept no longer than the block applies). Returns how many.
  Result<std::int64_t> PurgeExpired();

 private:
  Status CheckAdmin(const Principal& principal, OrganizationId organization) const;

  BlockedCallerRepository& blocks_;
  const NumberingPlan& plan_;
  const Clock& clock_;
};

}  // namespace fr
