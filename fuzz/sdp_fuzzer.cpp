// SDP from the network: the far end's offer (INVITE, re-INVITE) or answer (200 OK), read by
// ParseAudioOffer, and our answer to an offer, built by BuildAudioAnswer from the offer's own
// streams. Properties: what ParseAudioOffer accepts is a stream we may send to (port >= 1024,
// a format), and every accepted offer gets an answer that reads back as our audio stream.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "adapters/telephony/sip/sdp.hpp"
#include "fuzz_check.hpp"

namespace {

constexpr std::string_view kOurAddress = "192.0.2.10";
constexpr std::uint16_t kOurPort = 20000;
constexpr int kOurEventPayloadType = 101;

void CheckAnswer(std::string_view offer_sdp, const fr::sip::MediaOffer& offer) {
  const int codec = fr::sip::ChooseCodec(offer);
  FR_FUZZ_CHECK(codec == -1 || codec == fr::sip::kPayloadPcmu || codec == fr::sip::kPayloadPcma);
  const int answered_codec = codec < 0 ? fr::sip::kPayloadPcmu : codec;
  const auto answer = fr::sip::BuildAudioAnswer(offer_sdp, kOurAddress, kOurPort, answered_codec,
                                                kOurEventPayloadType, 42);
  FR_FUZZ_CHECK(answer.ok());
  const auto ours = fr::sip::ParseAudioOffer(*answer);
  FR_FUZZ_CHECK(ours.ok());
  FR_FUZZ_CHECK(ours->address == kOurAddress);
  FR_FUZZ_CHECK(ours->port == kOurPort);
  FR_FUZZ_CHECK(!ours->payload_types.empty() && ours->payload_types.front() == answered_codec);
  FR_FUZZ_CHECK(ours->telephone_event_pt == kOurEventPayloadType);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view sdp(reinterpret_cast<const char*>(data), size);
  const auto offer = fr::sip::ParseAudioOffer(sdp);
  if (!offer.ok()) return 0;
  FR_FUZZ_CHECK(offer->port >= 1024);
  FR_FUZZ_CHECK(!offer->address.empty());
  FR_FUZZ_CHECK(!offer->payload_types.empty());
  FR_FUZZ_CHECK(offer->rtcp_port == 0 || offer->rtcp_port >= 1024);
  CheckAnswer(sdp, *offer);
  return 0;
}
