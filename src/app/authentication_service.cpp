#include "app/authentication_service.hpp"

#include <chrono>

namespace fr {
namespace {

// Writing last_used_at on every request would turn every read into a write; a minute's
// precision is what an operator needs to spot unused tokens.
constexpr auto kLastUsedPrecision = std::chrono::minutes(1);

Error InvalidCredentials() {
  return Error::Unauthenticated("The token is missing, malformed, unknown, revoked or expired.");
}

bool SourceAccepts(CredentialSource source, TokenKind kind) {
  switch (source) {
    case CredentialSource::kPersonalAccessTokenHeader: return kind == TokenKind::kPersonal;
    case CredentialSource::kApiTokenHeader: return kind == TokenKind::kOrganization;
    case CredentialSource::kBearer: return true;
  }
  return false;
}

}  // namespace

Result<Principal> AuthenticationService::Authenticate(const Credential& credential) {
  const auto kind = TokenKindOfSecret(credential.secret);
  if (!kind || !SourceAccepts(credential.source, *kind)) return InvalidCredentials();

  const std::string hash = digest_.Sha256Hex(credential.secret);
  // Read before the token: a change after this read gives a newer stamp to the next request.
  FR_ASSIGN_OR_RETURN(const std::int64_t stamp, tokens_.AuthenticationStamp());
  std::optional<Known> known = Cached(hash, stamp);
  if (!known) {
    FR_ASSIGN_OR_RETURN(known, Read(hash, stamp));
    if (!known) return InvalidCredentials();
  }
  const Token& token = known->token;
  if (token.kind != *kind || !ConstantTimeEquals(token.secret_hash, hash)) {
    return InvalidCredentials();
  }
  const Timestamp now = clock_.Now();
  if (!token.IsUsableAt(now)) return InvalidCredentials();
  RecordUse(hash, token, now);

  if (token.kind == TokenKind::kOrganization) {
    return Principal::ForOrganization(token.organization_id, token.id);
  }
  return Principal::ForUser(token.user_id, token.id, std::move(known->memberships));
}

std::optional<AuthenticationService::Known> AuthenticationService::Cached(const std::string& hash,
                                                                          std::int64_t stamp) {
  Shard& shard = ShardOf(hash);
  std::lock_guard lock(shard.mu);
  const auto found = shard.by_hash.find(hash);
  if (found == shard.by_hash.end() || found->second.stamp != stamp) return std::nullopt;
  return found->second;
}

void AuthenticationService::Remember(const std::string& hash, Known known) {
  Shard& shard = ShardOf(hash);
  std::lock_guard lock(shard.mu);
  // Bounded: a flood of distinct valid tokens starts the shard over rather than growing it.
  if (shard.by_hash.size() >= kEntriesPerShard && !shard.by_hash.contains(hash)) {
    shard.by_hash.clear();
  }
  shard.by_hash.insert_or_assign(hash, std::move(known));
}

// The token and its memberships from storage; nullopt for an unknown hash (never cached, so
// a token created later is found).
Result<std::optional<AuthenticationService::Known>> AuthenticationService::Read(
    const std::string& hash, std::int64_t stamp) {
  FR_ASSIGN_OR_RETURN(std::optional<Token> token, tokens_.FindBySecretHash(hash));
  if (!token) return std::optional<Known>();
  Known known{std::move(*token), {}, stamp};
  if (known.token.kind == TokenKind::kPersonal) {
    FR_ASSIGN_OR_RETURN(known.memberships, organizations_.MembershipsOfUser(known.token.user_id));
  }
  Remember(hash, known);
  return std::optional<Known>(std::move(known));
}

void AuthenticationService::RecordUse(const std::string& hash, const Token& token,
                                      Timestamp now) {
  if (token.last_used_at && now - *token.last_used_at < kLastUsedPrecision) return;
  // Best effort: a request must not fail because its bookkeeping could not be written.
  (void)tokens_.RecordUse(token.id, now);
  Shard& shard = ShardOf(hash);
  std::lock_guard lock(shard.mu);
  if (const auto found = shard.by_hash.find(hash); found != shard.by_hash.end()) {
    found->second.token.last_used_at = now;
  }
}

}  // namespace fr
