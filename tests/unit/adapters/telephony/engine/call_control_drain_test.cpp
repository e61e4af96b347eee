// CallControl during a graceful stop (decision 0033): new calls are refused with 503, the calls
// in progress go on, and the drain learns when the last one has ended. Also the counters an
// operator reads in /metrics (decision 0034).
#include <gtest/gtest.h>

#include "unit/adapters/telephony/engine/call_control_fixture.hpp"

namespace fr::telephony::testing {
namespace {

using namespace std::chrono_literals;

class CallControlDrainTest : public CallControlTest {
 protected:
  void StartDrain() {
    control_->Drain([this] { ++idle_; });
    loop_.RunPending();
  }
  int idle_ = 0;
};

TEST_F(CallControlDrainTest, WithoutCallsTheDrainIsIdleAtOnce) {
  StartDrain();
  EXPECT_EQ(idle_, 1);
}

TEST_F(CallControlDrainTest, ANewCallIsRefused503WithoutALogWhileTheBridgedOneGoesOn) {
  const LegId caller = Bridged();
  StartDrain();
  EXPECT_EQ(idle_, 0) << "a call is in progress";

  const LegId late = Incoming();
  ASSERT_EQ(signalling_.rejected.size(), 1u);
  EXPECT_EQ(signalling_.rejected[0].leg, late);
  EXPECT_EQ(signalling_.rejected[0].status, 503);
  EXPECT_EQ(counters_.Snapshot().refused_draining, 1u);
  EXPECT_EQ(counters_.Snapshot().refused_overload, 1u) << "counted among the 503s too";
  EXPECT_FALSE(signalling_.HungUp(caller)) << "the call in progress is left alone";
  EXPECT_FALSE(signalling_.HungUp(kAgent1));
  End(late, sip::EndCause::kRejected, 503, "Service Unavailable");
  EXPECT_EQ(idle_, 0);

  End(caller, sip::EndCause::kRemoteBye, 200, "BYE");
  EXPECT_EQ(idle_, 0) << "the agent's leg has not ended yet";
  End(kAgent1, sip::EndCause::kLocalHangup, 200);
  EXPECT_EQ(idle_, 1);
  EXPECT_EQ(Outcome(), CallOutcome::kAnswered);
  EXPECT_EQ(EndDetail(), std::nullopt) << "an ordinary end, not a stop";
}

TEST_F(CallControlDrainTest, AForeignSourceStillGets403) {
  StartDrain();
  Incoming("192.0.2.9");
  ASSERT_EQ(signalling_.rejected.size(), 1u);
  EXPECT_EQ(signalling_.rejected[0].status, 403) << "the same answer as always, drain or not";
  EXPECT_EQ(counters_.Snapshot().refused_draining, 0u);
}

TEST_F(CallControlDrainTest, ACallBeingRoutedIsWaitedForAndTakenIn) {
  control_->On(sip::IncomingCall{1, "+4924100001", "+4930123", false, "127.0.0.1", 5060,
                                 Sdp(30000)});  // the routing answer is queued, not run
  control_->Drain([this] { ++idle_; });
  EXPECT_EQ(idle_, 0) << "the number is being looked up";
  loop_.RunPending();
  EXPECT_EQ(signalling_.answered, std::vector<LegId>{1}) << "it came before the drain";
  EXPECT_EQ(idle_, 0);
  FinishPlayback(kCallerStream);
  End(1, sip::EndCause::kRemoteBye, 200, "BYE");
  End(kAgent1, sip::EndCause::kLocalHangup, 487);
  End(kAgent2, sip::EndCause::kLocalHangup, 487);
  EXPECT_EQ(idle_, 1);
  EXPECT_EQ(Outcome(), CallOutcome::kAbandoned);
}

TEST_F(CallControlDrainTest, OnIdleRunsOnceAndASecondDrainIsIgnored) {
  StartDrain();
  control_->Drain([this] { idle_ += 10; });
  loop_.RunPending();
  Incoming();
  End(1, sip::EndCause::kRejected, 503);
  EXPECT_EQ(idle_, 1);
}

TEST_F(CallControlTest, RingToAnswerRunsFromTheFirstRingToTheWinnersAnswer) {
  const LegId caller = Incoming();
  clock_.Advance(3000ms);  // the greeting
  FinishPlayback(kCallerStream);
  clock_.Advance(7500ms);
  Answer(kAgent1);
  const TelephonyStats stats = counters_.Snapshot();
  EXPECT_EQ(stats.ring_to_answer_seconds.count, 1u);
  EXPECT_DOUBLE_EQ(stats.ring_to_answer_seconds.sum, 7.5) << "the greeting does not count";
  // Buckets ≤ 1, 2, 5, 10, …: 7.5 s from 10 on.
  EXPECT_EQ(stats.ring_to_answer_seconds.cumulative[2], 0u);
  EXPECT_EQ(stats.ring_to_answer_seconds.cumulative[3], 1u);
  Answer(kAgent2);  // too late: no second observation
  EXPECT_EQ(counters_.Snapshot().ring_to_answer_seconds.count, 1u);
  End(caller, sip::EndCause::kRemoteBye, 200);
}

TEST_F(CallControlTest, NobodyAnsweringObservesNoRingToAnswer) {
  Ringing();
  loop_.Fire(kRingTimeout);
  EXPECT_EQ(counters_.Snapshot().ring_to_answer_seconds.count, 0u);
}

TEST_F(CallControlTest, LegsAreCountedByDirectionAndDisposition) {
  const LegId caller = Bridged();  // agent 2 cancelled
  End(caller, sip::EndCause::kRemoteBye, 200, "BYE");
  End(kAgent1, sip::EndCause::kLocalHangup, 200);
  router_.hotline.channels_inbound = 0;
  Incoming();  // refused busy: its inbound leg closes busy
  const auto legs = counters_.Snapshot().legs_closed;
  const auto count = [&legs](LegDirection direction, LegDisposition disposition) {
    return legs[static_cast<std::size_t>(direction)][static_cast<std::size_t>(disposition)];
  };
  EXPECT_EQ(count(LegDirection::kInbound, LegDisposition::kAnswered), 1u);
  EXPECT_EQ(count(LegDirection::kInbound, LegDisposition::kBusy), 1u);
  EXPECT_EQ(count(LegDirection::kOutbound, LegDisposition::kAnswered), 1u);
  EXPECT_EQ(count(LegDirection::kOutbound, LegDisposition::kCancelled), 1u);
  std::uint64_t all = 0;
  for (const auto& by_disposition : legs) {
    for (const std::uint64_t n : by_disposition) all += n;
  }
  EXPECT_EQ(all, 4u);
}

TEST_F(CallControlTest, RtpOfEachLegIsCountedByTheDirectionOfItsAudio) {
  media_.received[kCallerStream] = RtpTotals{500, 3, 1};
  media_.received[kAgent1Stream] = RtpTotals{480, 0, 2};
  media_.received[kAgent2Stream] = RtpTotals{0, 7, 0};  // never bridged, but its audio was lost
  const LegId caller = Bridged();
  End(caller, sip::EndCause::kRemoteBye, 200, "BYE");
  End(kAgent1, sip::EndCause::kLocalHangup, 200);
  const auto rtp = counters_.Snapshot().rtp;
  const RtpTotals& from_caller = rtp[static_cast<std::size_t>(AudioDirection::kCallerToAgent)];
  const RtpTotals& from_agents = rtp[static_cast<std::size_t>(AudioDirection::kAgentToCaller)];
  EXPECT_EQ(from_caller.relayed, 500u);
  EXPECT_EQ(from_caller.lost, 3u);
  EXPECT_EQ(from_caller.late, 1u);
  EXPECT_EQ(from_agents.relayed, 480u);
  EXPECT_EQ(from_agents.lost, 7u);
  EXPECT_EQ(from_agents.late, 2u);
}

}  // namespace
}  // namespace fr::telephony::testing
