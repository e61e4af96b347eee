#pragma once

#include <cstdint>
#include <string>

#include "adapters/telephony/engine/call_signalling.hpp"
#include "adapters/telephony/sip/sip_endpoint.hpp"

namespace fr::telephony {

// CallSignalling on sofia-sip: owns the SipEndpoint and forwards each command unchanged. An
// adapter rather than SipEndpoint deriving from the port: the SIP library stays unaware of the
// engine (no header of fr_sip includes the engine's), and its contract and suite stay as they
// are. Threading and events as SipEndpoint's: the handler runs on the SIP thread.
class SipSignalling final : public CallSignalling {
 public:
  SipSignalling(sip::SipConfig config, sip::SipEndpoint::EventHandler on_event)
      : endpoint_(std::move(config), std::move(on_event)) {}

  // SipEndpoint::Start and Stop; call from the owner thread.
  [[nodiscard]] Result<std::uint16_t> Start() { return endpoint_.Start(); }
  void Stop() { endpoint_.Stop(); }
  // SipEndpoint::TrunkRegistration; thread-safe.
  sip::RegistrationStatus TrunkRegistration() const { return endpoint_.TrunkRegistration(); }
  // SipEndpoint::Shield; thread-safe.
  sip::ShieldStats Shield() const { return endpoint_.Shield(); }

  void Answer(LegId inbound, std::string local_sdp) override {
    endpoint_.Answer(inbound, std::move(local_sdp));
  }
  void Reject(LegId inbound, int status, std::string reason) override {
    endpoint_.Reject(inbound, status, std::move(reason));
  }
  Result<LegId> Dial(const sip::OutgoingCall& call) override { return endpoint_.Dial(call); }
  void Hangup(LegId leg) override { endpoint_.Hangup(leg); }

 private:
  sip::SipEndpoint endpoint_;
};

}  // namespace fr::telephony
