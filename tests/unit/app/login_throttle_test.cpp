#include "app/login_throttle.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace fr {
namespace {

using std::chrono::minutes;

const Timestamp kStart{std::chrono::hours(24 * 365 * 56)};

TEST(FailureWindow, BlocksAtTheLimitUntilTheOldestFailureLeavesTheWindow) {
  FailureWindow window(2, minutes(15));
  window.RecordFailure("ann", kStart);
  EXPECT_FALSE(window.Blocked("ann", kStart));
  window.RecordFailure("ann", kStart + minutes(1));
  EXPECT_TRUE(window.Blocked("ann", kStart + minutes(2)));
  EXPECT_FALSE(window.Blocked("ann", kStart + minutes(15)));
  EXPECT_FALSE(window.Blocked("max", kStart));
}

// Check and count in one step: of many threads at once, exactly `limit` pass.
TEST(FailureWindow, RecordUnlessBlockedLetsExactlyTheLimitThroughConcurrently) {
  FailureWindow window(20, minutes(10));
  std::atomic<int> passed{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      for (int j = 0; j < 10; ++j) {
        if (window.RecordUnlessBlocked("ann", kStart)) ++passed;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(passed.load(), 20);
  EXPECT_TRUE(window.Blocked("ann", kStart));
}

// A review found the table cleared at its bound: failures for many other keys reset a blocked
// account. Now the least recently failed key makes room, and a blocked key survives a flood.
TEST(FailureWindow, AFloodOfNewKeysEvictsTheLeastRecentlyFailedNotEverything) {
  FailureWindow window(2, minutes(15), 4);
  window.RecordFailure("old", kStart);
  window.RecordFailure("victim", kStart + minutes(1));
  window.RecordFailure("victim", kStart + minutes(1));
  window.RecordFailure("other", kStart + minutes(1));
  window.RecordFailure("old", kStart + minutes(2));  // now more recent than victim
  for (int i = 0; i < 3; ++i) {
    window.RecordFailure("flood" + std::to_string(i), kStart + minutes(3));
  }
  EXPECT_EQ(window.size(), 4u);
  // "victim" and then "other" failed least recently and made room; "old" failed again since,
  // keeps both its failures and is blocked.
  EXPECT_FALSE(window.Blocked("victim", kStart + minutes(3)));
  EXPECT_TRUE(window.Blocked("old", kStart + minutes(3)));
  EXPECT_FALSE(window.Blocked("flood2", kStart + minutes(3)));  // one failure of two
  EXPECT_EQ(window.size(), 4u);
}

TEST(FailureWindow, AKeyThatFailsAgainDuringAFloodStaysBlocked) {
  FailureWindow window(3, minutes(15), 100);
  for (int i = 0; i < 3; ++i) window.RecordFailure("ann@relief.example", kStart);
  for (int i = 0; i < 1000; ++i) {
    window.RecordFailure("flood" + std::to_string(i), kStart + minutes(1));
    // The attacker's own attempts at the account keep it among the most recent keys.
    if (i % 50 == 0) window.RecordFailure("ann@relief.example", kStart + minutes(1));
  }
  EXPECT_LE(window.size(), 100u);
  EXPECT_TRUE(window.Blocked("ann@relief.example", kStart + minutes(2)));
}

TEST(FailureWindow, ClearForgetsOneKey) {
  FailureWindow window(1, minutes(15), 2);
  window.RecordFailure("ann", kStart);
  window.RecordFailure("max", kStart);
  window.Clear("ann");
  EXPECT_FALSE(window.Blocked("ann", kStart));
  EXPECT_TRUE(window.Blocked("max", kStart));
  window.RecordFailure("bea", kStart);
  window.RecordFailure("ola", kStart);  // evicts max, the least recent
  EXPECT_EQ(window.size(), 2u);
  EXPECT_FALSE(window.Blocked("max", kStart));
}

}  // namespace
}  // namespace fr
