// SofiaLoop, part two: calls to agents through the trunk, and answering the trunk's digest
// challenges (decision 0021).
#include <arpa/inet.h>
#include <netdb.h>
#include <spdlog/spdlog.h>

#include <array>

#include "adapters/telephony/sip/digest_auth.hpp"
#include "adapters/telephony/sip/sip_invite_info.hpp"
#include "adapters/telephony/sip/sip_text.hpp"
#include "adapters/telephony/sip/sofia_loop.hpp"

namespace fr::sip {
namespace {

const char* kSdpType = "application/sdp";

std::string FromHost(const SipConfig& config) {
  std::string host = config.from_host.empty() ? config.listen_host : config.from_host;
  if (host == "0.0.0.0" || host == "::") host = config.trunk_host;
  return UriHost(host);
}

}  // namespace

std::string TransportParameter(TrunkTransport transport) {
  switch (transport) {
    case TrunkTransport::kTcp:
      return ";transport=tcp";
    case TrunkTransport::kTls:
      return ";transport=tls";
    case TrunkTransport::kUdp:
      break;
  }
  return "";
}

Status SofiaLoop::ResolveTrunkAccount() {
  if (!config_.trunk.credentials || config_.trunk_host.empty()) return Ok();
  addrinfo hints{};
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(config_.trunk_host.c_str(), nullptr, &hints, &found) != 0) {
    return Error::Unavailable("the SIP trunk '" + config_.trunk_host + "' does not resolve");
  }
  TrunkAccount account{config_.trunk.credentials->username,
                       config_.trunk.credentials->password,
                       config_.trunk.credentials->realm,
                       {}};
  for (const addrinfo* entry = found; entry != nullptr; entry = entry->ai_next) {
    std::array<char, INET6_ADDRSTRLEN> text{};
    const void* address =
        entry->ai_family == AF_INET
            ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(entry->ai_addr)->sin_addr)
            : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(entry->ai_addr)->sin6_addr);
    if (inet_ntop(entry->ai_family, address, text.data(), text.size()) != nullptr) {
      account.trunk_addresses.emplace_back(text.data());
    }
  }
  freeaddrinfo(found);
  account_ = std::move(account);
  return Ok();
}

void SofiaLoop::Dial(LegId id, const OutgoingCall& call) {
  auto owned = std::make_unique<Leg>();
  Leg& leg = *owned;
  leg.id = id;
  leg.reported = true;
  leg.local_sdp = call.local_sdp;
  if (shutting_down_) {
    SetCause(leg, EndCause::kStopped, 0, "endpoint stopping");
    Finish(leg);
    return;
  }
  leg.call = call;
  leg.request_uri = "sip:" + call.to_user + "@" + UriHost(config_.trunk_host) + ":" +
                    std::to_string(config_.trunk_port) +
                    TransportParameter(config_.trunk.transport);
  if (!SendInvite(leg, nullptr)) {
    SetCause(leg, EndCause::kError, 0, "cannot create a nua handle");
    Finish(leg);
    return;
  }
  CountInProgress(leg);
  legs_.emplace(id, std::move(owned));
}

bool SofiaLoop::SendInvite(Leg& leg, const sip_t* challenged) {
  const OutgoingCall& call = *leg.call;
  const std::string host = FromHost(config_);
  const std::string trunk = UriHost(config_.trunk_host) + ":" + std::to_string(config_.trunk_port);
  const std::string to = "<sip:" + call.to_user + "@" + trunk + ">";
  const std::string display = QuoteDisplayName(call.from_display);
  // A carrier that wants its account in From gets it; the hotline number, which the agent's
  // phone should show, then travels in P-Asserted-Identity.
  const bool account_in_from = !config_.trunk.from_user.empty();
  std::string from = display +
                     " <sip:" + (account_in_from ? config_.trunk.from_user : call.from_user) + "@" +
                     host + ">";
  const std::string asserted = account_in_from ? "P-Asserted-Identity: " + display +
                                                     " <sip:" + call.from_user + "@" + host + ">"
                                               : std::string();
  if (challenged != nullptr && challenged->sip_from != nullptr &&
      challenged->sip_from->a_tag != nullptr) {
    from += ";tag=" + std::string(challenged->sip_from->a_tag);
  }
  leg.nh =
      nua_handle(nua_, &leg, SIPTAG_TO_STR(to.c_str()), SIPTAG_FROM_STR(from.c_str()), TAG_END());
  if (leg.nh == nullptr) return false;
  // TAG_IF evaluates its value even when the condition is false: only valid pointers here.
  const sip_call_id_t* call_id = challenged != nullptr ? challenged->sip_call_id : nullptr;
  const sip_cseq_t* cseq = challenged != nullptr ? challenged->sip_cseq : nullptr;
  const char* authorization = leg.auth.authorization ? leg.auth.authorization->c_str() : "";
  const char* proxy_authorization =
      leg.auth.proxy_authorization ? leg.auth.proxy_authorization->c_str() : "";
  // The challenged INVITE's CSeq: nta sends the next number on a leg created with it.
  nua_invite(
      leg.nh, NUTAG_URL(leg.request_uri.c_str()),
      TAG_IF(call_id != nullptr, SIPTAG_CALL_ID(call_id)),
      TAG_IF(cseq != nullptr, SIPTAG_CSEQ(cseq)),
      TAG_IF(leg.auth.authorization, SIPTAG_AUTHORIZATION_STR(authorization)),
      TAG_IF(leg.auth.proxy_authorization, SIPTAG_PROXY_AUTHORIZATION_STR(proxy_authorization)),
      TAG_IF(account_in_from, SIPTAG_HEADER_STR(asserted.c_str())),
      SIPTAG_CONTENT_TYPE_STR(kSdpType), SIPTAG_PAYLOAD_STR(leg.local_sdp.c_str()), TAG_END());
  return true;
}

bool SofiaLoop::RetryWithCredentials(Leg& leg, int status, const sip_t* sip) {
  if (!leg.call || leg.hangup_requested) return false;
  const std::string cnonce = RandomHex(16);
  const ReceivedChallenge challenge{status, ChallengeValues(status, sip),
                                    SourceAddress(nua_current_request(nua_))};
  const std::optional<std::string> refusal =
      AnswerChallenge(account_, leg.auth, challenge, {"INVITE", leg.request_uri, cnonce});
  if (refusal) {
    spdlog::warn("sip: leg {}: {} {} not answered: {}", leg.id, status,
                 status == 407 ? "Proxy Authentication Required" : "Unauthorized", *refusal);
    SetCause(leg, EndCause::kRejected, status, *refusal);
    return false;
  }
  spdlog::info("sip: leg {}: answering the trunk's {} challenge ({} of this call)", leg.id, status,
               leg.auth.answers);
  // The challenged handle is done (nua would wait on it for credentials of its own making).
  // It goes before the new INVITE is sent, which reuses its Call-ID and From tag; nothing it
  // still reports reaches this leg.
  nua_handle_bind(leg.nh, nullptr);
  nua_handle_destroy(leg.nh);
  leg.nh = nullptr;
  if (!SendInvite(leg, sip)) {
    SetCause(leg, EndCause::kError, status, "cannot create a nua handle");
    return false;
  }
  return true;
}

}  // namespace fr::sip
