// Whole SIP messages as the network delivers them: parsed by sofia's SIP parser (as nta does,
// canonic), then read by our code the way the SIP loop reads them. DescribeInvite takes the
// dialled number (Request-URI, To or P-Called-Party-ID), the caller (From) and the Privacy
// headers; RemoteSdp the body; ChallengeValues, ParseChallenges and BuildCredentials a 401/407;
// DtmfKeyOfInfo an INFO. Properties: a caller is withheld exactly when no number is passed on,
// and our credentials never carry a control character into a header.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "adapters/telephony/sip/digest_auth.hpp"
#include "adapters/telephony/sip/sdp.hpp"
#include "adapters/telephony/sip/sip_invite_info.hpp"
#include "adapters/telephony/sip/sip_text.hpp"
#include "fuzz_check.hpp"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
#include <sofia-sip/msg.h>
#include <sofia-sip/sip_header.h>
#pragma GCC diagnostic pop

namespace {

bool HasControlCharacter(std::string_view text) {
  for (const char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return true;
  }
  return false;
}

void ReadInvite(msg_t* message, const sip_t* sip) {
  for (const auto source :
       {fr::sip::InboundNumberSource::kRequestUri, fr::sip::InboundNumberSource::kTo,
        fr::sip::InboundNumberSource::kPCalledPartyId}) {
    const fr::sip::IncomingCall call = fr::sip::DescribeInvite(1, message, sip, source);
    FR_FUZZ_CHECK(call.leg == 1);
    FR_FUZZ_CHECK(call.caller_withheld == call.caller_user.empty());
    if (!call.remote_sdp.empty()) (void)fr::sip::ParseAudioOffer(call.remote_sdp);
  }
}

void AnswerChallenges(const sip_t* sip) {
  for (const int status : {401, 407}) {
    for (const std::string& value : fr::sip::ChallengeValues(status, sip)) {
      const auto chosen = fr::sip::ChooseChallenge(fr::sip::ParseChallenges(value), "");
      if (!chosen) continue;
      const std::string credentials = fr::sip::BuildCredentials(
          *chosen, {"user", "secret", "INVITE", "sip:+4930123@192.0.2.1", "0a4f113b", 1});
      FR_FUZZ_CHECK(!HasControlCharacter(credentials));
    }
  }
}

void ReadInfo(const sip_t* sip) {
  if (sip->sip_content_type == nullptr || sip->sip_content_type->c_type == nullptr ||
      sip->sip_payload == nullptr || sip->sip_payload->pl_data == nullptr) {
    return;
  }
  const auto key =
      fr::sip::DtmfKeyOfInfo(sip->sip_content_type->c_type,
                             std::string_view(sip->sip_payload->pl_data, sip->sip_payload->pl_len));
  FR_FUZZ_CHECK(!key || (*key != '\0' && std::strchr("0123456789*#ABCD", *key) != nullptr));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  msg_t* message = msg_make(sip_default_mclass(), MSG_DO_CANONIC, data, static_cast<ssize_t>(size));
  if (message == nullptr) return 0;
  if (const sip_t* sip = sip_object(message); sip != nullptr) {
    ReadInvite(message, sip);
    AnswerChallenges(sip);
    ReadInfo(sip);
    (void)fr::sip::IsFromPeer(sip);
    (void)fr::sip::SourceAddress(message);
  }
  msg_destroy(message);
  return 0;
}
