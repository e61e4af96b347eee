#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "app/webhook_ports.hpp"

namespace fr {

// Seals webhook secrets with AES-256-GCM under the service's webhook key (decision 0048):
// "v1:" + hex(12-byte random nonce ‖ ciphertext ‖ 16-byte tag). Without a key, sealing and
// opening fail with kFailedPrecondition (webhooks cannot be created, or sent). Thread-safe.
class AesGcmSecretSealer final : public SecretSealer {
 public:
  using Key = std::array<std::uint8_t, 32>;
  explicit AesGcmSecretSealer(std::optional<Key> key) : key_(key) {}

  Result<std::string> Seal(const std::string& secret) const override;
  Result<std::string> Open(const std::string& sealed) const override;

 private:
  std::optional<Key> key_;
};

// A key as the key file holds it: 64 hex digits, surrounding whitespace ignored.
std::optional<AesGcmSecretSealer::Key> ParseSealingKey(const std::string& text);

}  // namespace fr
