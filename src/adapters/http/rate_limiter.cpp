#include "adapters/http/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace fr::http {
namespace {

constexpr std::size_t kSweepAbove = 1'000;  // buckets a shard keeps before full ones are swept

}  // namespace

RateLimiter::Bucket& RateLimiter::Refilled(Shard& shard, const std::string& key,
                                           Clock::time_point now) {
  const auto [found, inserted] = shard.buckets.try_emplace(key, Bucket{burst_, now});
  Bucket& bucket = found->second;
  if (!inserted) {
    const double elapsed = std::chrono::duration<double>(now - bucket.updated).count();
    bucket.tokens = std::min(burst_, bucket.tokens + std::max(0.0, elapsed) * per_second_);
    bucket.updated = now;
  }
  return bucket;
}

std::chrono::seconds RateLimiter::WaitFor(const Bucket& bucket) const {
  const double missing = 1.0 - bucket.tokens;
  return std::chrono::seconds(std::max<long long>(1, static_cast<long long>(std::ceil(missing / per_second_))));
}

std::optional<std::chrono::seconds> RateLimiter::Acquire(const std::string& key,
                                                         Clock::time_point now) {
  Shard& shard = shards_[std::hash<std::string>{}(key) % kShards];
  std::lock_guard lock(shard.mu);
  ForgetFullBuckets(shard, now);
  Bucket& bucket = Refilled(shard, key, now);
  if (bucket.tokens < 1.0) return WaitFor(bucket);
  bucket.tokens -= 1.0;
  return std::nullopt;
}

void RateLimiter::ForgetFullBuckets(Shard& shard, Clock::time_point now) {
  if (shard.buckets.size() < kSweepAbove || now - shard.last_sweep < std::chrono::seconds(1)) {
    return;
  }
  shard.last_sweep = now;
  std::erase_if(shard.buckets, [&](const auto& entry) {
    const double elapsed = std::chrono::duration<double>(now - entry.second.updated).count();
    return entry.second.tokens + elapsed * per_second_ >= burst_;
  });
}

}  // namespace fr::http
