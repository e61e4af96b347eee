#include "adapters/telephony/sip/sdp.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <strings.h>

#include <memory>

#include "adapters/telephony/sip/sofia_headers.hpp"

namespace fr::sip {
namespace {

// A sofia memory home for one call: everything the parser/printer allocates dies with it.
struct HomeDeleter {
  void operator()(su_home_t* home) const { su_home_unref(home); }
};
using HomePtr = std::unique_ptr<su_home_t, HomeDeleter>;

HomePtr NewHome() { return HomePtr(static_cast<su_home_t*>(su_home_new(sizeof(su_home_t)))); }

// The first audio stream we can use: RTP/AVP (no SRTP: we cannot do it) and not disabled.
const sdp_media_t* FindAudio(const sdp_session_t* session) {
  for (const sdp_media_t* m = session->sdp_media; m != nullptr; m = m->m_next) {
    if (m->m_type == sdp_media_audio && m->m_proto == sdp_proto_rtp && m->m_port != 0 &&
        !m->m_rejected) {
      return m;
    }
  }
  return nullptr;
}

const char* ConnectionAddress(const sdp_session_t* session, const sdp_media_t* m) {
  const sdp_connection_t* c = m->m_connections ? m->m_connections : session->sdp_connection;
  if (c == nullptr || c->c_address == nullptr || *c->c_address == '\0') return nullptr;
  return c->c_address;
}

}  // namespace

namespace {

// True for an address we must never send RTP to on a stranger's word: unspecified (0.0.0.0
// would reach this host's own services), multicast, or broadcast.
bool IsUnsafeMediaAddress(const char* address) {
  in_addr v4{};
  if (inet_pton(AF_INET, address, &v4) == 1) {
    const std::uint32_t host = ntohl(v4.s_addr);
    return host == 0 || (host >> 28) == 0xE || host == 0xFFFFFFFF;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, address, &v6) == 1) {
    return IN6_IS_ADDR_UNSPECIFIED(&v6) || IN6_IS_ADDR_MULTICAST(&v6);
  }
  return false;  // a name: the media engine refuses it
}

}  // namespace

Result<MediaOffer> ParseAudioOffer(std::string_view sdp) {
  if (sdp.empty()) return Error::InvalidArgument("no SDP (late offer is not supported)");
  HomePtr home = NewHome();
  if (!home) return Error::Internal("out of memory");
  // sdp_parse copies the text, so a string_view without a terminating NUL is fine.
  sdp_parser_t* parser = sdp_parse(home.get(), sdp.data(), static_cast<isize_t>(sdp.size()), 0);
  const sdp_session_t* session = sdp_session(parser);
  if (session == nullptr) {
    const char* why = sdp_parsing_error(parser);
    std::string detail = std::string("malformed SDP: ") + (why ? why : "unknown error");
    sdp_parser_free(parser);
    return Error::InvalidArgument(std::move(detail));
  }
  const sdp_media_t* audio = FindAudio(session);
  const char* address = audio ? ConnectionAddress(session, audio) : nullptr;
  // Ports below 1024 are system services, never RTP: a forged offer must not aim our audio there.
  if (audio == nullptr || address == nullptr || audio->m_port > 65535 || audio->m_port < 1024 ||
      IsUnsafeMediaAddress(address)) {
    sdp_parser_free(parser);
    return Error::InvalidArgument(audio == nullptr ? "no active RTP/AVP audio stream in SDP"
                                                   : "no usable connection address or port");
  }
  MediaOffer offer;
  offer.address = address;
  offer.port = static_cast<std::uint16_t>(audio->m_port);
  // The parser keeps the rtpmaps in m= line order, with well-known ones filled in.
  for (const sdp_rtpmap_t* rm = audio->m_rtpmaps; rm != nullptr; rm = rm->rm_next) {
    if (rm->rm_any) continue;
    offer.payload_types.push_back(static_cast<int>(rm->rm_pt));
    if (offer.telephone_event_pt < 0 && rm->rm_encoding != nullptr &&
        strcasecmp(rm->rm_encoding, "telephone-event") == 0 && rm->rm_rate == 8000) {
      offer.telephone_event_pt = static_cast<int>(rm->rm_pt);
    }
  }
  sdp_parser_free(parser);
  if (offer.payload_types.empty()) return Error::InvalidArgument("audio stream has no formats");
  return offer;
}

