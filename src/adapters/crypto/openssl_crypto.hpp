#pragma once

#include <string>

#include "common/random.hpp"
#include "common/result.hpp"
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

// SHA-256 of the whole file at `path`, lower-case hex, read in blocks (backups are large).
// Errors: kUnavailable when the file cannot be read.
Result<std::string> Sha256HexOfFile(const std::string& path);

}  // namespace fr
