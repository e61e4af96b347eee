#pragma once

#include <array>
#include <chrono>
#include <string_view>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "identity/principal.hpp"
#include "identity/repositories.hpp"

namespace fr {

// Where a secret came from: the two headers of the contract name the token kind they expect;
// `Authorization: Bearer` lets the secret's prefix decide between those two. A session travels
// only in the session cookie, and the cookie carries nothing else (decision 0051).
enum class CredentialSource { kPersonalAccessTokenHeader, kApiTokenHeader, kBearer, kSessionCookie };

struct Credential {
  CredentialSource source = CredentialSource::kBearer;
  std::string secret;
};

// Turns a credential into a Principal. Thread-safe; holds references to its ports.
//
// Tokens that authenticated are kept in memory with the storage's authentication stamp of
// the moment they were read (decision 0027): while the stamp is unchanged, a request costs one
// read of that stamp instead of the token and its memberships. Any revocation, expiry change or
// membership change, by this process or another (the admin command), changes the stamp, so the
// very next request reads the token again. Expiry is checked on every request; a session also
// ends after `session_idle_timeout` without a request.
class AuthenticationService {
 public:
  AuthenticationService(TokenRepository& tokens, OrganizationRepository& organizations,
                        const SecretDigest& digest, const Clock& clock,
                        std::chrono::milliseconds session_idle_timeout = std::chrono::hours(12))
      : tokens_(tokens),
        organizations_(organizations),
        digest_(digest),
        clock_(clock),
        session_idle_timeout_(session_idle_timeout) {}

  // Errors: kUnauthenticated for a malformed, unknown, revoked or expired secret, an idle
  // session, or a secret of another kind than its header names (one generic detail for all, so
  // nothing is revealed); kUnavailable, kInternal from storage.
  Result<Principal> Authenticate(const Credential& credential);

  // The CSRF token a write authenticated by the session `secret` must carry (SessionCsrfToken).
  std::string CsrfTokenOf(std::string_view session_secret) const;

 private:
  // A token as storage had it at `stamp`, with its user's memberships.
  struct Known {
    Token token;
    std::vector<Membership> memberships;
    std::int64_t stamp = 0;
  };
  // Shards keep concurrent requests from queueing on one lock.
  struct Shard {
    std::mutex mu;
    std::unordered_map<std::string, Known> by_hash;  // Guarded by mu.
  };
  static constexpr std::size_t kShards = 16;
  static constexpr std::size_t kEntriesPerShard = 1024;

  Shard& ShardOf(const std::string& hash) { return shards_[std::hash<std::string>{}(hash) % kShards]; }
  std::optional<Known> Cached(const std::string& hash, std::int64_t stamp);
  void Remember(const std::string& hash, Known known);
  Result<std::optional<Known>> Read(const std::string& hash, std::int64_t stamp);
  void RecordUse(const std::string& hash, const Token& token, Timestamp now);
  bool IsIdle(const Token& token, Timestamp now) const;

  TokenRepository& tokens_;
  OrganizationRepository& organizations_;
  const SecretDigest& digest_;
  const Clock& clock_;
  const std::chrono::milliseconds session_idle_timeout_;
  std::array<Shard, kShards> shards_;
};

}  // namespace fr
