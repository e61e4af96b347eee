#include "app/blocked_caller_service.hpp"

#include "identity/authorization.hpp"

namespace fr {

Status BlockedCallerService::CheckAdmin(const Principal& principal,
                                        OrganizationId organization) const {
  if (!IsOrganizationMember(principal, organization)) {
    return Error::NotFound("No such organization.");
  }
  if (!IsOrganizationAdmin(principal, organization)) {
    return Error::PermissionDenied(
        "Only admins of the organization may read and change its blocked callers: the list "
        "holds callers' phone numbers.");
  }
  return Ok();
}

Result<BlockedCallerPage> BlockedCallerService::List(const Principal& principal,
                                                     OrganizationId organization,
                                                     std::int64_t limit, std::int64_t offset) {
  FR_RETURN_IF_ERROR(CheckAdmin(principal, organization));
  return blocks_.List(organization, clock_.Now(), limit, offset);
}

Result<BlockedCaller> BlockedCallerService::Create(const Principal& principal,
                                                   OrganizationId organization,
                                                   const BlockedCallerDraft& draft) {
  FR_RETURN_IF_ERROR(CheckAdmin(principal, organization));
  FR_ASSIGN_OR_RETURN(const BlockedCaller block,
                      ValidateBlockedCaller(draft, organization, plan_, clock_.Now()));
  return blocks_.Create(block);
}

Result<std::int64_t> BlockedCallerService::PurgeExpired() {
  return blocks_.PurgeExpired(clock_.Now());
}

Status BlockedCallerService::Delete(const Principal& principal, OrganizationId organization,
                                    BlockedCallerId id) {
  FR_RETURN_IF_ERROR(CheckAdmin(principal, organization));
  return blocks_.Delete(organization, id);
}

}  // namespace fr
