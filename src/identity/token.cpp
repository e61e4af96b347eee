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

}  // namespace

const char* TokenKindName(TokenKind kind) {
  return kind == TokenKind::kPersonal ? "personal" : "organization";
}

std::string GenerateTokenSecret(TokenKind kind, SecureRandom& random) {
  std::array<std::uint8_t, kSecretBytes> bytes{};
  random.Fill(bytes);
  const std::string_view prefix =
      kind == TokenKind::kPersonal ? kPersonalTokenPrefix : kOrganizationTokenPrefix;
  return std::string(prefix) + Base64UrlEncode(bytes);
}

std::optional<TokenKind> TokenKindOfSecret(std::string_view secret) {
  if (secret.starts_with(kPersonalTokenPrefix) && HasWellFormedBody(secret, kPersonalTokenPrefix)) {
    return TokenKind::kPersonal;
  }
  if (secret.starts_with(kOrganizationTokenPrefix) &&
      HasWellFormedBody(secret, kOrganizationTokenPrefix)) {
    return TokenKind::kOrganization;
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
