// CallControl: each leg's record closes with what RTCP showed of its stream (decision 0023),
// counted for /metrics, and an a=rtcp port in SDP reaches the media.
#include <gtest/gtest.h>

#include <algorithm>

#include "unit/adapters/telephony/engine/call_control_fixture.hpp"

namespace fr::telephony::testing {
namespace {

TEST_F(CallControlTest, EachLegsRecordClosesWithTheQualityOfItsStream) {
  media_.qualities[kCallerStream] = LegQuality{0.02, 35};
  media_.qualities[kAgent1Stream] = LegQuality{0, 12.5};
  const LegId caller = Bridged();
  End(caller, sip::EndCause::kRemoteBye, 200, "BYE");
  End(kAgent1, sip::EndCause::kLocalHangup, 200);

  // The fake answers only while the stream is open: the quality was read before Close.
  EXPECT_EQ(LegClosedTo(kHotlineNumber)->quality, (LegQuality{0.02, 35}));
  EXPECT_EQ(LegClosedTo(kAgent1Number)->quality, (LegQuality{0, 12.5}));
  EXPECT_EQ(LegClosedTo(kAgent2Number)->quality, std::nullopt) << "cancelled, never measured";

  const TelephonyStats stats = counters_.Snapshot();
  EXPECT_EQ(stats.leg_packet_loss.count, 2u);
  EXPECT_DOUBLE_EQ(stats.leg_packet_loss.sum, 0.02);
  // Buckets ≤ 0.001, 0.005, 0.01, 0.02, …: the agent's 0 in all, the caller's 0.02 from 0.02.
  EXPECT_EQ(stats.leg_packet_loss.cumulative,
            (std::array<std::uint64_t, QualityHistogram::kBuckets>{1, 1, 1, 2, 2, 2, 2}));
  EXPECT_EQ(stats.leg_jitter_seconds.count, 2u);
  EXPECT_NEAR(stats.leg_jitter_seconds.sum, 0.0475, 1e-12);
  // Buckets ≤ 5, 10, 20, 30, 50, 100, 200 ms: 12.5 ms from 20, 35 ms from 50.
  EXPECT_EQ(stats.leg_jitter_seconds.cumulative,
            (std::array<std::uint64_t, QualityHistogram::kBuckets>{0, 0, 1, 1, 2, 2, 2}));
}

TEST_F(CallControlTest, OnlyTheClosesACallWaitsForWakeTheMediaThread) {
  const LegId caller = Bridged();
  // The cancelled phone's leg ended while the caller was still connected: its report may
  // wait for the media thread's tick (decision 0097).
  ASSERT_NE(std::find(media_.closed.begin(), media_.closed.end(), kAgent2Stream),
            media_.closed.end());
  EXPECT_TRUE(media_.reported_at_once.empty());
  End(caller, sip::EndCause::kRemoteBye, 200, "BYE");
  End(kAgent1, sip::EndCause::kLocalHangup, 200);
  EXPECT_EQ(media_.reported_at_once, (std::vector<std::int64_t>{kCallerStream, kAgent1Stream}));
  ASSERT_TRUE(sink_.Closed().has_value()) << "the call finished on its last legs' reports";
}

TEST_F(CallControlTest, TheRtcpPortOfTheSdpReachesTheMedia) {
  const LegId caller = Incoming("127.0.0.1", Sdp(30000) + "a=rtcp:30011\r\n");
  FinishPlayback(kCallerStream);
  EXPECT_EQ(media_.rtcp_ports[kCallerStream], 30011);
  Deliver(sip::LegAnswered{kAgent1, Sdp(31000) + "a=rtcp:31001 IN IP4 127.0.0.1\r\n"});
  EXPECT_EQ(media_.rtcp_ports[kAgent1Stream], 31001);
  Deliver(sip::LegMediaChanged{caller, Sdp(32000) + "a=rtcp:32003\r\n"});
  EXPECT_EQ(media_.rtcp_ports[kCallerStream], 32003);
  EXPECT_EQ(media_.rtcp_ports.count(kAgent2Stream), 0u) << "no a=rtcp: RTP port + 1";
}

}  // namespace
}  // namespace fr::telephony::testing
