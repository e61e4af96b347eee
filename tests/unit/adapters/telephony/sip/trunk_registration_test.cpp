#include "adapters/telephony/sip/trunk_registration.hpp"

#include <gtest/gtest.h>

namespace fr::sip {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(RegistrationBackoffTest, DoublesFromFiveSecondsToFiveMinutesWithoutJitterAtTheMiddle) {
  RegistrationBackoff backoff([] { return 0.5; });  // 0.5: no spread
  const long long expected[] = {5000, 10000, 20000, 40000, 80000, 160000, 300000, 300000};
  for (long long delay : expected) EXPECT_EQ(backoff.NextDelay().count(), delay);
  backoff.Reset();
  EXPECT_EQ(backoff.NextDelay(), milliseconds(5000));
}

TEST(RegistrationBackoffTest, JitterSpreadsEachDelayByTwentyPercentEitherWay) {
  RegistrationBackoff low([] { return 0.0; });
  EXPECT_EQ(low.NextDelay(), milliseconds(4000));
  RegistrationBackoff high([] { return 0.999999; });
  const auto delay = high.NextDelay();
  EXPECT_GT(delay, milliseconds(5990));
  EXPECT_LE(delay, milliseconds(6000));
  for (int i = 0; i < 20; ++i) high.NextDelay();
  EXPECT_LE(high.NextDelay(), milliseconds(360000));
}

TEST(RefreshDelayTest, HalfwayForShortGrantsAMinuteEarlyForLongOnes) {
  EXPECT_EQ(RefreshDelay(seconds(2)), milliseconds(1000));
  EXPECT_EQ(RefreshDelay(seconds(120)), milliseconds(60000));
  EXPECT_EQ(RefreshDelay(seconds(600)), milliseconds(540000));
  EXPECT_EQ(RefreshDelay(seconds(3600)), milliseconds(3540000));
  EXPECT_EQ(RefreshDelay(seconds(0)), milliseconds(500));
  EXPECT_EQ(RefreshDelay(seconds(1)), milliseconds(500));
}

TEST(RegistrationBoardTest, AFailureStaysUntilASuccessAndIsCounted) {
  RegistrationBoard board;
  EXPECT_EQ(board.Snapshot().state, RegistrationState::kOff);
  board.Registering();
  EXPECT_EQ(board.Snapshot().state, RegistrationState::kRegistering);
  board.Failed("503 Service Unavailable");
  board.Registering();  // a retry does not hide the failure
  RegistrationStatus status = board.Snapshot();
  EXPECT_EQ(status.state, RegistrationState::kFailed);
  EXPECT_EQ(status.failure, "503 Service Unavailable");
  EXPECT_EQ(status.failures, 1u);
  board.Registered();
  status = board.Snapshot();
  EXPECT_EQ(status.state, RegistrationState::kRegistered);
  EXPECT_EQ(status.failure, "");
  EXPECT_EQ(status.failures, 1u);
}

}  // namespace
}  // namespace fr::sip
