#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace fr::sip {

inline constexpr int kPayloadPcmu = 0;
inline constexpr int kPayloadPcma = 8;

// The audio stream of a remote SDP offer or answer: where to send RTP and what the far end takes.
struct MediaOffer {
  std::string address;  // the media (or session) c= address, IPv4 or IPv6 text
  std::uint16_t port = 0;
  std::vector<int> payload_types;  // in offer order (the far end's preference)
  int telephone_event_pt = -1;     // RFC 4733 telephone-event/8000 payload type, -1 if absent
  // Where the far end takes RTCP when its a=rtcp attribute (RFC 3605) says so (1024-65535);
  // 0 without one (RTCP goes to port + 1). An address in the attribute is not used.
  std::uint16_t rtcp_port = 0;
};

// Finds the first active RTP/AVP audio stream of an SDP (parsed by sofia's SDP parser).
// Errors (kInvalidArgument): empty or unparsable SDP, no audio stream on RTP/AVP with a port
// other than 0, no c= address for it. Pure function, thread-safe.
[[nodiscard]] Result<MediaOffer> ParseAudioOffer(std::string_view sdp);

// Prints our audio SDP (through sofia's SDP printer): one RTP/AVP audio stream at address:port
// with payload_type (PCMU 0 or PCMA 8), telephone-event/8000 0-16 on telephone_event_pt if it is
// 96..127, ptime 20, sendrecv. session_id goes into o= (RFC 4566: unique per session). Pure.
std::string BuildAudioSdp(std::string_view address, std::uint16_t port, int payload_type,
                          int telephone_event_pt, std::uint64_t session_id);

// Our SDP answer to `offer_sdp` (RFC 3264 §6): every m-line of the offer, in its order; the
// first active RTP/AVP audio stream (the one ParseAudioOffer reads) answered with our audio as
// BuildAudioSdp prints it, every other stream rejected with port 0, its formats and their
// rtpmaps kept (a format the offer did not name left out), its other attributes dropped. The
// direction mirrors the offer's: sendonly → recvonly, recvonly → sendonly, inactive → inactive.
// Errors: those of ParseAudioOffer. Pure.
[[nodiscard]] Result<std::string> BuildAudioAnswer(std::string_view offer_sdp,
                                                   std::string_view address, std::uint16_t port,
                                                   int payload_type, int telephone_event_pt,
                                                   std::uint64_t session_id);

// The codec we use for an offer: the first of PCMU/PCMA in the far end's order, -1 if it has
// neither (answer 488 Not Acceptable Here).
int ChooseCodec(const MediaOffer& offer);

}  // namespace fr::sip
