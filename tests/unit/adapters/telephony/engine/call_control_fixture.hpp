#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "adapters/telephony/engine/call_control.hpp"
#include "adapters/telephony/sip/sdp.hpp"
#include "app/in_process_calls_in_progress.hpp"
#include "fakes/fake_clock.hpp"
#include "fakes/fake_crypto.hpp"
#include "fakes/in_memory_voicemail_audio.hpp"
#include "unit/adapters/telephony/engine/fake_call_ports.hpp"
#include "unit/adapters/telephony/engine/recording_call_event_sink.hpp"

namespace fr::telephony::testing {

// Drives a CallControl on the test thread: the test delivers signalling events, ends playbacks
// and fires timers; routing and speech answer at once, their results queued on the loop, which
// every helper runs until it is empty.
//
// The hotline 004924100001 ("Help", id 7) greets, prompts the agent, and rings two phones:
// agent 1 on phone 11 (dialled as leg 101, stream 2) and agent 2 on phone 12 (leg 102,
// stream 3). The caller's leg is 1, 2, … and the first caller's stream is 1.
class CallControlTest : public ::testing::Test {
 protected:
  static constexpr std::chrono::milliseconds kRingTimeout{30000};
  static constexpr std::chrono::milliseconds kMaxDuration{std::chrono::hours(4)};
  static constexpr const char* kMissed =
      "Sorry, nobody can take your call right now. Please try again in a few minutes.";
  static constexpr const char* kHotlineNumber = "004924100001";
  static constexpr const char* kAgent1Number = "00491701";
  static constexpr const char* kAgent2Number = "00491702";
  static constexpr LegId kAgent1 = 101, kAgent2 = 102;
  static constexpr std::int64_t kCallerStream = 1, kAgent1Stream = 2, kAgent2Stream = 3;
  static constexpr std::chrono::milliseconds kVoicemailSilence{3000};

  CallControlTest() {
    router_.hotline.id = HotlineId(7);
    router_.hotline.name = "Help";
    router_.hotline.number = kHotlineNumber;
    router_.hotline.channels_inbound = 2;
    router_.hotline.channels_outbound = 3;
    router_.hotline.tts_inbound = "Welcome to Help.";
    router_.hotline.tts_outbound = "A caller for Help.";
    // First answer wins here; call_control_confirm_test.cpp turns confirmation on.
    router_.hotline.confirm_answer = false;
    router_.phones = {Phone(1, 11, kAgent1Number), Phone(2, 12, kAgent2Number)};
    CallControlConfig config{kRingTimeout, kMaxDuration, "en", "en",
                             AddressAllowList::Parse({"127.0.0.0/8"}).value()};
    config.voicemail_silence = kVoicemailSilence;
    config.node = "n1";
    control_ = std::make_unique<CallControl>(
        std::move(config),
        CallControlPorts{signalling_, media_, router_, speech_, sink_, clock_, calls_in_progress_, loop_,
                         work_, speech_work_, voicemail_audio_, recording_work_, random_},
        counters_);
  }

  static AgentTarget Phone(std::int64_t user, std::int64_t phone, std::string number) {
    return AgentTarget{UserId(user), AgentPhoneId(phone), std::move(number), std::nullopt};
  }
  static std::string Sdp(std::uint16_t port) {
    return sip::BuildAudioSdp("127.0.0.1", port, sip::kPayloadPcmu, 101, 1);
  }
  // An offer of G.729 only, which we cannot take.
  static std::string G729Sdp(std::uint16_t port) {
    return "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
           "m=audio " + std::to_string(port) + " RTP/AVP 18\r\na=rtpmap:18 G729/8000\r\n";
  }

  void Deliver(SignallingEvent event) {
    control_->On(event);
    loop_.RunPending();
  }
  // A call comes in from `source` and is routed; returns its leg.
  LegId Incoming(std::string source = "127.0.0.1", std::string sdp = Sdp(30000)) {
    const LegId leg = ++last_inbound_;
    Deliver(sip::IncomingCall{leg, "+4924100001", "+4930123", false, std::move(source), 5060,
                              std::move(sdp)});
    return leg;
  }
  void FinishPlayback(std::int64_t stream) {
    media_.FinishPlayback(stream);
    loop_.RunPending();
  }
  // A caller, greeted; both agents' phones are dialled.
  LegId Ringing() {
    const LegId caller = Incoming();
    FinishPlayback(kCallerStream);
    return caller;
  }
  void Answer(LegId leg) { Deliver(sip::LegAnswered{leg, Sdp(31000 + 2 * leg)}); }
  void End(LegId leg, sip::EndCause cause, int status, std::string reason = "") {
    Deliver(sip::LegEnded{leg, cause, status, std::move(reason)});
  }
  // A caller bridged to agent 1 (agent 2's leg cancelled and ended).
  LegId Bridged() {
    const LegId caller = Ringing();
    Answer(kAgent1);
    End(kAgent2, sip::EndCause::kLocalHangup, 487, "Request Terminated");
    FinishPlayback(kAgent1Stream);
    return caller;
  }
  // The farewell text ends, we hang up the caller, and the caller's leg ends.
  void FinishFarewell(LegId caller) {
    FinishPlayback(kCallerStream);
    ASSERT_TRUE(signalling_.HungUp(caller));
    End(caller, sip::EndCause::kLocalHangup, 200);
  }

  std::optional<LegClosed> LegClosedTo(const std::string& to) const {
    const auto leg = sink_.LegTo(to);
    return leg ? sink_.LegClosedOf(*leg) : std::nullopt;
  }
  CallOutcome Outcome() const { return sink_.Closed().value().outcome; }
  std::optional<std::string> EndDetail() const { return sink_.Entries().back().detail; }

  FakeSignalling signalling_;
  FakeMedia media_;
  FakeRouter router_;
  FakeSpeech speech_;
  RecordingCallEventSink sink_;
  fr::testing::FakeClock clock_;
  InProcessCallsInProgress calls_in_progress_;
  FakeControlLoop loop_;
  InlineWorkQueue work_;
  InlineWorkQueue speech_work_;
  fr::testing::InMemoryVoicemailAudio voicemail_audio_;
  InlineWorkQueue recording_work_;
  fr::testing::FakeSecureRandom random_;
  CallCounters counters_;
  std::unique_ptr<CallControl> control_;
  LegId last_inbound_ = 0;
};

}  // namespace fr::telephony::testing
