// SofiaLoop, part three: our binding at the trunk's registrar (decision 0028). The challenge
// policy is the INVITEs' (trunk_challenge.hpp, decision 0021); timing is trunk_registration's.
#include <spdlog/spdlog.h>

#include <cstdlib>

#include "adapters/telephony/sip/digest_auth.hpp"
#include "adapters/telephony/sip/sip_invite_info.hpp"
#include "adapters/telephony/sip/sip_text.hpp"
#include "adapters/telephony/sip/sofia_loop.hpp"

namespace fr::sip {
namespace {

// The seconds the registrar granted our contact: its Contact's expires parameter (the contact
// whose user and port are ours), else the Expires header; `asked` when it says neither.
int GrantedSeconds(const sip_t* sip, const std::string& user, std::uint16_t port, int asked) {
  const std::string port_text = std::to_string(port);
  for (const sip_contact_t* m = sip->sip_contact; m != nullptr; m = m->m_next) {
    const url_t* url = m->m_url;
    if (url->url_user == nullptr || user != url->url_user || m->m_expires == nullptr) continue;
    if (url->url_port != nullptr && port_text != url->url_port) continue;
    return std::atoi(m->m_expires);
  }
  if (sip->sip_expires != nullptr) return static_cast<int>(sip->sip_expires->ex_delta);
  return asked;
}

}  // namespace

std::string SofiaLoop::RegisterContact() const {
  const TrunkTransport transport = config_.trunk.transport;
  const std::uint16_t port = transport == TrunkTransport::kTls ? tls_port_ : *bound_port_;
  return "<sip:" + config_.trunk.credentials->username + "@" + UriHost(config_.listen_host) + ":" +
         std::to_string(port) + TransportParameter(transport) + ">";
}

void SofiaLoop::StartRegistration() {
  if (!config_.trunk.credentials || config_.trunk_host.empty()) return;
  registrar_.call_id = RandomHex(16);
  registrar_.from_tag = RandomHex(8);
  registrar_.expires = config_.trunk.register_expires_seconds;
  registration_.Registering();
  spdlog::info("sip: registering '{}' at the trunk {}:{}", config_.trunk.credentials->username,
               config_.trunk_host, config_.trunk_port);
  if (!SendRegister(registrar_.expires)) RegistrationFailed("cannot create a nua handle");
}

bool SofiaLoop::SendRegister(int expires) {
  const std::string trunk = UriHost(config_.trunk_host);
  const std::string aor = "<sip:" + config_.trunk.credentials->username + "@" + trunk + ">";
  const std::string from = aor + ";tag=" + registrar_.from_tag;
  const std::string registrar = "sip:" + trunk + ":" + std::to_string(config_.trunk_port) +
                                TransportParameter(config_.trunk.transport);
  registrar_.nh = nua_handle(nua_, nullptr, SIPTAG_TO_STR(aor.c_str()),
                             SIPTAG_FROM_STR(from.c_str()), TAG_END());
  if (registrar_.nh == nullptr) return false;
  const std::string cseq = std::to_string(++registrar_.cseq) + " REGISTER";
  const std::string contact = RegisterContact();
  const std::string expires_text = std::to_string(expires);
  const ChallengeState& auth = registrar_.auth;
  // TAG_IF evaluates its value even when the condition is false: only valid pointers here.
  const char* authorization = auth.authorization ? auth.authorization->c_str() : "";
  const char* proxy_authorization =
      auth.proxy_authorization ? auth.proxy_authorization->c_str() : "";
  // A plain request, not nua_register(): a registration usage would refresh itself with our
  // stale credentials and send Expires: 0 whenever its handle is destroyed (decision 0028).
  nua_method(registrar_.nh, NUTAG_METHOD("REGISTER"), NUTAG_URL(registrar.c_str()),
             SIPTAG_CALL_ID_STR(registrar_.call_id.c_str()), SIPTAG_CSEQ_STR(cseq.c_str()),
             SIPTAG_CONTACT_STR(contact.c_str()), SIPTAG_EXPIRES_STR(expires_text.c_str()),
             TAG_IF(auth.authorization, SIPTAG_AUTHORIZATION_STR(authorization)),
             TAG_IF(auth.proxy_authorization, SIPTAG_PROXY_AUTHORIZATION_STR(proxy_authorization)),
             TAG_END());
  return true;
}

void SofiaLoop::DropRegisterHandle() {
  if (registrar_.nh == nullptr) return;
  nua_handle_destroy(registrar_.nh);
  registrar_.nh = nullptr;
}

void SofiaLoop::OnRegisterResponse(int status, const char* phrase, const sip_t* sip) {
  if (status < 200) return;
  const bool from_peer = IsFromPeer(sip);
  const std::string source = SourceAddress(nua_current_request(nua_));
  // Each REGISTER's handle ends at its final response.
  DropRegisterHandle();
  const bool unregistering = registrar_.unregistering;
  const int expires = unregistering ? 0 : registrar_.expires;
  if ((status == 401 || status == 407) && from_peer) {
    const std::string uri = "sip:" + UriHost(config_.trunk_host) + ":" +
                            std::to_string(config_.trunk_port) +
                            TransportParameter(config_.trunk.transport);
    const std::string cnonce = RandomHex(16);
    const std::optional<std::string> refusal =
        AnswerChallenge(account_, registrar_.auth, {status, ChallengeValues(status, sip), source},
                        {"REGISTER", uri, cnonce});
    if (!refusal && SendRegister(expires)) return;
    if (!unregistering) {
      RegistrationFailed(refusal.value_or("cannot create a nua handle"));
      return;
    }
  } else if (status == 423 && from_peer && !unregistering && sip->sip_min_expires != nullptr &&
             static_cast<int>(sip->sip_min_expires->me_delta) > registrar_.expires) {
    // Interval Too Brief: ask again for what the registrar wants at least.
    registrar_.expires = static_cast<int>(sip->sip_min_expires->me_delta);
    if (SendRegister(registrar_.expires)) return;
  } else if (status < 300 && !unregistering) {
    OnRegistered(sip);
    return;
  }
  if (unregistering) {
    registrar_.bound = false;
    spdlog::info("sip: un-registered at the trunk: {} {}", status, phrase);
    ShutdownIfSettled();
    return;
  }
  RegistrationFailed(std::to_string(status) + " " + SafeReasonPhrase(phrase, "no reason"));
}

void SofiaLoop::OnRegistered(const sip_t* sip) {
  const TrunkTransport transport = config_.trunk.transport;
  const std::uint16_t port = transport == TrunkTransport::kTls ? tls_port_ : *bound_port_;
  const int granted =
      GrantedSeconds(sip, config_.trunk.credentials->username, port, registrar_.expires);
  if (granted <= 0) {
    RegistrationFailed("the registrar answered 2xx but kept no binding for our contact");
    return;
  }
  registrar_.bound = true;
  registrar_.auth = ChallengeState{};
  register_backoff_.Reset();
  registration_.Registered();
  const auto refresh = RefreshDelay(std::chrono::seconds(granted));
  spdlog::info("sip: registered at the trunk for {} s; refreshing in {} ms", granted,
               refresh.count());
  ScheduleRegister(refresh);
}

void SofiaLoop::RegistrationFailed(std::string reason) {
  registrar_.auth = ChallengeState{};
  const auto retry = register_backoff_.NextDelay();
  spdlog::warn("sip: registration at the trunk failed: {}; retrying in {} ms", reason,
               retry.count());
  registration_.Failed(std::move(reason));
  ScheduleRegister(retry);
}

void SofiaLoop::ScheduleRegister(std::chrono::milliseconds delay) {
  if (shutting_down_) return;
  if (registrar_.timer == nullptr) registrar_.timer = su_timer_create(su_root_task(root_), 0);
  if (registrar_.timer == nullptr ||
      su_timer_set_interval(registrar_.timer, OnRegisterTimer, this,
                            static_cast<su_duration_t>(delay.count())) < 0) {
    spdlog::error("sip: cannot schedule the next REGISTER; the registration will lapse");
  }
}

void SofiaLoop::OnRegisterTimer(SofiaLoop* self, su_timer_t*, SofiaLoop*) {
  if (self->shutting_down_ || self->registrar_.nh != nullptr) return;
  if (!self->SendRegister(self->registrar_.expires)) {
    self->RegistrationFailed("cannot create a nua handle");
  }
}

bool SofiaLoop::Unregister() {
  if (registrar_.timer != nullptr) su_timer_reset(registrar_.timer);
  const bool in_flight = registrar_.nh != nullptr;
  DropRegisterHandle();  // a REGISTER in flight: its binding goes with the un-REGISTER
  if (!registrar_.bound && !in_flight) return false;
  registrar_.unregistering = true;
  registrar_.auth = ChallengeState{};
  spdlog::info("sip: removing our registration at the trunk");
  return SendRegister(0);
}

void SofiaLoop::ShutdownIfSettled() {
  if (!shutting_down_) return;
  // During shutdown the only REGISTER in flight is the un-REGISTER.
  if (legs_.empty() && registrar_.nh == nullptr) StartNuaShutdown();
}

}  // namespace fr::sip
