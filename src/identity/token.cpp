#include "identity/token.hpp"

#include <array>
#include <cstdint>

namespace fr {
namespace {

constexpr std::size_t kSecretBytes = 32;
constexpr std::size_t kEncodedLength = 43;  // ceil(32 * 8 / 6), unpadded

std::string Base64UrlEncode(std::span<const std::uint8_t> bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (const std::uint8_t b : bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(buffer >> bits) & 0x3F]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buffer << (6 - bits)) & 0x3F]);
  return out;
}

bool IsBase64UrlChar(char ch) {
  return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
         ch == '-' || ch == '_';
}

bool HasWellFormedBody(std::string_view secret, std::string_view prefix) {
  if (secret.size() != prefix.size() + kEncodedLength) return false;
  for (const char ch : secret.substr(prefix.size())) {
    if (!IsBase64UrlChar(ch)) return false;
  }
  return true;
}

std::string_view PrefixOf(TokenKind kind) {
  switch (kind) {
    case TokenKind::kPersonal: return kPersonalTokenPrefix;
    case TokenKind::kOrganization: return kOrganizationTokenPrefix;
    case TokenKind::kSession: return kSessionTokenPrefix;
  }
  return kPersonalTokenPrefix;
}

}  // namespace

const char* TokenKindName(TokenKind kind) {
  switch (kind) {
    case TokenKind::kPersonal: return "personal";
    case TokenKind::kOrganization: return "organization";
    case TokenKind::kSession: return "session";
  }
  return "personal";
}

std::optional<TokenKind> ParseTokenKind(std::string_view name) {
  for (const TokenKind kind : {TokenKind::kPersonal, TokenKind::kOrganization, TokenKind::kSession}) {
    if (name == TokenKindName(kind)) return kind;
  }
  return std::nullopt;
}

std::string GeneratePrefixedSecret(std::string_view prefix, SecureRandom& random) {
  std::array<std::uint8_t, kSecretBytes> bytes{};
  random.Fill(bytes);
  return std::string(prefix) + Base64UrlEncode(bytes);
}

std::string GenerateTokenSecret(TokenKind kind, SecureRandom& random) {
  return GeneratePrefixedSecret(PrefixOf(kind), random);
}

bool IsWellFormedSecret(std::string_view secret, std::string_view prefix) {
  return secret.starts_with(prefix) && HasWellFormedBody(secret, prefix);
}

std::optional<TokenKind> TokenKindOfSecret(std::string_view secret) {
  for (const TokenKind kind : {TokenKind::kPersonal, TokenKind::kOrganization, TokenKind::kSession}) {
    if (IsWellFormedSecret(secret, PrefixOf(kind))) return kind;
  }
  return std::nullopt;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char difference = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    difference |= static_cast<unsigned char>(a[i] ^ b[i]);
  }
  return difference == 0;
}

}  // namespace fr
