// The engine's threads and wiring. The call state machine is CallControl (call_control*.cpp);
// this file only owns the threads it runs on and the SIP and media adapters it drives.
#include "adapters/telephony/engine/telephony_engine.hpp"

#include <spdlog/spdlog.h>

#include <asio.hpp>
#include <atomic>
#include <functional>
#include <future>
#include <optional>
#include <thread>

#include "adapters/telephony/engine/address_allow_list.hpp"
#include "adapters/telephony/engine/asio_control_loop.hpp"
#include "adapters/telephony/engine/call_control.hpp"
#include "adapters/telephony/engine/call_router.hpp"
#include "adapters/telephony/engine/rtp_media.hpp"
#include "adapters/telephony/engine/sip_signalling.hpp"
#include "adapters/telephony/engine/verification_calls.hpp"

namespace fr::telephony {
namespace {

sip::SipConfig SipConfigOf(const EngineConfig& config,
                           std::function<bool(std::string_view)> answers_options_from,
                           std::function<bool(std::string_view)> exempt_from_limits,
                           std::function<bool()> draining) {
  sip::SipConfig sip;
  sip.answers_options_from = std::move(answers_options_from);
  sip.draining = std::move(draining);
  sip.shield = config.shield;
  sip.shield.exempt = std::move(exempt_from_limits);
  sip.listen_host = config.sip_listen_host;
  sip.listen_port = config.sip_listen_port;
  sip.trunk_host = config.trunk_host;
  sip.trunk_port = config.trunk_port;
  sip.trunk = config.trunk_options;
  sip.inbound_number_from = config.inbound_number_from;
  return sip;
}

// The addresses --sip-trunk names (none without a trunk). Errors: kUnavailable.
Result<std::vector<std::string>> TrunkAddresses(const EngineConfig& config) {
  std::vector<std::string> addresses;
  if (config.trunk_host.empty()) return addresses;
  asio::io_context resolver_context;
  asio::ip::udp::resolver resolver(resolver_context);
  asio::error_code error;
  const auto results = resolver.resolve(config.trunk_host, "", error);
  if (error) {
    return Error::Unavailable("The SIP trunk '" + config.trunk_host +
                              "' does not resolve: " + error.message());
  }
  for (const auto& entry : results) addresses.push_back(entry.endpoint().address().to_string());
  return addresses;
}

// The configured allow list, or the trunk's addresses and loopback when none is configured.
std::vector<std::string> AllowedBlocks(const EngineConfig& config,
                                       const std::vector<std::string>& trunk_addresses) {
  if (!config.trunk_allow.empty()) return config.trunk_allow;
  std::vector<std::string> blocks = {"127.0.0.0/8", "::1"};
  blocks.insert(blocks.end(), trunk_addresses.begin(), trunk_addresses.end());
  return blocks;
}

}  // namespace

class TelephonyEngine::Impl {
 public:
  Impl(EngineConfig config, CallRoutingService& routing, CallEventSink& events,
       SpeechSynthesizer& speech, const Clock& clock, CallsInProgress& calls_in_progress,
       VoicemailAudioStore& voicemail_audio, SecureRandom& random)
      : config_(std::move(config)),
        router_(routing),
        events_(events),
        speech_(speech),
        clock_(clock),
        calls_in_progress_(calls_in_progress),
        voicemail_audio_(voicemail_audio),
        random_(random),
        media_(config_.media),
        // OPTIONS are answered to the sources that may call in; the list exists before the SIP
        // thread starts (Start), and outlives it.
        sip_(SipConfigOf(
                 config_,
                 [this](std::string_view source) {
                   return options_allow_.has_value() && options_allow_->Allows(source);
                 },
                 // The trunk's requests are never limited: its OPTIONS keep-alives, and calls
                 // and BYEs at the rate of the whole service.
                 [this](std::string_view source) {
                   return shield_exempt_.has_value() && shield_exempt_->Allows(source);
                 },
                 [this] { return draining_.load(); }),
             [this](sip::SipEvent event) {
          // calls_ exists before the SIP endpoint starts, so before any event arrives.
          asio::post(control_, [this, event = std::move(event)] {
            if (!verifications_->Take(event)) calls_->On(event);
          });
        }) {}

  ~Impl() { Stop(); }

  Result<std::uint16_t> Start() {
    auto resolved = TrunkAddresses(config_);
    // With an allow list of its own the trunk's name only adds to what is exempt from the
    // flood limits: as before, a name that does not resolve yet does not stop the service.
    if (!resolved.ok() && config_.trunk_allow.empty()) return resolved.error();
    if (!resolved.ok()) spdlog::warn("sip: {}; only --sip-trunk-allow is exempt from the flood limits", resolved.error().detail);
    const std::vector<std::string> trunk =
        resolved.ok() ? std::move(*resolved) : std::vector<std::string>();
    std::vector<std::string> blocks = AllowedBlocks(config_, trunk);
    FR_ASSIGN_OR_RETURN(AddressAllowList allow, AddressAllowList::Parse(blocks));
    blocks.insert(blocks.end(), trunk.begin(), trunk.end());
    FR_ASSIGN_OR_RETURN(AddressAllowList exempt, AddressAllowList::Parse(blocks));
    FR_RETURN_IF_ERROR(media_.Start());  // fails when already started: calls_ stays as it is
    // Before the SIP thread starts, which reads them.
    options_allow_ = allow;
    shield_exempt_ = std::move(exempt);
    calls_ = std::make_unique<CallControl>(
        CallControlConfig{config_.ring_timeout, config_.max_call_duration, config_.tts_voice,
                          config_.default_language, std::move(allow), config_.confirm_timeout,
                          config_.voicemail_silence, config_.node},
        CallControlPorts{sip_, media_, router_, speech_, events_, clock_, calls_in_progress_, loop_,
                         routing_work_, speech_work_, voicemail_audio_, recording_work_,
                         random_},
        counters_);
    verifications_ = std::make_unique<VerificationCalls>(
        VerificationCallPorts{sip_, media_, speech_, loop_, speech_work_, routing_work_},
        config_.tts_voice, config_.ring_timeout);
    control_thread_ = std::thread([this] { control_.run(); });
    auto port = sip_.Start();
    if (!port.ok()) {
      Stop();
      return port.error();
    }
    return *port;
  }

