#include "app/personal_token_service.hpp"

#include <algorithm>
#include <string>

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
  FR_ASSIGN_OR_RETURN(const auto tokens, List(principal));
  // Bounded, so that a leaked token cannot mint an endless supply of others (each with its
  // audit entries in every organisation of the user).
  if (tokens.size() >= kMaxPersonalTokens) {
    return Error::ResourceExhausted("You have " + std::to_string(kMaxPersonalTokens) +
                                    " personal access tokens; revoke one before creating another.");
  }
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
