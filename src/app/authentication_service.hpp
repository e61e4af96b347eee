#pragma once

#include <string>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "identity/principal.hpp"
#include "identity/repositories.hpp"

namespace fr {

// Where a secret came from: the two headers of the contract name the token kind they expect;
// `Authorization: Bearer` lets the secret's prefix decide.
enum class CredentialSource { kPersonalAccessTokenHeader, kApiTokenHeader, kBearer };

struct Credential {
  CredentialSource source = CredentialSource::kBearer;
  std::string secret;
};

// Turns a credential into a Principal. Thread-safe; holds references to its ports.
class AuthenticationService {
 public:
  AuthenticationService(TokenRepository& tokens, OrganizationRepository& organizations,
                        const SecretDigest& digest, const Clock& clock)
      : tokens_(tokens), organizations_(organizations), digest_(digest), clock_(clock) {}

  // Errors: kUnauthenticated for a malformed, unknown, revoked or expired secret, or one of the
  // other kind than its header names (one generic detail for all, so nothing is revealed);
  // kUnavailable, kInternal from storage.
  Result<Principal> Authenticate(const Credential& credential);

 private:
  void RecordUse(const Token& token, Timestamp now);

  TokenRepository& tokens_;
  OrganizationRepository& organizations_;
  const SecretDigest& digest_;
  const Clock& clock_;
};

}  // namespace fr
