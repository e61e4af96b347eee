#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "adapters/telephony/engine/call_media.hpp"
#include "adapters/telephony/engine/call_signalling.hpp"
#include "adapters/telephony/engine/control_loop.hpp"
#include "app/phone_verification_service.hpp"
#include "app/speech_synthesizer.hpp"
#include "domain/hotline/language.hpp"

namespace fr::telephony {

// Everything the verification calls talk to. All outlive them.
struct VerificationCallPorts {
  CallSignalling& signalling;
  CallMedia& media;
  SpeechSynthesizer& speech;
  ControlLoop& loop;
  WorkQueue& speech_work;  // syntheses run here
  WorkQueue& result_work;  // the outcomes are stored from here (it may block)
};

// The calls that prove an agent phone's number (decision 0069): one outbound leg through the
// trunk per call, no hotline, no caller. The answerer hears "type the code shown on your
// screen" and types six digits (RFC 4733 or SIP INFO): the right code verifies the phone
// ("thank you", then BYE); a wrong one is asked again, the third fails it; no answer, busy, a
// hang-up before the code, or the call's timeout fail it. Each call's `done` runs once, on
// result_work, as soon as the outcome is known; its answer is logged (never the code, never
// the number).
//
// Threading: like CallControl, every method runs on the control thread (the one that runs
// `ports.loop`).
class VerificationCalls {
 public:
  // `tts_voice`: the voice when a call names no language. `ring_timeout`: how long the phone
  // may ring unanswered.
  VerificationCalls(VerificationCallPorts ports, std::string tts_voice,
                    std::chrono::milliseconds ring_timeout);
  VerificationCalls(const VerificationCalls&) = delete;
  VerificationCalls& operator=(const VerificationCalls&) = delete;

  // Dials `call.number`. Errors: kResourceExhausted (no media port), those of
  // CallSignalling::Dial; then `done` never runs.
  Status Start(VerificationCall call, std::function<Status(const VerificationOutcome&)> done);

  // Takes a signalling event of one of its legs; false for any other event (CallControl's).
  bool Take(const SignallingEvent& event);

  // Reports every call not decided yet as failed (the service stops); the legs are ended by
  // the signalling's own stop.
  void CloseAll();

 private:
  struct Pending {
    VerificationCall call;
    std::function<Status(const VerificationOutcome&)> done;
    LegId leg = 0;
    media::StreamId stream{};
    bool answered = false;
    bool reported = false;
    std::string typed;  // the digits of the current try
    int wrong = 0;      // tries with a wrong code
    std::unique_ptr<ControlTimer> timeout;
    std::unique_ptr<ControlTimer> ring_timer;
  };

  void Answered(Pending& pending, const std::string& remote_sdp);
  void Pressed(LegId leg, char key);
  void Ended(LegId leg, const sip::LegEnded& ended);
  // Reports the outcome once; later calls do nothing.
  void Decide(Pending& pending, PhoneVerification verification, std::string detail);
  // Decides kFailed and ends the leg.
  void FailAndHangUp(Pending& pending, std::string detail);
  // Plays a built-in sentence in the call's language; `then` runs on the control thread after
  // it was played (or could not be), if the call still exists.
  void Say(Pending& pending, BuiltInSentence sentence, std::function<void(Pending&)> then);
  Pending* Find(LegId leg);

  VerificationCallPorts ports_;
  const std::string tts_voice_;
  const std::chrono::milliseconds ring_timeout_;
  std::uint64_t last_sdp_session_ = 0;
  std::unordered_map<LegId, std::unique_ptr<Pending>> calls_;  // control thread only
};

}  // namespace fr::telephony
