#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/clock.hpp"
#include "common/ids.hpp"
#include "common/random.hpp"

namespace fr {

// A personal access token acts as its user; an organisation token (API-TOKEN) acts as an admin
// of its one organisation. A session is a user's sign-in from a browser (decision 0051): it acts
// as its user exactly like a personal token, but travels only in the session cookie, expires
// when idle, and is never listed among the personal tokens.
enum class TokenKind { kPersonal, kOrganization, kSession };

const char* TokenKindName(TokenKind kind);  // "personal" | "organization" | "session"
std::optional<TokenKind> ParseTokenKind(std::string_view name);

// Secrets carry their kind in a prefix so that `Authorization: Bearer` needs no second header,
// and so that a leaked secret is recognisable by secret scanners.
inline constexpr std::string_view kPersonalTokenPrefix = "frpat_";
inline constexpr std::string_view kOrganizationTokenPrefix = "frapi_";
inline constexpr std::string_view kSessionTokenPrefix = "frses_";
// Set-password invites (decision 0053): not a token, but a secret of the same shape.
inline constexpr std::string_view kInviteSecretPrefix = "frinv_";

// Stored form of a token. Only the SHA-256 of the secret is kept (`secret_hash`, hex).
struct Token {
  TokenId id;
  TokenKind kind = TokenKind::kPersonal;
  UserId user_id;                  // set for kPersonal and kSession
  OrganizationId organization_id;  // set for kOrganization
  std::string name;  // a session's: the browser's User-Agent, shortened
  std::string secret_hash;
  Timestamp created_at;
  std::optional<Timestamp> last_used_at;
  std::optional<Timestamp> expires_at;
  std::optional<Timestamp> revoked_at;

  bool IsUsableAt(Timestamp now) const {
    return !revoked_at.has_value() && (!expires_at.has_value() || now < *expires_at);
  }
};

// A new secret: the kind's prefix and 256 random bits in unpadded base64url (43 characters).
std::string GenerateTokenSecret(TokenKind kind, SecureRandom& random);
// The same with any prefix (kInviteSecretPrefix).
std::string GeneratePrefixedSecret(std::string_view prefix, SecureRandom& random);

// The kind a secret's prefix announces; nullopt when the secret is not one of ours.
std::optional<TokenKind> TokenKindOfSecret(std::string_view secret);
// True when `secret` is `prefix` followed by 43 base64url characters.
bool IsWellFormedSecret(std::string_view secret, std::string_view prefix);

// Compares two equal-purpose strings in time independent of where they differ.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace fr
