#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/clock.hpp"
#include "common/ids.hpp"
#include "common/random.hpp"

namespace fr {

// A personal access token acts as its user; an organisation token (API-TOKEN) acts as an admin
// of its one organisation.
enum class TokenKind { kPersonal, kOrganization };

const char* TokenKindName(TokenKind kind);  // "personal" | "organization"

// Secrets carry their kind in a prefix so that `Authorization: Bearer` needs no second header,
// and so that a leaked secret is recognisable by secret scanners.
inline constexpr std::string_view kPersonalTokenPrefix = "frpat_";
inline constexpr std::string_view kOrganizationTokenPrefix = "frapi_";

// Stored form of a token. Only the SHA-256 of the secret is kept (`secret_hash`, hex).
struct Token {
  TokenId id;
  TokenKind kind = TokenKind::kPersonal;
  UserId user_id;                  // set for kPersonal
  OrganizationId organization_id;  // set for kOrganization
  std::string name;
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

// The kind a secret's prefix announces; nullopt when the secret is not one of ours.
std::optional<TokenKind> TokenKindOfSecret(std::string_view secret);

// Compares two equal-purpose strings in time independent of where they differ.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace fr
