// The engine's threads and wiring. The call state machine is CallControl (call_control*.cpp);
// this file only owns the threads it runs on and the SIP and media adapters it drives.
#include "adapters/telephony/engine/telephony_engine.hpp"

#include <asio.hpp>
#include <atomic>
#include <functional>
#include <optional>
#include <future>
#include <thread>

#include "adapters/telephony/engine/address_allow_list.hpp"
#include "adapters/telephony/engine/asio_control_loop.hpp"
#include "adapters/telephony/engine/call_control.hpp"
#include "adapters/telephony/engine/call_router.hpp"
#include "adapters/telephony/engine/rtp_media.hpp"
#include "adapters/telephony/engine/sip_signalling.hpp"

namespace fr::telephony {
namespace {

sip::SipConfig SipConfigOf(const EngineConfig& config,
                           std::function<bool(std::string_view)> answers_options_from) {
  sip::SipConfig sip;
  sip.answers_options_from = std::move(answers_options_from);
  sip.listen_host = config.sip_listen_host;
  sip.listen_port = config.sip_listen_port;
  sip.trunk_host = config.trunk_host;
  sip.trunk_port = config.trunk_port;
  sip.trunk = config.trunk_options;
  sip.inbound_number_from = config.inbound_number_from;
  return sip;
}

// The configured allow list, or the trunk's addresses and loopback when none is configured.
Result<AddressAllowList> BuildAllowList(const EngineConfig& config) {
  std::vector<std::string> blocks = config.trunk_allow;
  if (blocks.empty()) {
    blocks = {"127.0.0.0/8", "::1"};
    if (!config.trunk_host.empty()) {
      asio::io_context resolver_context;
      asio::ip::udp::resolver resolver(resolver_context);
      asio::error_code error;
      const auto results = resolver.resolve(config.trunk_host, "", error);
      if (error) {
        return Error::Unavailable("The SIP trunk '" + config.trunk_host +
                                  "' does not resolve: " + error.message());
      }
      for (const auto& entry : results) blocks.push_back(entry.endpoint().address().to_string());
    }
  }
  return AddressAllowList::Parse(blocks);
}

}  // namespace

class TelephonyEngine::Impl {
 public:
  Impl(EngineConfig config, CallRoutingService& routing, CallEventSink& events,
       SpeechSynthesizer& speech, const Clock& clock)
      : config_(std::move(config)),
        router_(routing),
        events_(events),
        speech_(speech),
        clock_(clock),
        media_(config_.media),
        // OPTIONS are answered to the sources that may call in; the list exists before the SIP
        // thread starts (Start), and outlives it.
        sip_(SipConfigOf(config_,
                         [this](std::string_view source) {
                           return options_allow_.has_value() && options_allow_->Allows(source);
                         }),
             [this](sip::SipEvent event) {
          // calls_ exists before the SIP endpoint starts, so before any event arrives.
          asio::post(control_, [this, event = std::move(event)] { calls_->On(event); });
        }) {}

  ~Impl() { Stop(); }

  Result<std::uint16_t> Start() {
    FR_ASSIGN_OR_RETURN(AddressAllowList allow, BuildAllowList(config_));
    FR_RETURN_IF_ERROR(media_.Start());  // fails when already started: calls_ stays as it is
    options_allow_ = allow;  // before the SIP thread starts, which reads it
    calls_ = std::make_unique<CallControl>(
        CallControlConfig{config_.ring_timeout, config_.max_call_duration, config_.tts_voice,
                          config_.missed_message, std::move(allow), config_.confirm_timeout},
        CallControlPorts{sip_, media_, router_, speech_, events_, clock_, presence_, loop_,
                         routing_work_, speech_work_},
        counters_);
    control_thread_ = std::thread([this] { control_.run(); });
    auto port = sip_.Start();
    if (!port.ok()) {
      Stop();
      return port.error();
    }
    return *port;
  }

  TelephonyStats Stats() const { return counters_.Snapshot(); }
  sip::RegistrationStatus TrunkRegistration() const { return sip_.TrunkRegistration(); }

  void Stop() {
    if (stopped_.exchange(true)) return;
    // SIP first: it hangs up every leg and reports each end, which closes the calls' logs.
    sip_.Stop();
    RunOnControl([] {});
    media_.Stop();
    speech_pool_.join();
    routing_pool_.join();
    // Calls whose legs all ended are closed by now; anything left is closed as interrupted.
    RunOnControl([this] { calls_->CloseAll(); });
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

  asio::io_context control_;
  asio::executor_work_guard<asio::io_context::executor_type> work_ =
      asio::make_work_guard(control_);
  asio::thread_pool speech_pool_{1};
  asio::thread_pool routing_pool_{2};
  AsioControlLoop loop_{control_};
  AsioWorkQueue routing_work_{routing_pool_};
  AsioWorkQueue speech_work_{speech_pool_};
  RtpMedia media_;
  InProcessAgentPresence presence_;
  std::optional<AddressAllowList> options_allow_;  // set by Start, read on the SIP thread
  SipSignalling sip_;
  std::thread control_thread_;
  std::atomic<bool> stopped_{false};
  CallCounters counters_;  // thread-safe: written by calls_, read by Stats()
  // The call state machine; runs on control_thread_ only. Created by Start().
  std::unique_ptr<CallControl> calls_;
};

TelephonyEngine::TelephonyEngine(EngineConfig config, CallRoutingService& routing,
                                 CallEventSink& events, SpeechSynthesizer& speech,
                                 const Clock& clock)
    : impl_(std::make_unique<Impl>(std::move(config), routing, events, speech, clock)) {}

TelephonyEngine::~TelephonyEngine() = default;

TelephonyStats TelephonyEngine::Stats() const { return impl_->Stats(); }

sip::RegistrationStatus TelephonyEngine::TrunkRegistration() const {
  return impl_->TrunkRegistration();
}

Result<std::uint16_t> TelephonyEngine::Start() { return impl_->Start(); }

void TelephonyEngine::Stop() { impl_->Stop(); }

}  // namespace fr::telephony

