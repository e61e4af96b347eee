#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

#include "common/clock.hpp"

namespace fr {

// How many failed sign-ins are tolerated (decision 0052). 0: no limit of that kind.
struct LoginThrottlePolicy {
  int failures_per_account = 5;   // per e-mail address, whether or not an account has it
  int failures_per_address = 30;  // per client address
  std::chrono::minutes window{15};
};

// Counts failed sign-ins per key over a sliding window: a key with `limit` failures in the
// last `window` is refused until the oldest of them is `window` old. Thread-safe. Memory is
// bounded: keys whose failures all left the window are dropped, and past kMaxKeys keys the
// table starts over (a flood of distinct keys loses its history rather than the memory).
class FailureWindow {
 public:
  FailureWindow(int limit, std::chrono::minutes window) : limit_(limit), window_(window) {}

  // True when `key` has `limit` failures within the window before `now` (never for limit 0).
  bool Blocked(const std::string& key, Timestamp now);
  void RecordFailure(const std::string& key, Timestamp now);
  // Forgets `key`'s failures (a successful sign-in of that account).
  void Clear(const std::string& key);

 private:
  static constexpr std::size_t kMaxKeys = 100000;
  // Drops `failures`' entries older than the window. Requires mu_.
  void Expire(std::deque<Timestamp>& failures, Timestamp now) const;

  const int limit_;
  const std::chrono::minutes window_;
  std::mutex mu_;
  std::unordered_map<std::string, std::deque<Timestamp>> failures_;  // Guarded by mu_.
};

}  // namespace fr
