#include "adapters/http/rate_limiter.hpp"

#include <gtest/gtest.h>

namespace fr::http {
namespace {

using namespace std::chrono_literals;

TEST(RateLimiter, ABurstPassesThenTheRateDecides) {
  RateLimiter limiter(2, 4);  // 2 per second, bursts of 4
  const auto start = RateLimiter::Clock::time_point{} + 1h;
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(limiter.Acquire("a", start).has_value()) << i;
  const auto wait = limiter.Acquire("a", start);
  ASSERT_TRUE(wait.has_value());
  EXPECT_EQ(*wait, 1s);
  EXPECT_FALSE(limiter.Acquire("b", start).has_value()) << "keys are independent";
  EXPECT_FALSE(limiter.Acquire("a", start + 500ms).has_value()) << "one request regained";
  EXPECT_TRUE(limiter.Acquire("a", start + 600ms).has_value());
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(limiter.Acquire("a", start + 10s).has_value()) << i;
}

}  // namespace
}  // namespace fr::http
