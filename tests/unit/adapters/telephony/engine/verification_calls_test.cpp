// VerificationCalls (decision 0069) on the test thread through fakes of its ports: the code
// typed by RFC 4733 or SIP INFO, wrong codes, and every way the call fails.
#include "adapters/telephony/engine/verification_calls.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "unit/adapters/telephony/engine/fake_call_ports.hpp"

namespace fr::telephony {
namespace {

using testing::FakeControlLoop;
using testing::FakeMedia;
using testing::FakeSignalling;
using testing::FakeSpeech;
using testing::InlineWorkQueue;

constexpr const char* kAnswerSdp =
    "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
    "m=audio 50000 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:101 telephone-event/8000\r\n";
constexpr std::chrono::milliseconds kRing{30000};
constexpr std::chrono::milliseconds kTimeout{600000};

class VerificationCallsTest : public ::testing::Test {
 protected:
  // Places the call; its leg.
  LegId Start() {
    VerificationCall call;
    call.attempt = 7;
    call.phone = AgentPhoneId(3);
    call.number = "004915112340001";
    call.code = "493817";
    call.language = "de";
    call.from_number = "004924155660000";
    call.from_display = "Relief";
    call.timeout = kTimeout;
    const Status started = calls_.Start(call, [this](const VerificationOutcome& outcome) {
      outcomes_.push_back(outcome);
      return Ok();
    });
    EXPECT_TRUE(started.ok());
    return signalling_.dialled_legs.back();
  }
  void Answer(LegId leg) {
    ASSERT_TRUE(calls_.Take(sip::LegAnswered{leg, kAnswerSdp}));
    loop_.RunPending();
  }
  void Type(const std::string& keys) {
    for (const char key : keys) ASSERT_TRUE(media_.Press(1, key));
    loop_.RunPending();
  }
  std::vector<std::string> Verdicts() const {
    std::vector<std::string> verdicts;
    for (const auto& outcome : outcomes_) {
      verdicts.push_back(PhoneVerificationName(outcome.verification) + std::string(": ") +
                         outcome.detail);
    }
    return verdicts;
  }

  FakeSignalling signalling_;
  FakeMedia media_;
  FakeSpeech speech_;
  FakeControlLoop loop_;
  InlineWorkQueue speech_work_, result_work_;
  VerificationCalls calls_{
      {signalling_, media_, speech_, loop_, speech_work_, result_work_}, "en", kRing};
  std::vector<VerificationOutcome> outcomes_;
};

TEST_F(VerificationCallsTest, TheRightCodeVerifiesThePhoneThanksAndHangsUp) {
  const LegId leg = Start();
  ASSERT_EQ(signalling_.dialled.size(), 1u);
  EXPECT_EQ(signalling_.dialled[0].to_user, "+4915112340001");
  EXPECT_EQ(signalling_.dialled[0].from_user, "+4924155660000");
  EXPECT_EQ(signalling_.dialled[0].from_display, "Relief");
  Answer(leg);
  EXPECT_EQ(media_.remotes[1], "127.0.0.1:50000");
  ASSERT_EQ(speech_.spoken.size(), 1u);
  EXPECT_EQ(speech_.spoken[0], SentenceIn(BuiltInSentence::kEnterVerificationCode, "de").text);
  EXPECT_EQ(speech_.voices[0], "de");

  Type("4938");
  EXPECT_TRUE(outcomes_.empty());
  Type("17");
  EXPECT_EQ(Verdicts(), (std::vector<std::string>{"verified: The right code was typed."}));
  EXPECT_EQ(speech_.spoken.back(), SentenceIn(BuiltInSentence::kPhoneVerified, "de").text);
  EXPECT_FALSE(signalling_.HungUp(leg)) << "the thanks are said first";
  media_.FinishPlayback(1);
  loop_.RunPending();
  EXPECT_TRUE(signalling_.HungUp(leg));
  EXPECT_TRUE(calls_.Take(sip::LegEnded{leg, sip::EndCause::kLocalHangup, 200, "OK"}));
  EXPECT_EQ(outcomes_.size(), 1u) << "one outcome per call";
  EXPECT_EQ(loop_.LiveTimers(kTimeout), 0);
}

TEST_F(VerificationCallsTest, KeysBySipInfoCountAndStarStartsAgain) {
  const LegId leg = Start();
  Answer(leg);
  for (const char key : std::string("12*493817")) {
    ASSERT_TRUE(calls_.Take(sip::LegDigit{leg, key}));
  }
  EXPECT_EQ(Verdicts(), (std::vector<std::string>{"verified: The right code was typed."}));
}

TEST_F(VerificationCallsTest, TheThirdWrongCodeFailsThePhone) {
  const LegId leg = Start();
  Answer(leg);
  Type("111111");
  EXPECT_EQ(speech_.spoken.back(), SentenceIn(BuiltInSentence::kWrongVerificationCode, "de").text);
  Type("222222");
  EXPECT_TRUE(outcomes_.empty());
  EXPECT_FALSE(signalling_.HungUp(leg));
  Type("333333");
  EXPECT_EQ(Verdicts(), (std::vector<std::string>{"failed: Three wrong codes were typed."}));
  EXPECT_TRUE(signalling_.HungUp(leg));
  EXPECT_FALSE(media_.Press(1, '4')) << "no more keys are taken";
}

TEST_F(VerificationCallsTest, NoAnswerBusyAndAHangUpFailThePhone) {
  LegId leg = Start();
  EXPECT_EQ(loop_.Fire(kRing), 1);
  EXPECT_TRUE(signalling_.HungUp(leg));
  calls_.Take(sip::LegEnded{leg, sip::EndCause::kLocalHangup, 487, "Request Terminated"});

  leg = Start();
  calls_.Take(sip::LegEnded{leg, sip::EndCause::kRejected, 486, "Busy Here"});

  leg = Start();
  Answer(leg);
  EXPECT_EQ(loop_.Fire(kRing), 0) << "an answered call no longer rings";
  calls_.Take(sip::LegEnded{leg, sip::EndCause::kRemoteBye, 200, "OK"});
  EXPECT_EQ(Verdicts(), (std::vector<std::string>{
                            "failed: Nobody answered.", "failed: The phone was busy.",
                            "failed: The phone hung up before the right code was typed."}));
  EXPECT_EQ(media_.closed.size(), 3u) << "every stream is closed";
}

TEST_F(VerificationCallsTest, TheCallFailsWhenTheCodeDoesNotComeInTime) {
  const LegId leg = Start();
  Answer(leg);
  Type("49");
  EXPECT_EQ(loop_.Fire(kTimeout), 1);
  EXPECT_EQ(Verdicts(),
            (std::vector<std::string>{"failed: The right code was not typed in time."}));
  EXPECT_TRUE(signalling_.HungUp(leg));
}

TEST_F(VerificationCallsTest, OnlyItsOwnLegsAreTaken) {
  const LegId leg = Start();
  EXPECT_FALSE(calls_.Take(sip::LegRinging{leg + 50, 180}));
  EXPECT_FALSE(calls_.Take(sip::IncomingCall{}));
  EXPECT_TRUE(calls_.Take(sip::LegRinging{leg, 180}));
}

}  // namespace
}  // namespace fr::telephony
