// CallControl: the noAnswer and closed fallbacks (decision 0054) and voicemail recording
// (decision 0055): prompt, beep, recording until #, silence, maxSeconds or the caller's hang-up.
#include <gtest/gtest.h>

#include <algorithm>

#include "unit/adapters/telephony/engine/call_control_fixture.hpp"

namespace fr::telephony::testing {
namespace {

using Entry = CallEntryType;

class VoicemailTest : public CallControlTest {
 protected:
  static constexpr const char* kLeaveMessage =
      "Nobody can take your call right now. Please leave a message after the tone.";

  VoicemailTest() { router_.hotline.no_answer = {FallbackAction::kVoicemail, "", 30, ""}; }

  // A caller nobody answered, past the prompt and the beep: the recording runs.
  LegId Recording() {
    const LegId caller = Ringing();
    EXPECT_EQ(loop_.Fire(kRingTimeout), 1);
    End(kAgent1, sip::EndCause::kLocalHangup, 487);
    End(kAgent2, sip::EndCause::kLocalHangup, 487);
    FinishPlayback(kCallerStream);  // the prompt
    FinishPlayback(kCallerStream);  // the beep
    return caller;
  }
  // `ms` of the caller's voice, in 20 ms packets.
  void Talk(int ms, std::int16_t level = 3000) {
    for (int packet = 0; packet < ms / 20; ++packet) {
      ASSERT_TRUE(media_.Speak(kCallerStream, std::vector<std::int16_t>(160, level)));
    }
  }
  std::optional<VoicemailStarted> Started() const {
    for (const CallEvent& event : sink_.events) {
      if (const auto* started = std::get_if<VoicemailStarted>(&event)) return *started;
    }
    return std::nullopt;
  }
  std::optional<VoicemailFinished> Finished() const {
    for (const CallEvent& event : sink_.events) {
      if (const auto* finished = std::get_if<VoicemailFinished>(&event)) return *finished;
    }
    return std::nullopt;
  }
  std::optional<CallEntry> EntryOf(Entry type) const {
    for (const CallEntry& entry : sink_.Entries()) {
      if (entry.type == type) return entry;
    }
    return std::nullopt;
  }
};

TEST_F(VoicemailTest, APromptABeepThenTheCallerIsRecordedUntilHash) {
  const LegId caller = Recording();
  EXPECT_EQ(speech_.spoken.back(), kLeaveMessage);
  ASSERT_TRUE(Started().has_value());
  EXPECT_TRUE(Started()->file.starts_with("vm-n1-")) << Started()->file;
  Talk(1000);
  ASSERT_TRUE(media_.Press(kCallerStream, '#'));
  loop_.RunPending();
  ASSERT_TRUE(signalling_.HungUp(caller)) << "we hang up after #";
  EXPECT_FALSE(sink_.Closed().has_value()) << "not before the caller's leg ended";
  End(caller, sip::EndCause::kLocalHangup, 200);

  ASSERT_TRUE(Finished().has_value());
  EXPECT_EQ(Finished()->file, Started()->file);
  EXPECT_EQ(Finished()->duration, std::chrono::milliseconds(1000));
  const auto stored = voicemail_audio_.Get(Started()->file);
  ASSERT_TRUE(stored.has_value());
  EXPECT_TRUE(stored->committed);
  EXPECT_EQ(stored->samples.size(), 8000u);
  EXPECT_EQ(Outcome(), CallOutcome::kVoicemail);
  ASSERT_TRUE(EntryOf(Entry::kVoicemailRecorded).has_value());
  EXPECT_EQ(*EntryOf(Entry::kVoicemailRecorded)->detail,
            "A message of 1.0 s was kept. The caller pressed #.");
  EXPECT_EQ(EndDetail(), "Nobody answered within the ring timeout.");
  EXPECT_EQ(counters_.Snapshot().calls_voicemail, 1u);
  EXPECT_TRUE(media_.listeners.empty()) << "nobody listens to the stream any more";
}

TEST_F(VoicemailTest, TheCallersHangUpEndsTheRecordingAndKeepsIt) {
  const LegId caller = Recording();
  Talk(2500);
  End(caller, sip::EndCause::kRemoteBye, 200, "BYE");
  ASSERT_TRUE(Finished().has_value());
  EXPECT_EQ(Finished()->duration, std::chrono::milliseconds(2500));
  EXPECT_EQ(Outcome(), CallOutcome::kVoicemail);
  EXPECT_NE(EntryOf(Entry::kVoicemailRecorded)->detail->find("The caller hung up."),
            std::string::npos);
  EXPECT_TRUE(EntryOf(Entry::kCallerHungUp).has_value());
}

TEST_F(VoicemailTest, SilenceEndsTheRecordingAlsoWhenNoPacketsArrive) {
  const LegId caller = Recording();
  Talk(400);
  Talk(1000, 20);  // line noise, not speech
  EXPECT_EQ(loop_.Fire(std::chrono::seconds(1)), 1);
  EXPECT_FALSE(signalling_.HungUp(caller)) << "one second of quiet so far";
  EXPECT_EQ(loop_.Fire(std::chrono::seconds(1)), 1);  // no packets at all: a second more
  EXPECT_FALSE(signalling_.HungUp(caller));
  EXPECT_EQ(loop_.Fire(std::chrono::seconds(1)), 1);
  ASSERT_TRUE(signalling_.HungUp(caller)) << "3 s of silence: --voicemail-silence";
  End(caller, sip::EndCause::kLocalHangup, 200);
  EXPECT_EQ(Finished()->duration, std::chrono::milliseconds(1400));
  EXPECT_NE(EntryOf(Entry::kVoicemailRecorded)->detail->find("silent"), std::string::npos);
}

TEST_F(VoicemailTest, MaxSecondsEndsTheRecording) {
  const LegId caller = Recording();
  Talk(200);
  ASSERT_EQ(loop_.Fire(std::chrono::seconds(30)), 1);
  ASSERT_TRUE(signalling_.HungUp(caller));
  End(caller, sip::EndCause::kLocalHangup, 200);
  EXPECT_NE(EntryOf(Entry::kVoicemailRecorded)->detail->find("maximum length"),
            std::string::npos);
  EXPECT_EQ(Outcome(), CallOutcome::kVoicemail);
}

TEST_F(VoicemailTest, NothingSaidKeepsNothingAndTheCallStaysMissed) {
  const LegId caller = Recording();
  End(caller, sip::EndCause::kRemoteBye, 200, "BYE");
  ASSERT_TRUE(Finished().has_value());
  EXPECT_FALSE(Finished()->duration.has_value()) << "the row goes";
  EXPECT_EQ(voicemail_audio_.Count(), 0u) << "and so does the file";
  EXPECT_EQ(Outcome(), CallOutcome::kMissed);
  EXPECT_FALSE(EntryOf(Entry::kVoicemailRecorded).has_value());
}

TEST_F(VoicemailTest, ACallerWhoHangsUpDuringThePromptIsNeverRecorded) {
  const LegId caller = Ringing();
  loop_.Fire(kRingTimeout);
  End(kAgent1, sip::EndCause::kLocalHangup, 487);
  End(kAgent2, sip::EndCause::kLocalHangup, 487);
  End(caller, sip::EndCause::kRemoteBye, 200, "BYE");
  EXPECT_FALSE(Started().has_value());
  EXPECT_EQ(Outcome(), CallOutcome::kMissed);
  ASSERT_TRUE(sink_.Closed().has_value());
}

TEST_F(VoicemailTest, AFileThatCannotBeCreatedEndsTheCallWithoutAMessage) {
  voicemail_audio_.fail_create = true;
  const LegId caller = Recording();
  ASSERT_TRUE(signalling_.HungUp(caller));
  End(caller, sip::EndCause::kLocalHangup, 200);
  ASSERT_TRUE(Finished().has_value());
  EXPECT_FALSE(Finished()->duration.has_value());
  EXPECT_EQ(Outcome(), CallOutcome::kMissed);
}

TEST_F(VoicemailTest, TheHotlinesOwnPromptIsSaid) {
  router_.hotline.no_answer.tts_voicemail = "Sprechen Sie nach dem Ton.";
  Recording();
  EXPECT_EQ(speech_.spoken.back(), "Sprechen Sie nach dem Ton.");
}

TEST_F(VoicemailTest, OutsideTheHoursTheClosedVoicemailKeepsTheOutcomeClosed) {
  router_.admission.verdict = CallVerdict::kClosed;
  router_.admission.detail = "Outside the opening hours.";
  router_.hotline.closed = {FallbackAction::kVoicemail, "", 20, ""};
  const LegId caller = Incoming();
  FinishPlayback(kCallerStream);  // the prompt: nobody rings
  FinishPlayback(kCallerStream);  // the beep
  EXPECT_TRUE(signalling_.dialled.empty());
  Talk(600);
  End(caller, sip::EndCause::kRemoteBye, 200, "BYE");
  EXPECT_EQ(Finished()->duration, std::chrono::milliseconds(600));
  EXPECT_EQ(Outcome(), CallOutcome::kClosed);
  EXPECT_EQ(*EntryOf(Entry::kClosed)->detail, "Outside the opening hours. Action: voicemail.");
  EXPECT_TRUE(EntryOf(Entry::kVoicemailRecorded).has_value());
}

// forward: the fallback number is one more leg with its own record, bridged at its answer.
class ForwardTest : public VoicemailTest {
 protected:
  static constexpr const char* kFallback = "0049301234567";
  static constexpr LegId kForwardLeg = 103;
  static constexpr std::int64_t kForwardStream = 4;