  void Drain(std::function<void()> on_idle) {
    if (!control_thread_.joinable() || stopped_.load() || draining_.exchange(true)) return;
    asio::post(control_, [this, on_idle = std::move(on_idle)]() mutable {
      calls_->Drain(std::move(on_idle));
    });
  }

  Status Place(VerificationCall call, std::function<Status(const VerificationOutcome&)> done) {
    if (config_.trunk_host.empty()) {
      return Error::Unavailable("This server has no SIP trunk (--sip-trunk) to call phones.");
    }
    if (!control_thread_.joinable() || stopped_.load() || draining_.load()) {
      return Error::Unavailable("The phone line is not running.");
    }
    std::promise<Status> dialled;
    auto result = dialled.get_future();
    asio::post(control_, [&, call = std::move(call), done = std::move(done)]() mutable {
      dialled.set_value(verifications_->Start(std::move(call), std::move(done)));
    });
    // The control thread runs until Stop(), which waits for what was posted before.
    return result.get();
  }

  TelephonyStats Stats() const { return counters_.Snapshot(); }
  sip::RegistrationStatus TrunkRegistration() const { return sip_.TrunkRegistration(); }
  sip::ShieldStats SipShield() const { return sip_.Shield(); }

  void Stop() {
    if (stopped_.exchange(true)) return;
    // SIP first: it hangs up every leg and reports each end, which closes the calls' logs.
    sip_.Stop();
    RunOnControl([] {});
    media_.Stop();
    speech_pool_.join();
    routing_pool_.join();
    // Recordings the hang-ups stopped are written whole, and their calls' logs closed.
    recording_pool_.join();
    RunOnControl([] {});
    // Calls whose legs all ended are closed by now; anything left is closed as interrupted.
    RunOnControl([this] {
      calls_->CloseAll();
      verifications_->CloseAll();
    });
    work_.reset();
    control_.stop();
    if (control_thread_.joinable()) control_thread_.join();
  }

 private:
  // Runs `work` on the control thread and waits for it (for Stop only).
  void RunOnControl(std::function<void()> work) {
    if (!control_thread_.joinable()) return;
    std::promise<void> done;
    asio::post(control_, [&] {
      work();
      done.set_value();
    });
    done.get_future().wait();
  }

  const EngineConfig config_;
  ServiceCallRouter router_;
  CallEventSink& events_;
  SpeechSynthesizer& speech_;
  const Clock& clock_;
  CallsInProgress& calls_in_progress_;
  VoicemailAudioStore& voicemail_audio_;
  SecureRandom& random_;

  asio::io_context control_;
  asio::executor_work_guard<asio::io_context::executor_type> work_ =
      asio::make_work_guard(control_);
  asio::thread_pool speech_pool_{1};
  asio::thread_pool routing_pool_{2};
  asio::thread_pool recording_pool_{1};  // one thread: a recording's writes stay in order
  AsioControlLoop loop_{control_};
  AsioWorkQueue routing_work_{routing_pool_};
  AsioWorkQueue speech_work_{speech_pool_};
  AsioWorkQueue recording_work_{recording_pool_};
  RtpMedia media_;
  std::optional<AddressAllowList> options_allow_;  // set by Start, read on the SIP thread
  std::optional<AddressAllowList> shield_exempt_;  // set by Start, read on sofia's threads
  SipSignalling sip_;
  std::thread control_thread_;
  std::atomic<bool> stopped_{false};
  std::atomic<bool> draining_{false};
  CallCounters counters_;  // thread-safe: written by calls_, read by Stats()
  // The call state machine; runs on control_thread_ only. Created by Start().
  std::unique_ptr<CallControl> calls_;
  // The verification calls of agent phones (decision 0069); control_thread_ only. By Start().
  std::unique_ptr<VerificationCalls> verifications_;
};

TelephonyEngine::TelephonyEngine(EngineConfig config, CallRoutingService& routing,
                                 CallEventSink& events, SpeechSynthesizer& speech,
                                 const Clock& clock, CallsInProgress& calls_in_progress,
                                 VoicemailAudioStore& voicemail_audio, SecureRandom& random)
    : impl_(std::make_unique<Impl>(std::move(config), routing, events, speech, clock,
                                   calls_in_progress, voicemail_audio, random)) {}

TelephonyEngine::~TelephonyEngine() = default;

TelephonyStats TelephonyEngine::Stats() const { return impl_->Stats(); }

sip::RegistrationStatus TelephonyEngine::TrunkRegistration() const {
  return impl_->TrunkRegistration();
}

sip::ShieldStats TelephonyEngine::SipShield() const { return impl_->SipShield(); }

Result<std::uint16_t> TelephonyEngine::Start() { return impl_->Start(); }

void TelephonyEngine::Drain(std::function<void()> on_idle) { impl_->Drain(std::move(on_idle)); }

void TelephonyEngine::Stop() { impl_->Stop(); }

Status TelephonyEngine::Place(VerificationCall call,
                              std::function<Status(const VerificationOutcome&)> done) {
  return impl_->Place(std::move(call), std::move(done));
}

}  // namespace fr::telephony

