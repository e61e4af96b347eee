#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace fr::http {

// Token buckets by key: each key may spend `burst` requests at once and regains `per_second`
// of them every second. Thread-safe: keys are spread over shards with a lock each, so requests
// of different tokens rarely wait for each other. Buckets that are full again are forgotten, so
// memory is bounded by the keys active in the last burst/per_second seconds.
class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  RateLimiter(double per_second, double burst) : per_second_(per_second), burst_(burst) {}

  // Takes one request from `key`'s bucket. nullopt: allowed; otherwise how long to wait before
  // the next request would be allowed (at least 1 s, for Retry-After).
  std::optional<std::chrono::seconds> Acquire(const std::string& key, Clock::time_point now);

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point updated;
  };
  struct Shard {
    std::mutex mu;
    std::unordered_map<std::string, Bucket> buckets;  // Guarded by mu.
    Clock::time_point last_sweep;                      // Guarded by mu.
  };
  static constexpr std::size_t kShards = 16;

  // `key`'s bucket refilled up to `now`. Requires shard.mu.
  Bucket& Refilled(Shard& shard, const std::string& key, Clock::time_point now);
  std::chrono::seconds WaitFor(const Bucket& bucket) const;
  // Requires shard.mu.
  void ForgetFullBuckets(Shard& shard, Clock::time_point now);

  const double per_second_;
  const double burst_;
  std::array<Shard, kShards> shards_;
};

}  // namespace fr::http
