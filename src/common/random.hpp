#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace fr {

// Port for cryptographically secure random bytes (token secrets, request ids).
// Implementations are thread-safe; a failure to obtain entropy is fatal (aborts), never silent.
class SecureRandom {
 public:
  virtual ~SecureRandom() = default;
  virtual void Fill(std::span<std::uint8_t> out) = 0;
};

}  // namespace fr
