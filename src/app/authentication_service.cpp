#include "app/authentication_service.hpp"

#include <algorithm>
#include <chrono>

#include "app/login_service.hpp"

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
    case CredentialSource::kBearer: return kind != TokenKind::kSession;
    case CredentialSource::kSessionCookie: return kind == TokenKind::kSession;
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
  if (known->token.kind != *kind || !ConstantTimeEquals(known->token.secret_hash, hash)) {
    return InvalidCredentials();
  }
  const Timestamp now = clock_.Now();
  if (!known->token.IsUsableAt(now)) return InvalidCredentials();
  if (IsIdle(known->token, now)) {
    // Another node may have seen the session's recent use, which this node's memory lacks.
    FR_ASSIGN_OR_RETURN(known, Read(hash, stamp));
    if (!known || IsIdle(known->token, now)) return InvalidCredentials();
  }
  RecordUse(hash, known->token, now);

  switch (known->token.kind) {
    case TokenKind::kOrganization:
      return Principal::ForOrganization(known->token.organization_id, known->token.id);
    case TokenKind::kSession:
      return Principal::ForSession(known->token.user_id, known->token.id,
                                   std::move(known->memberships));
    case TokenKind::kPersonal: break;
  }
  return Principal::ForUser(known->token.user_id, known->token.id, std::move(known->memberships));
}

std::string AuthenticationService::CsrfTokenOf(std::string_view session_secret) const {
  return SessionCsrfToken(digest_, session_secret);
}

bool AuthenticationService::IsIdle(const Token& token, Timestamp now) const {
  if (token.kind != TokenKind::kSession) return false;
  const Timestamp last = std::max(token.created_at, token.last_used_at.value_or(token.created_at));
  return now - last >= session_idle_timeout_;
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
  if (known.token.kind != TokenKind::kOrganization) {
    FR_ASSIGN_OR_RETURN(known.memberships, organizations_.MembershipsOfUser(known.token.user_id));
  }
  Remember(hash, known);
  return std::optional<Known>(std::move(known));
}

void AuthenticationService::RecordUse(const std::string& hash, const Token& token,
                                      Timestamp now) {
  // A session's idle timeout counts from its last recorded use, so that must be much finer
  // than the timeout (tests run with timeouts of seconds).
  const auto precision = token.kind == TokenKind::kSession
                             ? std::min<std::chrono::milliseconds>(kLastUsedPrecision,
                                                                   session_idle_timeout_ / 20)
                             : std::chrono::milliseconds(kLastUsedPrecision);
  if (token.last_used_at && now - *token.last_used_at < precision) return;
  // Best effort: a request must not fail because its bookkeeping could not be written. The
  // service's repository only queues the use (WriteBehindTokenRepository); a use it refuses is
  // not remembered either, so that the token's next request offers it again.
  if (!tokens_.RecordUse(token.id, now).ok()) return;
  Shard& shard = ShardOf(hash);
  std::lock_guard lock(shard.mu);
  if (const auto found = shard.by_hash.find(hash); found != shard.by_hash.end()) {
    found->second.token.last_used_at = now;
  }
}

}  // namespace fr
