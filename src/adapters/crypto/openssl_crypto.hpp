#pragma once

#include "common/random.hpp"
#include "identity/repositories.hpp"

namespace fr {

// SHA-256 through OpenSSL's EVP interface.
class OpensslSecretDigest final : public SecretDigest {
 public:
  std::string Sha256Hex(std::string_view secret) const override;
  std::string HmacSha256Hex(std::string_view key, std::string_view message) const override;
};

// OpenSSL's CSPRNG (seeded from the kernel). Aborts if it cannot produce bytes: a token made
// from bad randomness is worse than no token.
class OpensslSecureRandom final : public SecureRandom {
 public:
  void Fill(std::span<std::uint8_t> out) override;
};

}  // namespace fr
