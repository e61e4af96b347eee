#pragma once

#include <vector>

#include "app/administration_service.hpp"
#include "common/result.hpp"
#include "identity/principal.hpp"

namespace fr {

// A user's own personal access tokens through the API (`/v1/me/tokens`, decision 0074): the
// same tokens, rules and audit entries as the operator's `admin token` commands, limited to
// the principal's user. Sessions never appear here. Thread-safe.
class PersonalTokenService {
 public:
  explicit PersonalTokenService(AdministrationService& administration)
      : administration_(administration) {}

  // The user's personal tokens that are not revoked (expired ones included, so that the user
  // sees why a script stopped), oldest first. Errors: kPermissionDenied (organisation token).
  Result<std::vector<Token>> List(const Principal& principal);
  // Unrevoked personal tokens a user may hold at once.
  static constexpr std::size_t kMaxPersonalTokens = 50;

  // A new token of the principal's user; the secret exists only in the answer. Errors:
  // kPermissionDenied (organisation token); kInvalidArgument (name 0..100 characters,
  // expiry 1..3650 days); kResourceExhausted (kMaxPersonalTokens held already).
  Result<IssuedToken> Create(const Principal& principal, const TokenRequest& request);
  // Revokes one of the user's personal tokens (also the one making the request). Errors:
  // kPermissionDenied (organisation token); kNotFound (not one of the user's personal tokens,
  // or revoked already).
  Status Revoke(const Principal& principal, TokenId token);

 private:
  AdministrationService& administration_;
};

}  // namespace fr
