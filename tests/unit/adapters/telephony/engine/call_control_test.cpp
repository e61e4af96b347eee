// CallControl from the INVITE to the bridge: admission, the greeting, ringing, the first answer.
#include <gtest/gtest.h>

#include <algorithm>

#include "unit/adapters/telephony/engine/call_control_fixture.hpp"

namespace fr::telephony::testing {
namespace {

using Entry = CallEntryType;

TEST_F(CallControlTest, FirstAnswerWinsTheOthersAreCancelledAndTheCallIsAnswered) {
  const LegId caller = Bridged();
  End(caller, sip::EndCause::kRemoteBye, 200, "BYE");
  ASSERT_TRUE(signalling_.HungUp(kAgent1));
  End(kAgent1, sip::EndCause::kLocalHangup, 200);

  EXPECT_EQ(sink_.EntryTypes(),
            (std::vector{Entry::kCallReceived, Entry::kGreetingPlayed, Entry::kAgentDialed,
                         Entry::kAgentDialed, Entry::kAgentAnswered, Entry::kBridged,
                         Entry::kCallerHungUp, Entry::kEnded}));
  const CallClosed closed = sink_.Closed().value();
  EXPECT_EQ(closed.outcome, CallOutcome::kAnswered);
  ASSERT_TRUE(closed.answered_by.has_value());
  EXPECT_EQ(closed.answered_by->user, UserId(1));
  EXPECT_EQ(closed.answered_by->agent_phone, AgentPhoneId(11));
  EXPECT_EQ(LegClosedTo(kAgent1Number)->disposition, LegDisposition::kAnswered);
  EXPECT_EQ(LegClosedTo(kAgent2Number)->disposition, LegDisposition::kCancelled);
  EXPECT_EQ(LegClosedTo(kAgent2Number)->sip_status, 487);
  EXPECT_EQ(LegClosedTo(kHotlineNumber)->disposition, LegDisposition::kAnswered);

  // The ports: both phones dialled in E.164 from the hotline's number, the loser cancelled,
  // the greeting to the caller and the outbound text to the winner, then one bridge.
  ASSERT_EQ(signalling_.dialled.size(), 2u);
  EXPECT_EQ(signalling_.dialled[0].to_user, "+491701");
  EXPECT_EQ(signalling_.dialled[1].to_user, "+491702");
  EXPECT_EQ(signalling_.dialled[0].from_user, "+4924100001");
  EXPECT_EQ(signalling_.dialled[0].from_display, "Help");
  EXPECT_EQ(signalling_.answered, std::vector<LegId>{caller});
  EXPECT_TRUE(signalling_.HungUp(kAgent2));
  EXPECT_EQ(speech_.spoken, (std::vector<std::string>{"Welcome to Help.", "A caller for Help."}));
  EXPECT_EQ(media_.played, (std::vector<std::int64_t>{kCallerStream, kAgent1Stream}));
  EXPECT_EQ(media_.ringback, std::vector<std::int64_t>{kCallerStream});
  EXPECT_EQ(media_.bridges, (std::vector<std::pair<std::int64_t, std::int64_t>>{
                                {kCallerStream, kAgent1Stream}}));
  EXPECT_EQ(media_.remotes.at(kAgent1Stream), "127.0.0.1:31202");
  EXPECT_EQ(counters_.Snapshot().calls_answered, 1u);
  EXPECT_EQ(counters_.Snapshot().active_calls, 0);
}

TEST_F(CallControlTest, RingingIsNotedOncePerLeg) {
  Ringing();
  Deliver(sip::LegRinging{kAgent1, 180});
  Deliver(sip::LegRinging{kAgent1, 183});
  const auto types = sink_.EntryTypes();
  EXPECT_EQ(std::count(types.begin(), types.end(), Entry::kAgentRinging), 1);
}

TEST_F(CallControlTest, EmptyGreetingAndPromptAreSkipped) {
  router_.hotline.tts_inbound.clear();
  router_.hotline.tts_outbound.clear();
  Incoming();
  ASSERT_EQ(signalling_.dialled.size(), 2u);  // ringing at once, no greeting
  Answer(kAgent1);
  EXPECT_TRUE(speech_.spoken.empty());
  EXPECT_EQ(media_.bridges.size(), 1u);  // bridged at once, no prompt
  EXPECT_EQ(sink_.EntryTypes(),
            (std::vector{Entry::kCallReceived, Entry::kAgentDialed, Entry::kAgentDialed,
                         Entry::kAgentAnswered, Entry::kBridged}));
}

TEST_F(CallControlTest, AGreetingThatCannotBeSynthesisedIsSkipped) {
  speech_.fail = true;
  Incoming();
  EXPECT_EQ(signalling_.dialled.size(), 2u);
  EXPECT_EQ(sink_.EntryTypes(),
            (std::vector{Entry::kCallReceived, Entry::kAgentDialed, Entry::kAgentDialed}));
}

TEST_F(CallControlTest, AForeignSourceIsRefusedWithoutRouting) {
  Incoming("192.0.2.9");
  ASSERT_EQ(signalling_.rejected.size(), 1u);
  EXPECT_EQ(signalling_.rejected[0].status, 403);
  EXPECT_TRUE(sink_.events.empty());
  EXPECT_EQ(counters_.Snapshot().refused_forbidden, 1u);
}

struct UnroutableCase {
  Error error;
  int status;
};

class UnroutableTest : public CallControlTest,
                       public ::testing::WithParamInterface<UnroutableCase> {};

TEST_P(UnroutableTest, IsRefusedWithoutACallLog) {
  router_.resolve_error = GetParam().error;
  Incoming();
  ASSERT_EQ(signalling_.rejected.size(), 1u);
  EXPECT_EQ(signalling_.rejected[0].status, GetParam().status);
  EXPECT_TRUE(sink_.events.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Refusals, UnroutableTest,
    ::testing::Values(UnroutableCase{Error::NotFound("no such number"), 404},
                      UnroutableCase{Error::FailedPrecondition("paused"), 480},
                      UnroutableCase{Error::Unavailable("database down"), 503}));

TEST_F(CallControlTest, ACallerWhoLeavesDuringRoutingIsForgotten) {
  control_->On(sip::IncomingCall{1, "+4924100001", "+4930123", false, "127.0.0.1", 5060,
                                 Sdp(30000)});  // the routing answer is queued, not run
  control_->On(sip::LegEnded{1, sip::EndCause::kRemoteCancel, 487, "CANCEL"});
  loop_.RunPending();
  EXPECT_TRUE(signalling_.answered.empty());
  EXPECT_TRUE(signalling_.rejected.empty());
  EXPECT_TRUE(sink_.events.empty());
}

TEST_F(CallControlTest, InboundChannelLimitRejectsBusyWithALog) {
  router_.hotline.channels_inbound = 1;
  Ringing();
  const LegId second = Incoming();
  ASSERT_EQ(signalling_.rejected.size(), 1u);
  EXPECT_EQ(signalling_.rejected[0].leg, second);
  EXPECT_EQ(signalling_.rejected[0].status, 486);
  const CallHandle refused{2};
  EXPECT_EQ(sink_.EntryTypes(refused),
            (std::vector{Entry::kCallReceived, Entry::kRejectedChannelLimit, Entry::kEnded}));
  EXPECT_EQ(sink_.Entries(refused)[1].detail, "All 1 inbound channels are in use.");
  EXPECT_EQ(sink_.Closed(refused)->outcome, CallOutcome::kRejectedBusy);
  const auto leg = sink_.LegClosedOf(*sink_.LegTo(kHotlineNumber, refused));
  EXPECT_EQ(leg->disposition, LegDisposition::kBusy);
  EXPECT_EQ(leg->sip_status, 486);
  EXPECT_EQ(counters_.Snapshot().refused_busy, 1u);
  EXPECT_EQ(counters_.Snapshot().calls_rejected_busy, 1u);
}

// Calls in progress are counted behind CallsInProgress, which on PostgreSQL holds every node's
// (decision 0039): a channel another node holds counts against the hotline's limits here.
TEST_F(CallControlTest, ChannelsHeldElsewhereCountAgainstTheLimitsAndComeBackWhenReleased) {
  router_.hotline.channels_inbound = 1;
  router_.hotline.channels_outbound = 2;
  const auto elsewhere =
      **calls_in_progress_.Claim(HotlineId(7), LegDirection::kInbound, 1, std::nullopt);
  ASSERT_TRUE(*calls_in_progress_.Claim(HotlineId(7), LegDirection::kOutbound, 2, std::nullopt));
  Incoming();
  ASSERT_EQ(signalling_.rejected.size(), 1u);
  EXPECT_EQ(signalling_.rejected[0].status, 486);
  ASSERT_TRUE(calls_in_progress_.Release(elsewhere).ok());
  Ringing();
  ASSERT_EQ(signalling_.dialled.size(), 1u) << "one outbound channel was left";
  EXPECT_EQ(sink_.Entries(CallHandle{2}).back().detail,
            "All 2 outbound channels of the hotline are in use.");
}

TEST_F(CallControlTest, APhoneInACallElsewhereIsNotRungAndAnAnsweredOneIsMarked) {
  ASSERT_TRUE(*calls_in_progress_.Claim(HotlineId(99), LegDirection::kInbound, 1, kAgent1Number));
  Ringing();
  ASSERT_EQ(signalling_.dialled.size(), 1u);
  EXPECT_EQ(signalling_.dialled[0].to_user, "+491702");
  EXPECT_EQ(sink_.Entries()[2].type, Entry::kAgentBusySkipped);
  EXPECT_FALSE(*calls_in_progress_.InCall(kAgent2Number)) << "ringing is not a call";
  const LegId agent = signalling_.dialled_legs[0];
  Answer(agent);
  EXPECT_TRUE(*calls_in_progress_.InCall(kAgent2Number));
  End(agent, sip::EndCause::kRemoteBye, 200);
  EXPECT_FALSE(*calls_in_progress_.InCall(kAgent2Number));
}

TEST_F(CallControlTest, ACallEndedGivesItsChannelsBack) {
  router_.hotline.channels_inbound = 1;
  router_.hotline.channels_outbound = 2;
  const LegId caller = Bridged();
  End(caller, sip::EndCause::kRemoteBye, 200);
  End(kAgent1, sip::EndCause::kLocalHangup, 200);
  ASSERT_TRUE(sink_.Closed().has_value());
  EXPECT_TRUE(*calls_in_progress_.Claim(HotlineId(7), LegDirection::kInbound, 1, std::nullopt));
  EXPECT_TRUE(*calls_in_progress_.Claim(HotlineId(7), LegDirection::kOutbound, 2, std::nullopt));
  EXPECT_TRUE(*calls_in_progress_.Claim(HotlineId(7), LegDirection::kOutbound, 2, std::nullopt));
}

TEST_F(CallControlTest, AnOfferWithoutG711IsRefused488WithAFailedLog) {
  Incoming("127.0.0.1", G729Sdp(30000));  // G.729 only
  ASSERT_EQ(signalling_.rejected.size(), 1u);
  EXPECT_EQ(signalling_.rejected[0].status, 488);
  EXPECT_EQ(sink_.EntryTypes(), (std::vector{Entry::kCallReceived, Entry::kEnded}));
  EXPECT_EQ(Outcome(), CallOutcome::kFailed);
  EXPECT_EQ(LegClosedTo(kHotlineNumber)->sip_status, 488);
}

TEST_F(CallControlTest, NoFreeMediaPortIsRefused503) {
  media_.free_ports = 0;
  Incoming();
  ASSERT_EQ(signalling_.rejected.size(), 1u);
  EXPECT_EQ(signalling_.rejected[0].status, 503);
  EXPECT_EQ(Outcome(), CallOutcome::kFailed);
}

TEST_F(CallControlTest, OutboundChannelLimitFailsTheAgentsBeyondIt) {
  router_.hotline.channels_outbound = 1;
  Ringing();
  ASSERT_EQ(signalling_.dialled.size(), 1u);
  EXPECT_EQ(signalling_.dialled[0].to_user, "+491701");
  const CallEntry failed = sink_.Entries().back();
  EXPECT_EQ(failed.type, Entry::kAgentFailed);
  EXPECT_EQ(failed.agent_phone, AgentPhoneId(12));
  EXPECT_EQ(failed.detail, "All 1 outbound channels of the hotline are in use.");
}

TEST_F(CallControlTest, ARefusedTargetIsNeverDialled) {
  router_.phones[0].refusal = "The number is one of the service's own numbers.";
  Ringing();
  ASSERT_EQ(signalling_.dialled.size(), 1u);
  EXPECT_EQ(signalling_.dialled[0].to_user, "+491702");
  const CallEntry failed = sink_.Entries()[2];
  EXPECT_EQ(failed.type, Entry::kAgentFailed);
  EXPECT_EQ(failed.agent_phone, AgentPhoneId(11));
  EXPECT_EQ(failed.detail, "The number is one of the service's own numbers.");
  EXPECT_FALSE(sink_.LegTo(kAgent1Number).has_value());  // no leg record either
}

TEST_F(CallControlTest, ADialThatFailsIsAnAgentFailureAndNobodyLeftIsMissed) {
  signalling_.dial_error = Error::FailedPrecondition("no trunk");
  const LegId caller = Ringing();
  EXPECT_EQ(sink_.EntryTypes(),
            (std::vector{Entry::kCallReceived, Entry::kGreetingPlayed, Entry::kAgentFailed,
                         Entry::kAgentFailed}));
  EXPECT_EQ(media_.closed, (std::vector<std::int64_t>{kAgent1Stream, kAgent2Stream}));
  FinishFarewell(caller);
  EXPECT_EQ(Outcome(), CallOutcome::kMissed);
  EXPECT_EQ(EndDetail(), "No agent's phone could be called.");
}

TEST_F(CallControlTest, NoActivePhoneIsMissed) {
  router_.phones.clear();
  const LegId caller = Ringing();
  EXPECT_TRUE(signalling_.dialled.empty());
  EXPECT_EQ(speech_.spoken.back(), kMissed);
  FinishFarewell(caller);
  EXPECT_EQ(sink_.EntryTypes(), (std::vector{Entry::kCallReceived, Entry::kGreetingPlayed,
                                             Entry::kNoAgentAvailable, Entry::kEnded}));
  EXPECT_EQ(Outcome(), CallOutcome::kMissed);
  EXPECT_EQ(EndDetail(), "Nobody could be called.");
}

TEST_F(CallControlTest, PhonesThatCannotBeReadFailTheCall) {
  router_.phones_error = Error::Unavailable("database down");
  const LegId caller = Ringing();
  FinishFarewell(caller);
  EXPECT_EQ(Outcome(), CallOutcome::kFailed);
  EXPECT_EQ(EndDetail(), "The agents' phones could not be read.");
}

TEST_F(CallControlTest, AnAnswerWithoutUsableAudioIsAnAgentFailure) {
  Ringing();
  Deliver(sip::LegAnswered{kAgent1, ""});
  EXPECT_TRUE(signalling_.HungUp(kAgent1));
  EXPECT_FALSE(signalling_.HungUp(kAgent2));  // still ringing: it may answer
  EXPECT_EQ(sink_.EntryTypes().back(), Entry::kAgentFailed);
  Answer(kAgent2);
  EXPECT_EQ(sink_.EntryTypes().back(), Entry::kAgentAnswered);
}

TEST_F(CallControlTest, AReInviteMovesTheStreamAndAnUnusableOneIsIgnored) {
  const LegId caller = Bridged();
  Deliver(sip::LegMediaChanged{caller, Sdp(32000)});
  EXPECT_EQ(media_.remotes.at(kCallerStream), "127.0.0.1:32000");
  Deliver(sip::LegMediaChanged{caller, G729Sdp(33000)});
  EXPECT_EQ(media_.remotes.at(kCallerStream), "127.0.0.1:32000");
}

// A volunteer on a call is not rung for another: while agent 1 talks on the first call, a
// second call rings only agent 2 and says why agent 1 was skipped; once the first call is over,
// agent 1 is rung again.
TEST_F(CallControlTest, APhoneInACallIsNotRungForAnother) {
  const LegId first = Bridged();
  ASSERT_EQ(signalling_.dialled.size(), 2u);

  const LegId second = Incoming();
  FinishPlayback(4);  // the second caller's greeting (streams 2 and 3 are the first call's agents)
  ASSERT_EQ(signalling_.dialled.size(), 3u) << "only agent 2's phone was dialled";
  EXPECT_EQ(signalling_.dialled.back().to_user, "+491702");
  const std::vector<CallEntry> entries = sink_.Entries(CallHandle{2});
  const auto skipped = std::find_if(entries.begin(), entries.end(), [](const CallEntry& e) {
    return e.type == CallEntryType::kAgentBusySkipped;
  });
  ASSERT_NE(skipped, entries.end());
  EXPECT_EQ(skipped->agent_phone, AgentPhoneId(11));
  EXPECT_EQ(skipped->user, UserId(1));

  // The first call ends; the second caller gives up; a third call rings both phones again.
  End(kAgent1, sip::EndCause::kRemoteBye, 200, "BYE");
  End(first, sip::EndCause::kLocalHangup, 200);
  End(second, sip::EndCause::kRemoteBye, 200, "BYE");
  End(signalling_.dialled_legs.back(), sip::EndCause::kLocalHangup, 487, "Request Terminated");
  Incoming();
  FinishPlayback(6);
  EXPECT_EQ(signalling_.dialled.size(), 5u) << "both phones rang for the third call";
}

// A volunteer who calls the hotline from their own agent phone is not rung on it.
TEST_F(CallControlTest, TheCallersOwnPhoneIsNotRung) {
  router_.phones = {Phone(1, 11, kAgent1Number), Phone(2, 12, "004930123")};  // the caller's
  Ringing();
  ASSERT_EQ(signalling_.dialled.size(), 1u);
  EXPECT_EQ(signalling_.dialled[0].to_user, "+491701");
  EXPECT_EQ(sink_.EntryTypes(),
            (std::vector{Entry::kCallReceived, Entry::kGreetingPlayed, Entry::kAgentDialed,
                         Entry::kAgentBusySkipped}));
}

// A phone that merely rings for one call may ring for another: only an answered leg makes a
// phone busy.
TEST_F(CallControlTest, ARingingPhoneMayRingForAnotherCall) {
  router_.hotline.channels_outbound = 4;  // room for both calls' legs
  Ringing();
  Incoming();
  FinishPlayback(4);
  EXPECT_EQ(signalling_.dialled.size(), 4u);
}

}  // namespace
}  // namespace fr::telephony::testing
