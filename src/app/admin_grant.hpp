#pragma once

#include <cstdint>
#include <optional>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "identity/principal.hpp"
#include "identity/repositories.hpp"

namespace fr {

// Who runs a long read of an organisation's data (an event stream, an export) as an admin of it,
// as last checked, and the authentication stamp (TokenRepository::AuthenticationStamp) of that
// check; -1: not checked since the read began.
struct AdminGrant {
  Principal principal;
  std::int64_t stamp = -1;
  // The token's expiry as last read: time passing moves no stamp.
  std::optional<Timestamp> expires_at = std::nullopt;
};

// Checks an AdminGrant again while its read goes on, so that a revoked token or an admin who
// was removed or demoted stops reading (decisions 0063, 0082). Thread-safe; holds references to
// its ports.
class AdminGrantCheck {
 public:
  AdminGrantCheck(TokenRepository& tokens, OrganizationRepository& organizations,
                  const Clock& clock)
      : tokens_(tokens), organizations_(organizations), clock_(clock) {}

  // Whether `grant`'s principal may still read `organization` as its admin, as the read's own
  // start would decide now: its token neither revoked, expired nor deleted, and a user still an
  // admin there (the memberships as stored now); an organisation token still its own. Reads the
  // token and memberships only when the authentication stamp moved since the grant's last
  // check, and then updates the grant. A session's idle timeout is not checked. Errors:
  // kUnavailable, kInternal (the caller asks again later or gives up).
  Result<bool> StillHolds(AdminGrant& grant, OrganizationId organization) const;

 private:
  TokenRepository& tokens_;
  OrganizationRepository& organizations_;
  const Clock& clock_;
};

}  // namespace fr
