// The call-start decision (decisions 0042, 0043, 0044): a blocked caller is refused busy
// without ringing or saying anything; a closed hotline says why and hangs up; the prompts are
// in the hotline's language and voice.
#include <algorithm>

#include "unit/adapters/telephony/engine/call_control_fixture.hpp"

namespace fr::telephony::testing {
namespace {

using Entry = CallEntryType;

TEST_F(CallControlTest, ABlockedCallerIsRefusedBusyWithoutRingingOrSpeech) {
  router_.admission = {
      CallVerdict::kBlocked, "The caller's number is on the organization's blocklist.", {}};
  Incoming();
  ASSERT_EQ(signalling_.rejected.size(), 1u);
  EXPECT_EQ(signalling_.rejected[0].status, 486);
  EXPECT_TRUE(signalling_.answered.empty());
  EXPECT_TRUE(signalling_.dialled.empty());
  EXPECT_TRUE(speech_.spoken.empty());
  EXPECT_EQ(router_.admitted_callers, std::vector<std::optional<std::string>>{"004930123"});
  EXPECT_EQ(sink_.EntryTypes(),
            (std::vector{Entry::kCallReceived, Entry::kCallerBlocked, Entry::kEnded}));
  EXPECT_EQ(sink_.Entries()[1].detail, "The caller's number is on the organization's blocklist.");
  EXPECT_EQ(Outcome(), CallOutcome::kBlocked);
  EXPECT_EQ(LegClosedTo(kHotlineNumber)->disposition, LegDisposition::kBusy);
  EXPECT_EQ(counters_.Snapshot().calls_blocked, 1u);
  EXPECT_EQ(counters_.Snapshot().active_calls, 0);
}

TEST_F(CallControlTest, AWithheldNumberReachesAdmissionAsNone) {
  router_.admission = {CallVerdict::kBlocked, "anonymous", {}};
  Deliver(sip::IncomingCall{1, "+4924100001", "anonymous", true, "127.0.0.1", 5060, Sdp(30000)});
  EXPECT_EQ(router_.admitted_callers, std::vector<std::optional<std::string>>{std::nullopt});
  EXPECT_EQ(signalling_.rejected.at(0).status, 486);
}

TEST_F(CallControlTest, AClosedHotlineSaysItsClosedTextInsteadOfTheGreetingThenHangsUp) {
  router_.admission = {CallVerdict::kClosed, "Outside the opening hours (Asia/Tokyo).", {}};
  router_.hotline.tts_closed = "Help is closed. Call again at nine.";
  const LegId caller = Incoming();
  EXPECT_EQ(signalling_.answered, std::vector<LegId>{caller});
  EXPECT_EQ(speech_.spoken, std::vector<std::string>{"Help is closed. Call again at nine."});
  EXPECT_TRUE(signalling_.dialled.empty());
  FinishFarewell(caller);
  EXPECT_EQ(sink_.EntryTypes(), (std::vector{Entry::kCallReceived, Entry::kClosed, Entry::kEnded}));
  EXPECT_EQ(sink_.Entries()[1].detail, "Outside the opening hours (Asia/Tokyo). Action: message.");
  EXPECT_EQ(Outcome(), CallOutcome::kClosed);
  EXPECT_EQ(counters_.Snapshot().calls_closed, 1u);
}

TEST_F(CallControlTest, AClosedGermanHotlineWithoutTextSaysTheGermanSentenceInAGermanVoice) {
  router_.admission = {CallVerdict::kClosed, "Outside the opening hours (Europe/Berlin).", {}};
  router_.hotline.language = "de";
  const LegId caller = Incoming();
  ASSERT_EQ(speech_.spoken.size(), 1u);
  EXPECT_EQ(speech_.spoken[0], SentenceIn(BuiltInSentence::kClosed, "de").text);
  EXPECT_EQ(speech_.voices[0], "de");
  FinishFarewell(caller);
  EXPECT_EQ(Outcome(), CallOutcome::kClosed);
}

TEST_F(CallControlTest, EveryPromptOfAHotlineIsInItsLanguage) {
  router_.hotline.language = "pl";
  router_.hotline.confirm_answer = true;
  Ringing();
  Answer(kAgent1);
  EXPECT_EQ(speech_.spoken.back(),
            "A caller for Help.\n" +
                std::string(SentenceIn(BuiltInSentence::kPressOneToTake, "pl").text));
  FinishPlayback(kAgent1Stream);
  Deliver(sip::LegEnded{kAgent1, sip::EndCause::kRemoteBye, 200, "BYE"});
  Deliver(sip::LegEnded{kAgent2, sip::EndCause::kRejected, 486, "Busy Here"});
  EXPECT_EQ(speech_.spoken.back(), SentenceIn(BuiltInSentence::kNobodyAvailable, "pl").text);
  EXPECT_TRUE(std::all_of(speech_.voices.begin(), speech_.voices.end(),
                          [](const std::string& voice) { return voice == "pl"; }));
}

TEST_F(CallControlTest, AHotlineWithoutLanguageUsesTheServiceVoiceAndAnUntranslatedOneEnglish) {
  router_.hotline.tts_inbound.clear();
  router_.phones.clear();
  Incoming();
  EXPECT_EQ(speech_.voices.back(), "en");
  EXPECT_EQ(speech_.spoken.back(), kMissed);
  router_.hotline.language = "sv";
  Incoming();
  EXPECT_EQ(speech_.voices.back(), "sv");
  EXPECT_EQ(speech_.spoken.back(), kMissed);
}

}  // namespace
}  // namespace fr::telephony::testing
