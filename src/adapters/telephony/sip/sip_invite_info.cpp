#include "adapters/telephony/sip/sip_invite_info.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <strings.h>

#include <array>

#include "adapters/telephony/sip/sip_text.hpp"

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
// The same list holds the extra copies of headers that may appear once (a second Max-Forwards
// or CSeq), in their own classes: only a header of the error class has an er_name.
bool HasUnreadablePrivacy(const sip_t* sip) {
  for (const sip_error_t* error = sip->sip_error; error != nullptr; error = error->er_next) {
    if (error->er_common->h_class != sip_error_class) continue;
    if (error->er_name != nullptr && strcasecmp(error->er_name, "Privacy") == 0) return true;
  }
  return false;
}

// P-Called-Party-ID (RFC 3455) has no parser in sofia: its value is among the unknown headers,
// a name-addr ("<sip:+49…@host>", "<tel:+49…>") or a bare URI.
std::string CalledPartyUser(const sip_t* sip) {
  for (const sip_unknown_t* header = sip->sip_unknown; header != nullptr;
       header = header->un_next) {
    if (header->un_name != nullptr && header->un_value != nullptr &&
        strcasecmp(header->un_name, "P-Called-Party-ID") == 0) {
      return Unescaped(UserOfAddress(header->un_value).c_str());
    }
  }
  return {};
}

std::string DialedUser(const sip_t* sip, InboundNumberSource number_from) {
  switch (number_from) {
    case InboundNumberSource::kTo:
      return sip->sip_to != nullptr ? Unescaped(sip->sip_to->a_url->url_user) : std::string();
    case InboundNumberSource::kPCalledPartyId:
      return CalledPartyUser(sip);
    case InboundNumberSource::kRequestUri:
      break;
  }
  // rq_url and a_url are arrays, never null.
  return sip->sip_request != nullptr ? Unescaped(sip->sip_request->rq_url->url_user)
                                     : std::string();
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

IncomingCall DescribeInvite(LegId leg, msg_t* request, const sip_t* sip,
                            InboundNumberSource number_from) {
  IncomingCall call;
  call.leg = leg;
  SetSource(request, call);
  if (sip == nullptr) {
    call.caller_withheld = true;
    return call;
  }
  call.dialed_user = DialedUser(sip, number_from);
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

// nta marks the responses it makes up itself with NTA_INTERNAL_MSG in sip_flags; the constant
// lives in nta_internal.h, which Debian does not install (1 << 15 in every 1.12 release).
constexpr int kNtaInternalMessage = 1 << 15;

bool IsFromPeer(const sip_t* sip) {
  return sip != nullptr && (sip->sip_flags & kNtaInternalMessage) == 0;
}

std::vector<std::string> ChallengeValues(int status, const sip_t* sip) {
  std::vector<std::string> values;
  const msg_auth_t* auth = status == 407 ? sip->sip_proxy_authenticate : sip->sip_www_authenticate;
  for (; auth != nullptr; auth = auth->au_next) {
    std::string value = auth->au_scheme != nullptr ? auth->au_scheme : "";
    const char* separator = " ";
    for (const msg_param_t* param = auth->au_params; param != nullptr && *param != nullptr;
         ++param) {
      value += separator;
      value += *param;
      separator = ", ";
    }
    values.push_back(std::move(value));
  }
  return values;
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