std::string BuildAudioSdp(std::string_view address, std::uint16_t port, int payload_type,
                          int telephone_event_pt, std::uint64_t session_id) {
  // sofia's structures take mutable C strings; these locals outlive the print.
  std::string addr(address);
  std::string dash = "-";
  std::string codec = payload_type == kPayloadPcma ? "PCMA" : "PCMU";
  std::string te_name = "telephone-event";
  std::string te_fmtp = "0-16";
  std::string ptime_name = "ptime";
  std::string ptime_value = "20";

  sdp_connection_t connection{};
  connection.c_size = sizeof connection;
  connection.c_nettype = sdp_net_in;
  connection.c_addrtype = addr.find(':') == std::string::npos ? sdp_addr_ip4 : sdp_addr_ip6;
  connection.c_address = addr.data();

  sdp_origin_t origin{};
  origin.o_size = sizeof origin;
  origin.o_username = dash.data();
  origin.o_id = session_id;
  origin.o_version = 1;
  origin.o_address = &connection;

  sdp_time_t time{};
  time.t_size = sizeof time;

  sdp_rtpmap_t telephone_event{};
  telephone_event.rm_size = sizeof telephone_event;
  telephone_event.rm_encoding = te_name.data();
  telephone_event.rm_rate = 8000;
  telephone_event.rm_fmtp = te_fmtp.data();
  telephone_event.rm_pt = static_cast<unsigned>(telephone_event_pt) & 0x7f;

  sdp_rtpmap_t audio_codec{};
  audio_codec.rm_size = sizeof audio_codec;
  audio_codec.rm_encoding = codec.data();
  audio_codec.rm_rate = 8000;
  audio_codec.rm_predef = 1;
  audio_codec.rm_pt = payload_type == kPayloadPcma ? kPayloadPcma : kPayloadPcmu;
  const bool with_events = telephone_event_pt >= 96 && telephone_event_pt <= 127;
  audio_codec.rm_next = with_events ? &telephone_event : nullptr;

  sdp_attribute_t ptime{};
  ptime.a_size = sizeof ptime;
  ptime.a_name = ptime_name.data();
  ptime.a_value = ptime_value.data();

  sdp_session_t session{};
  sdp_media_t media{};
  media.m_size = sizeof media;
  media.m_session = &session;
  media.m_type = sdp_media_audio;
  media.m_port = port;
  media.m_proto = sdp_proto_rtp;
  media.m_rtpmaps = &audio_codec;
  media.m_attributes = &ptime;
  media.m_mode = sdp_sendrecv;

  session.sdp_size = sizeof session;
  session.sdp_origin = &origin;
  session.sdp_subject = dash.data();
  session.sdp_connection = &connection;
  session.sdp_time = &time;
  session.sdp_media = &media;

  HomePtr home = NewHome();
  // Well-known rtpmaps are printed too: some phones want a=rtpmap even for PCMU.
  sdp_printer_t* printer =
      sdp_print(home.get(), &session, nullptr, 0, sdp_f_all_rtpmaps | sdp_f_mode_always);
  std::string text;
  if (sdp_message(printer) != nullptr) text = sdp_message(printer);
  sdp_printer_free(printer);
  return text;
}

int ChooseCodec(const MediaOffer& offer) {
  for (int pt : offer.payload_types) {
    if (pt == kPayloadPcmu || pt == kPayloadPcma) return pt;
  }
  return -1;
}

}  // namespace fr::sip
