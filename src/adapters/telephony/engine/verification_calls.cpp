#include "adapters/telephony/engine/verification_calls.hpp"

#include <spdlog/spdlog.h>

#include <type_traits>
#include <utility>
#include <variant>

#include "adapters/telephony/sip/sdp.hpp"

namespace fr::telephony {
namespace {

constexpr int kTelephoneEventPayloadType = 101;
constexpr std::size_t kCodeLength = 6;
constexpr int kWrongCodesAllowed = 3;

// "0049…" (the API's form) → "+49…" (E.164, what SIP trunks expect in user parts).
std::string E164(const std::string& number) {
  return number.starts_with("00") ? "+" + number.substr(2) : number;
}

// Why a call that ended undecided failed, in the words of the issue: no answer, busy, or the
// phone hung up before the code.
std::string WhyEnded(bool answered, const sip::LegEnded& ended) {
  if (answered) return "The phone hung up before the right code was typed.";
  if (ended.status == 486 || ended.status == 600) return "The phone was busy.";
  if (ended.cause == sip::EndCause::kTimeout || ended.status == 408 || ended.status == 480) {
    return "Nobody answered.";
  }
  return "The call failed (" + std::to_string(ended.status) + " " + ended.reason + ").";
}

}  // namespace

VerificationCalls::VerificationCalls(VerificationCallPorts ports, std::string tts_voice,
                                     std::chrono::milliseconds ring_timeout)
    : ports_(ports), tts_voice_(std::move(tts_voice)), ring_timeout_(ring_timeout) {}

Status VerificationCalls::Start(VerificationCall call,
                                std::function<Status(const VerificationOutcome&)> done) {
  FR_ASSIGN_OR_RETURN(const media::StreamId stream, ports_.media.OpenStream());
  const auto port = ports_.media.LocalPort(stream);
  const auto leg =
      port.ok()
          ? ports_.signalling.Dial(
                {E164(call.number), call.from_number.empty() ? "anonymous" : E164(call.from_number),
                 call.from_display,
                 sip::BuildAudioSdp(ports_.media.LocalAddress(), *port, sip::kPayloadPcmu,
                                    kTelephoneEventPayloadType, ++last_sdp_session_)})
          : Result<LegId>(port.error());
  if (!leg.ok()) {
    ports_.media.Close(stream);
    return leg.error();
  }
  auto pending = std::make_unique<Pending>();
  pending->call = std::move(call);
  pending->done = std::move(done);
  pending->leg = *leg;
  pending->stream = stream;
  pending->timeout = ports_.loop.StartTimer(
      std::chrono::duration_cast<std::chrono::milliseconds>(pending->call.timeout),
      [this, leg = *leg] {
        if (Pending* late = Find(leg))
          FailAndHangUp(*late, "The right code was not typed in time.");
      });
  pending->ring_timer = ports_.loop.StartTimer(ring_timeout_, [this, leg = *leg] {
    if (Pending* ringing = Find(leg); ringing && !ringing->answered) {
      FailAndHangUp(*ringing, "Nobody answered.");
    }
  });
  spdlog::info("phone verification {}: calling agent phone {}", pending->call.attempt,
               pending->call.phone.value);
  calls_.emplace(*leg, std::move(pending));
  return Ok();
}

bool VerificationCalls::Take(const SignallingEvent& event) {
  return std::visit(
      [this](const auto& e) -> bool {
        using Event = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<Event, sip::IncomingCall>) {
          return false;
        } else {
          Pending* pending = Find(e.leg);
          if (pending == nullptr) return false;
          if constexpr (std::is_same_v<Event, sip::LegAnswered>) {
            Answered(*pending, e.remote_sdp);
          } else if constexpr (std::is_same_v<Event, sip::LegDigit>) {
            Pressed(e.leg, e.key);  // SIP INFO
          } else if constexpr (std::is_same_v<Event, sip::LegEnded>) {
            Ended(e.leg, e);
          }
          // LegRinging, LegMediaChanged: nothing to do (a moved stream keeps its prompt).
          return true;
        }
      },
      event);
}