  ForwardTest() {
    router_.hotline.no_answer = {FallbackAction::kForward, "", 120, kFallback};
    router_.hotline.confirm_answer = true;  // not for the fallback number
  }

  // Nobody answered; the fallback number is dialled.
  LegId Forwarded() {
    const LegId caller = Ringing();
    EXPECT_EQ(loop_.Fire(kRingTimeout), 1);
    End(kAgent1, sip::EndCause::kLocalHangup, 487);
    End(kAgent2, sip::EndCause::kLocalHangup, 487);
    return caller;
  }
};

TEST_F(ForwardTest, TheFallbackNumberIsDialledAndBridgedAtItsAnswer) {
  const LegId caller = Forwarded();
  ASSERT_EQ(signalling_.dialled.size(), 3u);
  EXPECT_EQ(signalling_.dialled.back().to_user, "+49301234567");
  EXPECT_EQ(signalling_.dialled_legs.back(), kForwardLeg);
  Answer(kForwardLeg);
  EXPECT_EQ(media_.bridges.back(), (std::pair<std::int64_t, std::int64_t>{kCallerStream,
                                                                          kForwardStream}))
      << "no confirmation, no outbound text";
  End(caller, sip::EndCause::kRemoteBye, 200, "BYE");
  ASSERT_TRUE(signalling_.HungUp(kForwardLeg));
  End(kForwardLeg, sip::EndCause::kLocalHangup, 200);

  EXPECT_EQ(Outcome(), CallOutcome::kForwarded);
  EXPECT_FALSE(sink_.Closed()->answered_by.has_value()) << "no agent answered";
  const auto leg = LegClosedTo(kFallback);
  ASSERT_TRUE(leg.has_value()) << "its own telephone record";
  EXPECT_EQ(leg->disposition, LegDisposition::kAnswered);
  for (const CallEvent& event : sink_.events) {
    if (const auto* opened = std::get_if<LegOpened>(&event); opened && opened->to == kFallback) {
      EXPECT_FALSE(opened->agent.has_value());
    }
  }
  EXPECT_EQ(*EntryOf(Entry::kBridged)->detail, "Forwarded to the fallback number.");
  EXPECT_FALSE(EntryOf(Entry::kBridged)->user.has_value());
  EXPECT_EQ(counters_.Snapshot().calls_forwarded, 1u);
}

TEST_F(ForwardTest, AFallbackThatDoesNotAnswerEndsWithTheMessage) {
  const LegId caller = Forwarded();
  ASSERT_EQ(loop_.Fire(kRingTimeout), 1);
  ASSERT_TRUE(signalling_.HungUp(kForwardLeg));
  End(kForwardLeg, sip::EndCause::kLocalHangup, 487);
  EXPECT_EQ(speech_.spoken.back(), kMissed);
  FinishFarewell(caller);
  EXPECT_EQ(Outcome(), CallOutcome::kMissed);
  EXPECT_EQ(EndDetail(), "The fallback number did not answer in time.");
  EXPECT_EQ(LegClosedTo(kFallback)->disposition, LegDisposition::kNoAnswer);
}

TEST_F(ForwardTest, ABusyFallbackEndsWithTheMessage) {
  const LegId caller = Forwarded();
  End(kForwardLeg, sip::EndCause::kRejected, 486, "Busy Here");
  FinishFarewell(caller);
  EXPECT_EQ(Outcome(), CallOutcome::kMissed);
  EXPECT_EQ(LegClosedTo(kFallback)->disposition, LegDisposition::kBusy);
}

TEST_F(ForwardTest, AnAgentWhoAnswersAfterTheForwardBeganIsNotConnected) {
  const LegId caller = Ringing();
  loop_.Fire(kRingTimeout);
  Answer(kAgent1);  // crossed our CANCEL
  EXPECT_TRUE(media_.bridges.empty());
  Answer(kForwardLeg);
  EXPECT_EQ(media_.bridges.back().second, kForwardStream);
  (void)caller;
}

}  // namespace
}  // namespace fr::telephony::testing
