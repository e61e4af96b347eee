// CallControl: every way a call ends, with its outcome and each leg's disposition (decision 0016).
#include <gtest/gtest.h>

#include "unit/adapters/telephony/engine/call_control_fixture.hpp"

namespace fr::telephony::testing {
namespace {

using Entry = CallEntryType;

TEST_F(CallControlTest, AgentHangsUpFirst) {
  const LegId caller = Bridged();
  End(kAgent1, sip::EndCause::kRemoteBye, 200, "BYE");
  ASSERT_TRUE(signalling_.HungUp(caller));
  End(caller, sip::EndCause::kLocalHangup, 200);
  const auto types = sink_.EntryTypes();
  EXPECT_EQ(std::vector(types.end() - 3, types.end()),
            (std::vector{Entry::kBridged, Entry::kAgentHungUp, Entry::kEnded}));
  EXPECT_EQ(Outcome(), CallOutcome::kAnswered);
  EXPECT_EQ(LegClosedTo(kAgent1Number)->disposition, LegDisposition::kAnswered);
}

// A caller who never answers our BYE (the phone is gone): the leg and the call end when we
// sent the BYE, not when the transaction gives up 32 s later, or the bill would say 37 s for a
// call that ended at 5 s.
TEST_F(CallControlTest, ALegEndsWhenWeSendByeNotWhenTheFarEndConfirms) {
  const Timestamp started = clock_.Now();
  const LegId caller = Bridged();
  clock_.Advance(std::chrono::seconds(5));
  const Timestamp bye_sent = clock_.Now();
  End(kAgent1, sip::EndCause::kRemoteBye, 200, "BYE");
  ASSERT_TRUE(signalling_.HungUp(caller));
  clock_.Advance(std::chrono::seconds(32));
  End(caller, sip::EndCause::kTimeout, 408, "Request Timeout");

  EXPECT_EQ(LegClosedTo(kHotlineNumber)->at, bye_sent) << "the caller's leg";
  EXPECT_EQ(LegClosedTo(kAgent1Number)->at, bye_sent) << "the agent's BYE came at 5 s";
  ASSERT_TRUE(sink_.Closed().has_value());
  EXPECT_EQ(sink_.Closed()->at, bye_sent);
  EXPECT_EQ(sink_.Entries().back().time, bye_sent) << "the ended entry";
  EXPECT_EQ(Outcome(), CallOutcome::kAnswered);
  EXPECT_LT(bye_sent - started, std::chrono::seconds(6));
}

// The same for an agent whose phone is gone: its leg ends at our BYE.
TEST_F(CallControlTest, AnAgentLegEndsWhenWeSendBye) {
  const LegId caller = Bridged();
  clock_.Advance(std::chrono::seconds(7));
  const Timestamp caller_left = clock_.Now();
  End(caller, sip::EndCause::kRemoteBye, 200, "BYE");
  ASSERT_TRUE(signalling_.HungUp(kAgent1));
  clock_.Advance(std::chrono::seconds(32));
  End(kAgent1, sip::EndCause::kTimeout, 408, "Request Timeout");
  EXPECT_EQ(LegClosedTo(kAgent1Number)->at, caller_left);
  EXPECT_EQ(LegClosedTo(kAgent1Number)->disposition, LegDisposition::kAnswered);
  EXPECT_EQ(sink_.Closed()->at, caller_left);
}

TEST_F(CallControlTest, CallerHangsUpWhileRingingIsAbandonedAndCancelsEveryAgent) {
  const LegId caller = Ringing();
  End(caller, sip::EndCause::kRemoteBye, 200, "BYE");
  EXPECT_TRUE(signalling_.HungUp(kAgent1));
  EXPECT_TRUE(signalling_.HungUp(kAgent2));
  EXPECT_FALSE(sink_.Closed().has_value());  // open until every leg ended
  End(kAgent1, sip::EndCause::kLocalHangup, 487, "Request Terminated");
  End(kAgent2, sip::EndCause::kLocalHangup, 487, "Request Terminated");
  EXPECT_EQ(sink_.EntryTypes(),
            (std::vector{Entry::kCallReceived, Entry::kGreetingPlayed, Entry::kAgentDialed,
                         Entry::kAgentDialed, Entry::kCallerHungUp, Entry::kEnded}));
  EXPECT_EQ(Outcome(), CallOutcome::kAbandoned);
  EXPECT_FALSE(sink_.Closed()->answered_by.has_value());
  EXPECT_EQ(LegClosedTo(kAgent1Number)->disposition, LegDisposition::kCancelled);
  EXPECT_EQ(LegClosedTo(kAgent2Number)->disposition, LegDisposition::kCancelled);
  EXPECT_EQ(LegClosedTo(kAgent2Number)->sip_status, 487);
  EXPECT_EQ(counters_.Snapshot().calls_abandoned, 1u);
}

TEST_F(CallControlTest, CallerHangsUpDuringTheGreetingIsAbandoned) {
  const LegId caller = Incoming();
  End(caller, sip::EndCause::kRemoteBye, 200, "BYE");
  EXPECT_TRUE(media_.playing.empty());  // the greeting stopped with the stream
  EXPECT_TRUE(signalling_.dialled.empty());
  EXPECT_EQ(Outcome(), CallOutcome::kAbandoned);
}

TEST_F(CallControlTest, CallerHangsUpDuringTheAgentPromptIsAbandoned) {
  const LegId caller = Ringing();
  Answer(kAgent1);
  End(kAgent2, sip::EndCause::kLocalHangup, 487);
  End(caller, sip::EndCause::kRemoteBye, 200, "BYE");
  EXPECT_TRUE(signalling_.HungUp(kAgent1));
  End(kAgent1, sip::EndCause::kLocalHangup, 200);
  EXPECT_TRUE(media_.bridges.empty());
  const auto types = sink_.EntryTypes();
  EXPECT_EQ(std::vector(types.end() - 3, types.end()),
            (std::vector{Entry::kAgentAnswered, Entry::kCallerHungUp, Entry::kEnded}));
  EXPECT_EQ(Outcome(), CallOutcome::kAbandoned);
  EXPECT_FALSE(sink_.Closed()->answered_by.has_value());
  EXPECT_EQ(LegClosedTo(kAgent1Number)->disposition, LegDisposition::kAnswered);
}

TEST_F(CallControlTest, APromptThatEndsAfterTheCallerLeftBridgesNobody) {
  const LegId caller = Ringing();
  Answer(kAgent1);
  auto prompt_done = media_.playing.at(kAgent1Stream);
  End(caller, sip::EndCause::kRemoteBye, 200, "BYE");
  prompt_done();  // the media thread reported the end before it saw the close
  loop_.RunPending();
  EXPECT_TRUE(media_.bridges.empty());
}

TEST_F(CallControlTest, AnAnswerAfterTheCallerLeftIsHungUpNotBridged) {
  const LegId caller = Ringing();
  End(caller, sip::EndCause::kRemoteBye, 200, "BYE");
  signalling_.hung_up.clear();
  Answer(kAgent1);  // the 200 was on its way
  EXPECT_TRUE(signalling_.HungUp(kAgent1));
  EXPECT_TRUE(media_.bridges.empty());
  End(kAgent1, sip::EndCause::kLocalHangup, 200);
  End(kAgent2, sip::EndCause::kLocalHangup, 487);
  EXPECT_EQ(Outcome(), CallOutcome::kAbandoned);
  EXPECT_EQ(LegClosedTo(kAgent1Number)->disposition, LegDisposition::kAnswered);
}

TEST_F(CallControlTest, A200CrossingOurCancelIsRecordedAnswered) {
  Ringing();
  Answer(kAgent1);
  End(kAgent2, sip::EndCause::kLocalHangup, 200);  // answered as we cancelled: ACKed, BYEd
  const LegHandle loser = *sink_.LegTo(kAgent2Number);
  EXPECT_TRUE(sink_.LegAnsweredOf(loser));
  EXPECT_EQ(sink_.LegClosedOf(loser)->disposition, LegDisposition::kAnswered);
  EXPECT_EQ(sink_.LegClosedOf(loser)->sip_status, 200);
  FinishPlayback(kAgent1Stream);
  EXPECT_EQ(media_.bridges, (std::vector<std::pair<std::int64_t, std::int64_t>>{
                                {kCallerStream, kAgent1Stream}}));
}

TEST_F(CallControlTest, AgentHangsUpDuringThePromptIsMissed) {
  const LegId caller = Ringing();
  Answer(kAgent1);
  End(kAgent2, sip::EndCause::kLocalHangup, 487);
  End(kAgent1, sip::EndCause::kRemoteBye, 200, "BYE");
  EXPECT_EQ(sink_.EntryTypes().back(), Entry::kAgentHungUp);
  EXPECT_EQ(speech_.spoken.back(), kMissed);
  FinishFarewell(caller);
  EXPECT_TRUE(media_.bridges.empty());
  EXPECT_EQ(Outcome(), CallOutcome::kMissed);
  EXPECT_EQ(EndDetail(), "The agent hung up before being connected.");
}

// How an agent leg that never answered ends: decision 0016's table of SIP answers.
struct AgentEndCase {
  sip::EndCause cause;
  int status;
  LegDisposition disposition;
  Entry entry;
};

class AgentEndTest : public CallControlTest, public ::testing::WithParamInterface<AgentEndCase> {};

TEST_P(AgentEndTest, EveryAgentFailingIsMissed) {
  const AgentEndCase c = GetParam();
  const LegId caller = Ringing();
  End(kAgent1, c.cause, c.status, "Why");
  EXPECT_FALSE(signalling_.HungUp(caller));  // agent 2 may still answer
  End(kAgent2, c.cause, c.status, "Why");
  FinishFarewell(caller);

  EXPECT_EQ(sink_.EntryTypes(),
            (std::vector{Entry::kCallReceived, Entry::kGreetingPlayed, Entry::kAgentDialed,
                         Entry::kAgentDialed, c.entry, c.entry, Entry::kEnded}));
  EXPECT_EQ(sink_.Entries()[4].detail, "SIP " + std::to_string(c.status) + " Why");
  EXPECT_EQ(sink_.Entries()[4].agent_phone, AgentPhoneId(11));
  for (const char* number : {kAgent1Number, kAgent2Number}) {
    EXPECT_EQ(LegClosedTo(number)->disposition, c.disposition) << number;
    EXPECT_EQ(LegClosedTo(number)->sip_status, c.status) << number;
  }
  EXPECT_EQ(Outcome(), CallOutcome::kMissed);
  EXPECT_EQ(EndDetail(), "No agent could take the call.");
  EXPECT_EQ(speech_.spoken.back(), kMissed);
}

INSTANTIATE_TEST_SUITE_P(
    Decision0016, AgentEndTest,
    ::testing::Values(
        AgentEndCase{sip::EndCause::kRejected, 486, LegDisposition::kBusy, Entry::kAgentDeclined},
        AgentEndCase{sip::EndCause::kRejected, 600, LegDisposition::kBusy, Entry::kAgentDeclined},
        AgentEndCase{sip::EndCause::kRejected, 603, LegDisposition::kBusy, Entry::kAgentDeclined},
        AgentEndCase{sip::EndCause::kRejected, 408, LegDisposition::kNoAnswer, Entry::kAgentNoAnswer},
        AgentEndCase{sip::EndCause::kRejected, 480, LegDisposition::kNoAnswer, Entry::kAgentNoAnswer},
        AgentEndCase{sip::EndCause::kRejected, 487, LegDisposition::kNoAnswer, Entry::kAgentNoAnswer},
        AgentEndCase{sip::EndCause::kTimeout, 408, LegDisposition::kNoAnswer, Entry::kAgentNoAnswer},
        AgentEndCase{sip::EndCause::kRejected, 404, LegDisposition::kFailed, Entry::kAgentFailed},
        AgentEndCase{sip::EndCause::kRejected, 500, LegDisposition::kFailed, Entry::kAgentFailed},
        AgentEndCase{sip::EndCause::kError, 503, LegDisposition::kFailed, Entry::kAgentFailed}));

TEST_F(CallControlTest, RingTimeoutIsMissedAndEveryLegNoAnswer) {
  const LegId caller = Ringing();
  ASSERT_EQ(loop_.Fire(kRingTimeout), 1);
  EXPECT_TRUE(signalling_.HungUp(kAgent1));
  EXPECT_TRUE(signalling_.HungUp(kAgent2));
  End(kAgent1, sip::EndCause::kLocalHangup, 487);
  End(kAgent2, sip::EndCause::kLocalHangup, 487);
  FinishFarewell(caller);
  EXPECT_EQ(sink_.EntryTypes(),
            (std::vector{Entry::kCallReceived, Entry::kGreetingPlayed, Entry::kAgentDialed,
                         Entry::kAgentDialed, Entry::kAgentNoAnswer, Entry::kAgentNoAnswer,
                         Entry::kEnded}));
  EXPECT_EQ(LegClosedTo(kAgent1Number)->disposition, LegDisposition::kNoAnswer);
  EXPECT_EQ(Outcome(), CallOutcome::kMissed);
  EXPECT_EQ(EndDetail(), "Nobody answered within the ring timeout.");
  EXPECT_EQ(counters_.Snapshot().calls_missed, 1u);
}

TEST_F(CallControlTest, AnAnswerStopsTheRingTimer) {
  Ringing();
  Answer(kAgent1);
  EXPECT_EQ(loop_.LiveTimers(kRingTimeout), 0);
  EXPECT_EQ(loop_.Fire(kRingTimeout), 0);
}

TEST_F(CallControlTest, MaxCallDurationEndsABridgedCallWhichStaysAnswered) {
  const LegId caller = Bridged();
  ASSERT_EQ(loop_.Fire(kMaxDuration), 1);
  EXPECT_TRUE(signalling_.HungUp(caller));
  EXPECT_TRUE(signalling_.HungUp(kAgent1));
  End(kAgent1, sip::EndCause::kLocalHangup, 200);
  End(caller, sip::EndCause::kLocalHangup, 200);
  EXPECT_EQ(Outcome(), CallOutcome::kAnswered);
  EXPECT_EQ(EndDetail(), "The call reached the maximum call duration and was ended.");
}

TEST_F(CallControlTest, MediaInactivityBeforeTheBridgeFailsTheCall) {
  const LegId caller = Ringing();
  media_.GoSilent(kCallerStream);
  loop_.RunPending();
  EXPECT_TRUE(signalling_.HungUp(caller));
  EXPECT_TRUE(signalling_.HungUp(kAgent1));
  EXPECT_TRUE(signalling_.HungUp(kAgent2));
  End(kAgent1, sip::EndCause::kLocalHangup, 487);
  End(kAgent2, sip::EndCause::kLocalHangup, 487);
  End(caller, sip::EndCause::kLocalHangup, 200);
  EXPECT_EQ(Outcome(), CallOutcome::kFailed);
  EXPECT_EQ(EndDetail(), "No audio arrived for too long; the call was ended.");
  EXPECT_EQ(LegClosedTo(kAgent1Number)->disposition, LegDisposition::kCancelled);
}

TEST_F(CallControlTest, AgentMediaInactivityEndsABridgedCallAnswered) {
  const LegId caller = Bridged();
  media_.GoSilent(kAgent1Stream);
  loop_.RunPending();
  End(kAgent1, sip::EndCause::kLocalHangup, 200);
  End(caller, sip::EndCause::kLocalHangup, 200);
  EXPECT_EQ(Outcome(), CallOutcome::kAnswered);
  EXPECT_EQ(EndDetail(), "No audio arrived for too long; the call was ended.");
}

// Stop(): the signalling ends every leg (kStopped), then CloseAll closes what is left.
TEST_F(CallControlTest, StopFailsCallsBeforeTheBridgeAndKeepsBridgedOnesAnswered) {
  const LegId bridged = Bridged();
  router_.hotline.tts_inbound.clear();
  const LegId ringing = Incoming();  // agents on legs 103 and 104
  for (const LegId leg : {bridged, LegId{kAgent1}, ringing, LegId{103}, LegId{104}}) {
    End(leg, sip::EndCause::kStopped, 0, "stopped");
  }
  control_->CloseAll();
  EXPECT_EQ(sink_.Closed(CallHandle{1})->outcome, CallOutcome::kAnswered);
  EXPECT_EQ(sink_.Closed(CallHandle{2})->outcome, CallOutcome::kFailed);
  EXPECT_EQ(sink_.Entries(CallHandle{2}).back().detail, "The service stopped during the call.");
  EXPECT_EQ(sink_.Entries(CallHandle{1}).back().detail, "The service stopped during the call.");
  EXPECT_EQ(counters_.Snapshot().active_calls, 0);
}

TEST_F(CallControlTest, CloseAllClosesCallsWhoseLegsNeverReportedAnEnd) {
  Ringing();
  control_->CloseAll();
  const CallClosed closed = sink_.Closed().value();
  EXPECT_EQ(closed.outcome, CallOutcome::kFailed);
  EXPECT_EQ(EndDetail(), "The service stopped during the call.");
  EXPECT_EQ(sink_.EntryTypes().back(), Entry::kEnded);
  EXPECT_EQ(counters_.Snapshot().calls_failed, 1u);
}

TEST_F(CallControlTest, ACallerLegThatFailsFailsTheCall) {
  const LegId caller = Ringing();
  End(caller, sip::EndCause::kError, 503, "transport");
  End(kAgent1, sip::EndCause::kLocalHangup, 487);
  End(kAgent2, sip::EndCause::kLocalHangup, 487);
  EXPECT_EQ(Outcome(), CallOutcome::kFailed);
  EXPECT_EQ(EndDetail(), "The caller's leg failed: transport");
}

}  // namespace
}  // namespace fr::telephony::testing