void VerificationCalls::Answered(Pending& pending, const std::string& remote_sdp) {
  pending.answered = true;
  pending.ring_timer.reset();
  const auto answer = sip::ParseAudioOffer(remote_sdp);
  const int codec = answer.ok() ? sip::ChooseCodec(*answer) : -1;
  if (codec < 0 || !ports_.media
                        .SetRemote(pending.stream, answer->address, answer->port,
                                   static_cast<media::Codec>(codec), answer->telephone_event_pt)
                        .ok()) {
    FailAndHangUp(pending, "The phone answered without usable audio.");
    return;
  }
  if (answer->rtcp_port != 0) ports_.media.SetRemoteRtcpPort(pending.stream, answer->rtcp_port);
  ports_.media.OnDigit(pending.stream, [this, leg = pending.leg](char key) {
    ports_.loop.Post([this, leg, key] { Pressed(leg, key); });  // RFC 4733
  });
  // Keys typed during the sentence count: people who read the code type at once.
  Say(pending, BuiltInSentence::kEnterVerificationCode, [](Pending&) {});
}

void VerificationCalls::Pressed(LegId leg, char key) {
  Pending* pending = Find(leg);
  if (pending == nullptr || pending->reported) return;
  if (key == '*') {  // start again
    pending->typed.clear();
    return;
  }
  if (key < '0' || key > '9') return;
  pending->typed.push_back(key);
  if (pending->typed.size() < kCodeLength) return;
  const bool right = pending->typed == pending->call.code;
  pending->typed.clear();
  if (right) {
    Decide(*pending, PhoneVerification::kVerified, "The right code was typed.");
    Say(*pending, BuiltInSentence::kPhoneVerified,
        [this](Pending& thanked) { ports_.signalling.Hangup(thanked.leg); });
    return;
  }
  if (++pending->wrong >= kWrongCodesAllowed) {
    FailAndHangUp(*pending, "Three wrong codes were typed.");
    return;
  }
  Say(*pending, BuiltInSentence::kWrongVerificationCode, [](Pending&) {});
}

void VerificationCalls::Ended(LegId leg, const sip::LegEnded& ended) {
  Pending* pending = Find(leg);
  if (pending == nullptr) return;
  Decide(*pending, PhoneVerification::kFailed, WhyEnded(pending->answered, ended));
  ports_.media.Close(pending->stream);
  calls_.erase(leg);
}

void VerificationCalls::Decide(Pending& pending, PhoneVerification verification,
                               std::string detail) {
  if (pending.reported) return;
  pending.reported = true;
  pending.timeout.reset();
  ports_.media.OnDigit(pending.stream, nullptr);
  VerificationOutcome outcome{verification, std::move(detail)};
  ports_.result_work.Post([done = pending.done, outcome = std::move(outcome),
                           attempt = pending.call.attempt, phone = pending.call.phone] {
    const Status stored = done(outcome);
    spdlog::info("phone verification {}: agent phone {} {}: {}", attempt, phone.value,
                 PhoneVerificationName(outcome.verification), outcome.detail);
    if (!stored.ok()) {
      spdlog::error("phone verification {}: the outcome could not be stored: {}", attempt,
                    stored.error().detail);
    }
  });
}

void VerificationCalls::FailAndHangUp(Pending& pending, std::string detail) {
  Decide(pending, PhoneVerification::kFailed, std::move(detail));
  ports_.signalling.Hangup(pending.leg);
}

void VerificationCalls::Say(Pending& pending, BuiltInSentence sentence,
                            std::function<void(Pending&)> then) {
  const std::string language = pending.call.language.empty() ? tts_voice_ : pending.call.language;
  const std::string text(SentenceIn(sentence, language).text);
  ports_.speech_work.Post([this, leg = pending.leg, stream = pending.stream, text, language,
                           then = std::move(then)] {
    auto audio = ports_.speech.Synthesize(text, language);
    ports_.loop.Post([this, leg, stream, audio = std::move(audio), then] {
      Pending* speaking = Find(leg);
      if (speaking == nullptr) return;
      if (!audio.ok()) {
        spdlog::warn("phone verification {}: text-to-speech failed: {}", speaking->call.attempt,
                     audio.error().detail);
        then(*speaking);
        return;
      }
      const std::shared_ptr<const Audio>& shared = *audio;
      ports_.media.Play(stream,
                        std::shared_ptr<const std::vector<std::int16_t>>(shared, &shared->samples),
                        [this, leg, then] {
                          ports_.loop.Post([this, leg, then] {
                            if (Pending* played = Find(leg)) then(*played);
                          });
                        });
    });
  });
}

void VerificationCalls::CloseAll() {
  for (auto& [leg, pending] : calls_) {
    Decide(*pending, PhoneVerification::kFailed, "The service stopped during the call.");
    ports_.media.Close(pending->stream);
  }
  calls_.clear();
}

VerificationCalls::Pending* VerificationCalls::Find(LegId leg) {
  const auto found = calls_.find(leg);
  return found == calls_.end() ? nullptr : found->second.get();
}

}  // namespace fr::telephony
