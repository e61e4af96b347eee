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
  FR_ASSIGN_OR_RETURN(const std::optional<Token> token, tokens_.FindBySecretHash(hash));
  if (!token || token->kind != *kind || !ConstantTimeEquals(token->secret_hash, hash)) {
    return InvalidCredentials();
  }
  const Timestamp now = clock_.Now();
  if (!token->IsUsableAt(now)) return InvalidCredentials();
  RecordUse(*token, now);

  if (token->kind == TokenKind::kOrganization) {
    return Principal::ForOrganization(token->organization_id, token->id);
  }
  FR_ASSIGN_OR_RETURN(std::vector<Membership> memberships,
                      organizations_.MembershipsOfUser(token->user_id));
  return Principal::ForUser(token->user_id, token->id, std::move(memberships));
}

void AuthenticationService::RecordUse(const Token& token, Timestamp now) {
  if (token.last_used_at && now - *token.last_used_at < kLastUsedPrecision) return;
  // Best effort: a request must not fail because its bookkeeping could not be written.
  (void)tokens_.RecordUse(token.id, now);
}

}  // namespace fr
