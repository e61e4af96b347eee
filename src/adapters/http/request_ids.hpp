#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "common/random.hpp"

namespace fr::http {

// The ids of requests that come without a usable X-Request-Id: unique, not secret. A random
// prefix per server (12 hex digits, so that ids stay unique across restarts and nodes) and the
// low 48 bits of a counter that every thread shares (12 more), 24 hex digits in all. A random
// draw per request cost a system call on the request path, and snprintf as much as the rest of
// the id (issue #12). Thread-safe.
class RequestIds {
 public:
  static constexpr std::size_t kPrefixDigits = 12;
  static constexpr std::size_t kCounterDigits = 12;

  // A prefix drawn from `random`.
  explicit RequestIds(SecureRandom& random);
  // `prefix` (kPrefixDigits hex digits) given, for tests; counting starts at `first`.
  RequestIds(std::string prefix, std::uint64_t first);

  std::string Next();

 private:
  const std::string prefix_;
  std::atomic<std::uint64_t> next_;
};

}  // namespace fr::http
