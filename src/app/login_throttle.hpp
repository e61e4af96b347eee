#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <list>
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
// bounded: keys whose failures all left the window are dropped, and at `max_keys` keys a new
// one evicts the key whose latest failure is oldest (least recently failed), in O(1). A flood
// of new keys thus pushes out only what it outlives; it never wipes the table, so an attacker
// cannot reset an account's count by sending failures for many other keys.
class FailureWindow {
 public:
  static constexpr std::size_t kDefaultMaxKeys = 100000;

  FailureWindow(int limit, std::chrono::minutes window, std::size_t max_keys = kDefaultMaxKeys)
      : limit_(limit), window_(window), max_keys_(max_keys < 1 ? 1 : max_keys) {}

  // True when `key` has `limit` failures within the window before `now` (never for limit 0).
  bool Blocked(const std::string& key, Timestamp now);
  void RecordFailure(const std::string& key, Timestamp now);
  // Blocked and RecordFailure as one step: false when `key` is blocked (nothing recorded), else
  // records a use and returns true. Concurrent callers cannot all pass before one is counted.
  bool RecordUnlessBlocked(const std::string& key, Timestamp now);
  // Forgets `key`'s failures (a successful sign-in of that account).
  void Clear(const std::string& key);
  // Keys held now (for tests).
  std::size_t size();

 private:
  struct Failures {
    std::deque<Timestamp> times;                // oldest first, at most limit_
    std::list<std::string>::iterator recency;   // the key's place in recency_
  };
  // Drops `failures`' entries older than the window. Requires mu_.
  void Expire(std::deque<Timestamp>& failures, Timestamp now) const;
  // What Blocked and RecordFailure do. Require mu_.
  bool BlockedLocked(const std::string& key, Timestamp now);
  void RecordLocked(const std::string& key, Timestamp now);
  // Removes `key`'s entry. Requires mu_.
  void Erase(std::unordered_map<std::string, Failures>::iterator entry);

  const int limit_;
  const std::chrono::minutes window_;
  const std::size_t max_keys_;
  std::mutex mu_;
  std::unordered_map<std::string, Failures> failures_;  // Guarded by mu_.
  std::list<std::string> recency_;  // keys, least recently failed first. Guarded by mu_.
};

}  // namespace fr
