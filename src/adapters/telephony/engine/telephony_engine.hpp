#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "adapters/telephony/engine/call_media.hpp"
#include "adapters/telephony/media/media_types.hpp"
#include "adapters/telephony/sip/sip_endpoint.hpp"
#include "app/call_routing_service.hpp"
#include "app/phone_verification_service.hpp"
#include "app/speech_synthesizer.hpp"
#include "common/clock.hpp"
#include "common/random.hpp"
#include "common/result.hpp"
#include "domain/call_log/call_events.hpp"
#include "domain/call_log/call_log.hpp"
#include "domain/node/calls_in_progress.hpp"
#include "domain/voicemail/voicemail_audio.hpp"

namespace fr::telephony {

struct EngineConfig {
  std::string sip_listen_host = "127.0.0.1";
  std::uint16_t sip_listen_port = 5060;  // 0: any free port (Start reports it)
  std::string trunk_host;                // where calls to agents' phones go; empty: nowhere
  std::uint16_t trunk_port = 5060;
  sip::TrunkOptions trunk_options;  // transport, account, registration, From user, TLS files
  // Where an inbound INVITE's dialled number is read (registered carriers: To or
  // P-Called-Party-ID).
  sip::InboundNumberSource inbound_number_from = sip::InboundNumberSource::kRequestUri;
  // Sources allowed to send calls in (CIDR blocks); empty: the trunk's address and loopback.
  std::vector<std::string> trunk_allow;
  // Flood and scanner limits of the SIP port (decision 0029). Its `exempt` is ignored: the
  // engine exempts the sources above and the trunk's own addresses.
  sip::ShieldOptions shield;
  std::chrono::milliseconds ring_timeout{30000};
  // How long an agent of a hotline with confirmAnswer has to press 1 once the prompt ended.
  std::chrono::milliseconds confirm_timeout{10000};
  // A call still up after this long is hung up: a bound on what a stuck call can cost.
  std::chrono::milliseconds max_call_duration{std::chrono::hours(4)};
  std::string tts_voice = "en";
  // The language of the built-in sentences for hotlines that name none (decision 0043).
  std::string default_language = "en";
  media::MediaConfig media;
  // A voicemail ends after this long without speech (--voicemail-silence; issue 15: 5 s).
  std::chrono::milliseconds voicemail_silence{5000};
  // This node's id (--node-id): the prefix of its voicemail files (decision 0055).
  std::string node;
};

// A Prometheus histogram with kBuckets upper bounds.
template <std::size_t kBucketCount>
struct BucketHistogram {
  static constexpr std::size_t kBuckets = kBucketCount;
  std::array<double, kBuckets> bounds{};           // upper bounds, ascending
  std::array<std::uint64_t, kBuckets> cumulative{};  // observations <= bounds[i]
  std::uint64_t count = 0;
  double sum = 0;

