#include "app/personal_token_service.hpp"

#include <algorithm>

namespace fr {
namespace {

Error NeedsUser() {
  return Error::PermissionDenied(
      "Personal access tokens belong to a user: use a personal access token or sign in, not an "
      "organisation token.");
}

}  // namespace

Result<std::vector<Token>> PersonalTokenService::List(const Principal& principal) {
  if (!principal.IsUser()) return NeedsUser();
  FR_ASSIGN_OR_RETURN(auto tokens, administration_.ListTokens(
                                       {.user = principal.user_id, .kind = TokenKind::kPersonal}));
  std::erase_if(tokens, [](const Token& token) { return token.revoked_at.has_value(); });
  return tokens;
}

Result<IssuedToken> PersonalTokenService::Create(const Principal& principal,
                                                 const TokenRequest& request) {
  if (!principal.IsUser()) return NeedsUser();
  return administration_.CreatePersonalToken(principal.user_id, request);
}

Status PersonalTokenService::Revoke(const Principal& principal, TokenId token) {
  FR_ASSIGN_OR_RETURN(const auto tokens, List(principal));
  const bool owned = std::any_of(tokens.begin(), tokens.end(),
                                 [token](const Token& own) { return own.id == token; });
  // Another user's token, a session or an organisation token is answered like a missing one.
  if (!owned) return Error::NotFound("No such token.");
  return administration_.RevokeToken(token);
}

}  // namespace fr
