#include "adapters/telephony/sip/sip_invite_info.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <strings.h>

#include <array>

namespace fr::sip {
namespace {

// URL parts may carry %-escapes ("%2B49…"); numbers are compared unescaped.
std::string Unescaped(const char* text) {
  if (text == nullptr) return {};
  std::string out(text);
  out.resize(url_unescape_to(out.data(), text, out.size()));
  return out;
}

// sofia merges all Privacy headers into one value list.
bool PrivacyWithholdsIdentity(const sip_privacy_t* privacy) {
  if (privacy == nullptr || privacy->priv_values == nullptr) return false;
  for (const msg_param_t* value = privacy->priv_values; *value != nullptr; ++value) {
    if (strcasecmp(*value, "id") == 0 || strcasecmp(*value, "user") == 0 ||
        strcasecmp(*value, "header") == 0) {
      return true;
    }
  }
  return false;
}

// A Privacy header sofia could not parse lands among the erroneous headers. Its sender meant
// to say something about privacy: withholding the number is the safe reading.
bool HasUnreadablePrivacy(const sip_t* sip) {
  for (const sip_error_t* error = sip->sip_error; error != nullptr; error = error->er_next) {
    if (error->er_name != nullptr && strcasecmp(error->er_name, "Privacy") == 0) return true;
  }
  return false;
}

void SetSource(msg_t* request, IncomingCall& call) {
  if (request == nullptr) return;
  const su_addrinfo_t* ai = msg_addrinfo(request);
  if (ai == nullptr || ai->ai_addr == nullptr) return;
  const auto* su = reinterpret_cast<const su_sockaddr_t*>(ai->ai_addr);
  std::array<char, INET6_ADDRSTRLEN> text{};
  if (su->su_family == AF_INET) {
    if (inet_ntop(AF_INET, &su->su_sin.sin_addr, text.data(), text.size()) == nullptr) return;
    call.source_port = ntohs(su->su_sin.sin_port);
  } else if (su->su_family == AF_INET6) {
    if (inet_ntop(AF_INET6, &su->su_sin6.sin6_addr, text.data(), text.size()) == nullptr) return;
    call.source_port = ntohs(su->su_sin6.sin6_port);
  } else {
    return;
  }
  call.source_ip = text.data();
}

}  // namespace

std::string SourceAddress(msg_t* request) {
  IncomingCall described;
  SetSource(request, described);
  return described.source_ip;
}

IncomingCall DescribeInvite(LegId leg, msg_t* request, const sip_t* sip) {
  IncomingCall call;
  call.leg = leg;
  SetSource(request, call);
  if (sip == nullptr) {
    call.caller_withheld = true;
    return call;
  }
  if (sip->sip_request != nullptr) {  // rq_url and a_url are arrays, never null
    call.dialed_user = Unescaped(sip->sip_request->rq_url->url_user);
  }
  const url_t* from = sip->sip_from != nullptr ? sip->sip_from->a_url : nullptr;
  std::string from_user = from != nullptr ? Unescaped(from->url_user) : std::string();
  const bool anonymous_host = from != nullptr && from->url_host != nullptr &&
                              strcasecmp(from->url_host, "anonymous.invalid") == 0;
  call.caller_withheld = from_user.empty() || strcasecmp(from_user.c_str(), "anonymous") == 0 ||
                         anonymous_host || PrivacyWithholdsIdentity(sip->sip_privacy) ||
                         HasUnreadablePrivacy(sip);
  if (!call.caller_withheld) call.caller_user = std::move(from_user);
  call.remote_sdp = RemoteSdp(sip);
  return call;
}

std::string RemoteSdp(const sip_t* sip) {
  if (sip == nullptr || sip->sip_payload == nullptr || sip->sip_payload->pl_data == nullptr ||
      sip->sip_payload->pl_len == 0) {
    return {};
  }
  const sip_content_type_t* type = sip->sip_content_type;
  if (type != nullptr &&
      (type->c_type == nullptr || strcasecmp(type->c_type, "application/sdp") != 0)) {
    return {};
  }
  return std::string(sip->sip_payload->pl_data, sip->sip_payload->pl_len);
}

}  // namespace fr::sip
