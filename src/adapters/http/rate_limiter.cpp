#include "adapters/http/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace fr::http {
namespace {

constexpr std::size_t kSweepAbove = 10'000;  // buckets kept before full ones are swept

}  // namespace

RateLimiter::Bucket& RateLimiter::Refilled(const std::string& key, Clock::time_point now) {
  const auto [found, inserted] = buckets_.try_emplace(key, Bucket{burst_, now});
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
  std::lock_guard lock(mutex_);
  ForgetFullBuckets(now);
  Bucket& bucket = Refilled(key, now);
  if (bucket.tokens < 1.0) return WaitFor(bucket);
  bucket.tokens -= 1.0;
  return std::nullopt;
}

void RateLimiter::ForgetFullBuckets(Clock::time_point now) {
  if (buckets_.size() < kSweepAbove || now - last_sweep_ < std::chrono::seconds(1)) return;
  last_sweep_ = now;
  std::erase_if(buckets_, [&](const auto& entry) {
    const double elapsed = std::chrono::duration<double>(now - entry.second.updated).count();
    return entry.second.tokens + elapsed * per_second_ >= burst_;
  });
}

}  // namespace fr::http