  void Observe(double value) {
    for (std::size_t i = 0; i < kBuckets; ++i) {
      if (value <= bounds[i]) ++cumulative[i];
    }
    ++count;
    sum += value;
  }
};

// One quality measure of call legs (decision 0023).
using QualityHistogram = BucketHistogram<7>;

// The LegDirection and LegDisposition values, as array sizes.
inline constexpr std::size_t kLegDirections = 2;
inline constexpr std::size_t kLegDispositions = 6;
static_assert(static_cast<std::size_t>(LegDirection::kOutbound) + 1 == kLegDirections);
static_assert(static_cast<std::size_t>(LegDisposition::kNotConfirmed) + 1 == kLegDispositions);

// Which phone a leg's audio comes from: the caller's goes to the agent, and back.
enum class AudioDirection { kCallerToAgent, kAgentToCaller };
inline constexpr std::size_t kAudioDirections = 2;

// Counters of the engine since it started, for /metrics.
struct TelephonyStats {
  std::int64_t active_calls = 0;
  std::uint64_t calls_answered = 0, calls_missed = 0, calls_abandoned = 0,
                calls_rejected_busy = 0, calls_failed = 0, calls_blocked = 0, calls_closed = 0,
                calls_voicemail = 0, calls_forwarded = 0;
  // INVITEs refused before a call began, by our SIP status.
  std::uint64_t refused_forbidden = 0, refused_not_found = 0, refused_unavailable = 0,
                refused_busy = 0, refused_codec = 0, refused_overload = 0;
  // Of those 503s: refused because the service was draining (SIGTERM).
  std::uint64_t refused_draining = 0;
  // Legs whose audio RTCP measured: their packet loss (0..1) and jitter (seconds).
  QualityHistogram leg_packet_loss{{0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2}};
  QualityHistogram leg_jitter_seconds{{0.005, 0.01, 0.02, 0.03, 0.05, 0.1, 0.2}};
  // From the moment the agents' phones started ringing to the answer of the agent who took
  // the call (with confirmAnswer: that agent's answer, not the key press).
  BucketHistogram<9> ring_to_answer_seconds{{1, 2, 5, 10, 15, 20, 30, 45, 60}};
  // Legs whose record closed, by direction (LegDirection) and disposition (LegDisposition).
  std::array<std::array<std::uint64_t, kLegDispositions>, kLegDirections> legs_closed{};
  // RTP by the direction of its audio, counted as each leg ends (decision 0034).
  std::array<RtpTotals, kAudioDirections> rtp{};  // by AudioDirection
};

// The phone line behind every active hotline. A call to a hotline's number is answered with the
// hotline's inbound text, then ringback while the active phones of its agents ring in parallel
// through the trunk; the first agent to answer hears the outbound text and is bridged to the
// caller (with confirmAnswer, the first to press 1 after it: decision 0025). Every step is
// reported to the CallEventSink. Hotlines and agent phones are read per call, so a change
// applies to the next call.
//
// Threads: SIP (sofia), media (one shared 20 ms clock), one control thread that runs every
// call's state machine, and one speech thread; they talk through queues only.
class TelephonyEngine final : public VerificationCaller {
 public:
  // `calls_in_progress` counts the channels and phones in use across nodes (decision 0039).
  TelephonyEngine(EngineConfig config, CallRoutingService& routing, CallEventSink& events,
                  SpeechSynthesizer& speech, const Clock& clock,
                  CallsInProgress& calls_in_progress, VoicemailAudioStore& voicemail_audio,
                  SecureRandom& random);
  ~TelephonyEngine() override;  // calls Stop()
  TelephonyEngine(const TelephonyEngine&) = delete;
  TelephonyEngine& operator=(const TelephonyEngine&) = delete;

  // Starts media, SIP and the control thread; returns the SIP port. Errors: kInvalidArgument
  // (bad configuration: allow list, media ports); kUnavailable (the SIP or media address
  // cannot be bound, the trunk's name does not resolve).
  Result<std::uint16_t> Start();

  // Starts the drain of a graceful stop (decision 0033): from now on every new INVITE that
  // the trunk may send is refused with 503 and Retry-After, while the calls in progress go on
  // as usual. `on_idle` runs once, on the control thread, as soon as no call is in progress
  // (at once if none is); it must not block and must not call Stop(). Stop() ends whatever
  // is left. Thread-safe; a call after the first is ignored; ignored before Start().
  void Drain(std::function<void()> on_idle);

  // Hangs up every call (BYE, CANCEL or 480 to each leg; each gets its call log closed), then
  // stops all threads. Idempotent.
  void Stop();

  // Places a verification call to an agent phone through the trunk (decision 0069); waits
  // only for the call to be dialled. Thread-safe. Errors: kUnavailable (not running, stopping,
  // or no trunk), and what dialling failed with.
  Status Place(VerificationCall call,
               std::function<Status(const VerificationOutcome&)> done) override;

  // Thread-safe.
  TelephonyStats Stats() const;

  // The registration at the trunk (kOff unless trunk_options.register_account). Thread-safe.
  sip::RegistrationStatus TrunkRegistration() const;

  // What the SIP port's flood and scanner shield did. Thread-safe.
  sip::ShieldStats SipShield() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fr::telephony
