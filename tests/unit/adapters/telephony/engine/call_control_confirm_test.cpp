// CallControl with confirmAnswer: an answering agent must press 1 before the caller is put
// through (decision 0025), so that no voicemail takes the call.
#include <gtest/gtest.h>

#include <algorithm>

#include "unit/adapters/telephony/engine/call_control_fixture.hpp"

namespace fr::telephony::testing {
namespace {

using Entry = CallEntryType;

constexpr std::chrono::milliseconds kConfirmTimeout{10000};
constexpr const char* kPrompt = "A caller for Help.\nPress 1 to take this call.";
constexpr const char* kTaken = "This call has already been taken.";

class ConfirmAnswerTest : public CallControlTest {
 protected:
  ConfirmAnswerTest() { router_.hotline.confirm_answer = true; }

  // Agent `leg` (on `stream`) answers and hears the whole prompt.
  void AnswerAndHearPrompt(LegId leg, std::int64_t stream) {
    Answer(leg);
    FinishPlayback(stream);
  }
  void Press(std::int64_t stream, char key) {
    ASSERT_TRUE(media_.Press(stream, key)) << "nobody listens to the keys of stream " << stream;
    loop_.RunPending();
  }
  std::vector<CallEntry> EntriesOf(Entry type) const {
    std::vector<CallEntry> found;
    for (const CallEntry& entry : sink_.Entries()) {
      if (entry.type == type) found.push_back(entry);
    }
    return found;
  }
};

TEST_F(ConfirmAnswerTest, TheAgentWhoPressesOneIsBridgedAndTheOthersStop) {
  Ringing();
  Answer(kAgent1);
  // Asked, not bridged; the other phone rings on and the caller hears ringback.
  EXPECT_EQ(speech_.spoken.back(), kPrompt);
  EXPECT_TRUE(media_.bridges.empty());
  EXPECT_FALSE(signalling_.HungUp(kAgent2));
  FinishPlayback(kAgent1Stream);
  EXPECT_EQ(loop_.LiveTimers(kConfirmTimeout), 1);

  Press(kAgent1Stream, '1');
  EXPECT_EQ(media_.bridges,
            (std::vector<std::pair<std::int64_t, std::int64_t>>{{kCallerStream, kAgent1Stream}}));
  EXPECT_TRUE(signalling_.HungUp(kAgent2));
  EXPECT_EQ(loop_.LiveTimers(kConfirmTimeout), 0);
  // The agent's later keys go to the caller: nobody here listens any more.
  EXPECT_FALSE(media_.Press(kAgent1Stream, '5'));
  End(kAgent2, sip::EndCause::kLocalHangup, 487, "Request Terminated");
  EXPECT_EQ(sink_.EntryTypes(),
            (std::vector{Entry::kCallReceived, Entry::kGreetingPlayed, Entry::kAgentDialed,
                         Entry::kAgentDialed, Entry::kAgentAnswered, Entry::kAgentConfirmed,
                         Entry::kBridged}));
  EXPECT_EQ(LegClosedTo(kAgent2Number)->disposition, LegDisposition::kCancelled);
}

TEST_F(ConfirmAnswerTest, AKeyPressedDuringThePromptCounts) {
  Ringing();
  Answer(kAgent1);
  Press(kAgent1Stream, '1');
  EXPECT_EQ(media_.bridges.size(), 1u);
  EXPECT_EQ(loop_.LiveTimers(kConfirmTimeout), 0);
}

// A phone that sends its 1 at once (baresip through Kamailio did) may be bridged before the
// prompt is synthesised: the prompt must not then replace the conversation.
TEST_F(ConfirmAnswerTest, APromptReadyOnlyAfterTheBridgeIsNotPlayed) {
  Ringing();
  speech_work_.hold = true;
  Answer(kAgent1);
  Press(kAgent1Stream, '1');
  ASSERT_EQ(media_.bridges.size(), 1u);
  const auto played = media_.played.size();
  speech_work_.Release();
  loop_.RunPending();
  EXPECT_EQ(media_.played.size(), played) << "the prompt was played over the bridged call";
}

TEST_F(ConfirmAnswerTest, AOneSentAsSipInfoCounts) {
  Ringing();
  AnswerAndHearPrompt(kAgent1, kAgent1Stream);
  Deliver(sip::LegDigit{kAgent1, '1'});
  EXPECT_EQ(media_.bridges.size(), 1u);
}

TEST_F(ConfirmAnswerTest, NoKeyInTimeReleasesThatPhoneWhileTheOthersRingOn) {
  const LegId caller = Ringing();
  AnswerAndHearPrompt(kAgent1, kAgent1Stream);
  ASSERT_EQ(loop_.Fire(kConfirmTimeout), 1);
  EXPECT_TRUE(signalling_.HungUp(kAgent1));
  EXPECT_FALSE(signalling_.HungUp(kAgent2));
  End(kAgent1, sip::EndCause::kLocalHangup, 200);
  const auto not_confirmed = EntriesOf(Entry::kAgentNotConfirmed);
  ASSERT_EQ(not_confirmed.size(), 1u);
  EXPECT_EQ(not_confirmed[0].agent_phone, AgentPhoneId(11));
  EXPECT_EQ(not_confirmed[0].detail, "No key was pressed within 10 s.");
  EXPECT_EQ(LegClosedTo(kAgent1Number)->disposition, LegDisposition::kNotConfirmed);

  // The second agent takes the call.
  AnswerAndHearPrompt(kAgent2, kAgent2Stream);
  Press(kAgent2Stream, '1');
  EXPECT_EQ(media_.bridges,
            (std::vector<std::pair<std::int64_t, std::int64_t>>{{kCallerStream, kAgent2Stream}}));
  End(caller, sip::EndCause::kRemoteBye, 200);
  End(kAgent2, sip::EndCause::kLocalHangup, 200);
  EXPECT_EQ(Outcome(), CallOutcome::kAnswered);
  EXPECT_EQ(sink_.Closed()->answered_by->agent_phone, AgentPhoneId(12));
}

TEST_F(ConfirmAnswerTest, AnotherKeyReleasesThePhone) {
  Ringing();
  AnswerAndHearPrompt(kAgent1, kAgent1Stream);
  Press(kAgent1Stream, '5');
  EXPECT_TRUE(signalling_.HungUp(kAgent1));
  EXPECT_TRUE(media_.bridges.empty());
  EXPECT_EQ(EntriesOf(Entry::kAgentNotConfirmed).at(0).detail, "The agent pressed 5 instead of 1.");
}

TEST_F(ConfirmAnswerTest, AVoicemailThatAnswersAndHangsUpNeverTakesTheCall) {
  const LegId caller = Ringing();
  AnswerAndHearPrompt(kAgent1, kAgent1Stream);
  End(kAgent1, sip::EndCause::kRemoteBye, 200, "BYE");  // the mailbox recorded, then left
  End(kAgent2, sip::EndCause::kRejected, 486, "Busy Here");
  EXPECT_EQ(EntriesOf(Entry::kAgentNotConfirmed).at(0).detail,
            "The agent hung up before pressing 1.");
  EXPECT_EQ(LegClosedTo(kAgent1Number)->disposition, LegDisposition::kNotConfirmed);
  EXPECT_TRUE(media_.bridges.empty());
  FinishFarewell(caller);
  EXPECT_EQ(Outcome(), CallOutcome::kMissed);
  EXPECT_EQ(counters_.Snapshot().calls_missed, 1u);
}

TEST_F(ConfirmAnswerTest, AnAgentStillConfirmingWhenAnotherWinsHearsTheCallWasTaken) {
  Ringing();
  Answer(kAgent1);
  Answer(kAgent2);
  Press(kAgent2Stream, '1');
  EXPECT_EQ(media_.bridges,
            (std::vector<std::pair<std::int64_t, std::int64_t>>{{kCallerStream, kAgent2Stream}}));
  EXPECT_EQ(speech_.spoken.back(), kTaken);
  EXPECT_FALSE(signalling_.HungUp(kAgent1));  // not before the message ends
  // A 1 pressed now is too late and changes nothing.
  EXPECT_FALSE(media_.Press(kAgent1Stream, '1'));
  Deliver(sip::LegDigit{kAgent1, '1'});
  EXPECT_EQ(media_.bridges.size(), 1u);
  FinishPlayback(kAgent1Stream);
  EXPECT_TRUE(signalling_.HungUp(kAgent1));
  End(kAgent1, sip::EndCause::kLocalHangup, 200);
  EXPECT_EQ(LegClosedTo(kAgent1Number)->disposition, LegDisposition::kCancelled);
  EXPECT_TRUE(EntriesOf(Entry::kAgentNotConfirmed).empty());
  EXPECT_EQ(EntriesOf(Entry::kAgentConfirmed).at(0).agent_phone, AgentPhoneId(12));
}

TEST_F(ConfirmAnswerTest, TheRingTimeoutStopsOnlyTheRingingPhonesWhileAnAgentConfirms) {
  Ringing();
  AnswerAndHearPrompt(kAgent1, kAgent1Stream);
  ASSERT_EQ(loop_.Fire(kRingTimeout), 1);
  EXPECT_TRUE(signalling_.HungUp(kAgent2));
  EXPECT_FALSE(signalling_.HungUp(kAgent1));
  End(kAgent2, sip::EndCause::kLocalHangup, 487);
  EXPECT_EQ(LegClosedTo(kAgent2Number)->disposition, LegDisposition::kNoAnswer);
  EXPECT_EQ(std::count(speech_.spoken.begin(), speech_.spoken.end(), kMissed), 0);
  Press(kAgent1Stream, '1');
  EXPECT_EQ(media_.bridges.size(), 1u);
}

TEST_F(ConfirmAnswerTest, TheRingTimeoutThenNoConfirmationIsAMissedCall) {
  const LegId caller = Ringing();
  AnswerAndHearPrompt(kAgent1, kAgent1Stream);
  loop_.Fire(kRingTimeout);
  End(kAgent2, sip::EndCause::kLocalHangup, 487);
  loop_.Fire(kConfirmTimeout);
  End(kAgent1, sip::EndCause::kLocalHangup, 200);
  FinishFarewell(caller);
  EXPECT_EQ(Outcome(), CallOutcome::kMissed);
}

TEST_F(ConfirmAnswerTest, ACallerWhoHangsUpReleasesTheConfirmingAgent) {
  const LegId caller = Ringing();
  AnswerAndHearPrompt(kAgent1, kAgent1Stream);
  End(caller, sip::EndCause::kRemoteBye, 200, "BYE");
  EXPECT_TRUE(signalling_.HungUp(kAgent1));
  EXPECT_EQ(loop_.LiveTimers(kConfirmTimeout), 0);
  End(kAgent1, sip::EndCause::kLocalHangup, 200);
  End(kAgent2, sip::EndCause::kLocalHangup, 487);
  EXPECT_EQ(LegClosedTo(kAgent1Number)->disposition, LegDisposition::kCancelled);
  EXPECT_TRUE(EntriesOf(Entry::kAgentNotConfirmed).empty());
  EXPECT_EQ(Outcome(), CallOutcome::kAbandoned);
}

TEST_F(ConfirmAnswerTest, WithoutAnOutboundTextTheAgentHearsOnlyTheQuestion) {
  router_.hotline.tts_outbound.clear();
  Ringing();
  Answer(kAgent1);
  EXPECT_EQ(speech_.spoken.back(), "Press 1 to take this call.");
}

}  // namespace
}  // namespace fr::telephony::testing
