#pragma once

#include <atomic>
#include <functional>
#include <string>

#include "common/random.hpp"
#include "common/text.hpp"
#include "identity/login.hpp"
#include "identity/repositories.hpp"

namespace fr::testing {

// Deterministic "random" bytes: a counter, so that every Fill differs. Thread-safe.
class FakeSecureRandom final : public SecureRandom {
 public:
  void Fill(std::span<std::uint8_t> out) override {
    for (auto& byte : out) {
      std::uint64_t z = (counter_ += 0x9E3779B97F4A7C15ULL);  // splitmix64
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
      byte = static_cast<std::uint8_t>(z ^ (z >> 31));
    }
  }

 private:
  std::atomic<std::uint64_t> counter_{1};
};

// Not a cryptographic digest: distinct secrets give distinct 64-character hex strings, which is
// all the core relies on.
class FakeSecretDigest final : public SecretDigest {
 public:
  std::string Sha256Hex(std::string_view secret) const override {
    std::string hex = HexEncode(secret);
    hex.resize(64, '0');
    return std::to_string(std::hash<std::string_view>{}(secret) % 1000) + hex.substr(3);
  }
  std::string HmacSha256Hex(std::string_view key, std::string_view message) const override {
    return Sha256Hex(std::string(key) + "|" + std::string(message));
  }
};

// Not a password hash: "fake$" and the password, so that tests are fast. Counts the
// verifications, so that a test can tell that an unknown account costs one too. Thread-safe.
class FakePasswordHasher final : public PasswordHasher {
 public:
  Result<std::string> Hash(std::string_view password) const override {
    return "fake$" + std::string(password);
  }
  bool Verify(std::string_view hash, std::string_view password) const override {
    ++verifications_;
    return hash == "fake$" + std::string(password);
  }
  int verifications() const { return verifications_; }

 private:
  mutable std::atomic<int> verifications_{0};
};

}  // namespace fr::testing
