#include "app/admin_grant.hpp"

#include "identity/authorization.hpp"

namespace fr {

Result<bool> AdminGrantCheck::StillHolds(AdminGrant& grant, OrganizationId organization) const {
  // Read before the token: a change after this read gives the next check a newer stamp.
  FR_ASSIGN_OR_RETURN(const std::int64_t stamp, tokens_.AuthenticationStamp());
  if (stamp == grant.stamp) return !grant.expires_at || clock_.Now() < *grant.expires_at;
  Principal now = grant.principal;
  FR_ASSIGN_OR_RETURN(const std::optional<Token> token, tokens_.Find(now.token_id));
  if (!token || !token->IsUsableAt(clock_.Now())) return false;
  if (now.IsUser()) {
    FR_ASSIGN_OR_RETURN(now.memberships, organizations_.MembershipsOfUser(now.user_id));
  }
  if (!IsOrganizationAdmin(now, organization)) return false;
  grant = {std::move(now), stamp, token->expires_at};
  return true;
}

}  // namespace fr
