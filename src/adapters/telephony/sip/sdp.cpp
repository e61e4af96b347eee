#include "adapters/telephony/sip/sdp.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <strings.h>

#include <algorithm>
#include <cstring>
#include <deque>
#include <memory>
#include <string_view>
#include <vector>

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

// The port of an "a=rtcp:PORT [IN IP4 ADDRESS]" attribute (RFC 3605); 0 when there is none
// or it is not a port RTP could use.
std::uint16_t RtcpPort(const sdp_media_t* m) {
  const sdp_attribute_t* rtcp = sdp_attribute_find(m->m_attributes, "rtcp");
  if (rtcp == nullptr || rtcp->a_value == nullptr) return 0;
  unsigned long port = 0;
  const char* digit = rtcp->a_value;
  for (; *digit >= '0' && *digit <= '9' && port <= 65535; ++digit) port = port * 10 + (*digit - '0');
  const bool ends = *digit == '\0' || *digit == ' ';
  return ends && port >= 1024 && port <= 65535 ? static_cast<std::uint16_t>(port) : 0;
}

const char* ConnectionAddress(const sdp_session_t* session, const sdp_media_t* m) {
  const sdp_connection_t* c = m->m_connections ? m->m_connections : session->sdp_connection;
  if (c == nullptr || c->c_address == nullptr || *c->c_address == '\0') return nullptr;
  return c->c_address;
}

}  // namespace

namespace {

// RFC 4566 token characters (section 9): what SDP names media, protocols and formats with.
bool IsTokenCharacter(char c) {
  const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  return alnum || (c != '\0' && std::strchr("-!#$%&'*+.^_`{|}~", c) != nullptr);
}

bool IsToken(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), IsTokenCharacter);
}

// proto = token *("/" token): "RTP/AVP", "udptl"; a leading '/' would read as a port count.
bool IsProto(std::string_view text) {
  while (true) {
    const auto slash = text.find('/');
    if (!IsToken(text.substr(0, slash))) return false;
    if (slash == std::string_view::npos) return true;
    text.remove_prefix(slash + 1);
  }
}

// One m= line's fields after "m=": media, port[/count], proto, formats (RFC 4566 5.14).
bool IsWellFormedMediaLine(std::string_view fields) {
  std::vector<std::string_view> words;
  while (!fields.empty()) {
    const auto start = fields.find_first_not_of(" \t");
    if (start == std::string_view::npos) break;
    fields.remove_prefix(start);
    const auto end = fields.find_first_of(" \t");
    words.push_back(fields.substr(0, end));
    fields.remove_prefix(end == std::string_view::npos ? fields.size() : end);
  }
  if (words.size() < 4 || !IsToken(words[0]) || !IsProto(words[2])) return false;
  const std::string_view port = words[1];
  const auto slash = port.find('/');
  const auto digits = [](std::string_view text) {
    return !text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos;
  };
  if (!digits(port.substr(0, slash)) ||
      (slash != std::string_view::npos && !digits(port.substr(slash + 1)))) {
    return false;
  }
  return std::all_of(words.begin() + 3, words.end(), IsToken);
}

// True when every m= line follows RFC 4566's grammar, at least one format included. sofia
// 1.12's parser never returns, and allocates without end, on a non-RTP stream whose format does
// not start with a token character ("m=application 9 TCP =x") or whose proto is followed by
// blanks only ("m=application 9 TCP \t"), so SDP from the network is checked before it parses
// it. Lines end at CR or LF and leading blanks are skipped, as sofia reads them.
bool MediaLinesAreWellFormed(std::string_view sdp) {
  while (!sdp.empty()) {
    const auto end = sdp.find_first_of("\r\n");
    std::string_view line = sdp.substr(0, end);
    sdp.remove_prefix(end == std::string_view::npos ? sdp.size() : end + 1);
    const auto start = line.find_first_not_of(" \t");
    if (start == std::string_view::npos) continue;
    line.remove_prefix(start);
    if (line.starts_with("m=") && !IsWellFormedMediaLine(line.substr(2))) return false;
  }
  return true;
}

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
  if (!MediaLinesAreWellFormed(sdp)) return Error::InvalidArgument("malformed SDP: bad m= line");
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
  offer.rtcp_port = RtcpPort(audio);
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

namespace {

// Our session and audio stream, in sofia's structures, ready to print: BuildAudioSdp prints it
// as is, BuildAudioAnswer puts its audio stream where the offer's audio was. Not copyable: the
// structures point into the strings and into each other.
class OurAudio {
 public:
  OurAudio(std::string_view address, std::uint16_t port, int payload_type, int telephone_event_pt,
           std::uint64_t session_id)
      : address_(address), codec_name_(payload_type == kPayloadPcma ? "PCMA" : "PCMU") {
    connection_.c_size = sizeof connection_;
    connection_.c_nettype = sdp_net_in;
    connection_.c_addrtype = address_.find(':') == std::string::npos ? sdp_addr_ip4 : sdp_addr_ip6;
    connection_.c_address = address_.data();

    origin_.o_size = sizeof origin_;
    origin_.o_username = dash_.data();
    origin_.o_id = session_id;
    origin_.o_version = 1;
    origin_.o_address = &connection_;
    time_.t_size = sizeof time_;

    telephone_event_.rm_size = sizeof telephone_event_;
    telephone_event_.rm_encoding = event_name_.data();
    telephone_event_.rm_rate = 8000;
    telephone_event_.rm_fmtp = event_fmtp_.data();
    telephone_event_.rm_pt = static_cast<unsigned>(telephone_event_pt) & 0x7f;
    codec_.rm_size = sizeof codec_;
    codec_.rm_encoding = codec_name_.data();
    codec_.rm_rate = 8000;
    codec_.rm_predef = 1;
    codec_.rm_pt = payload_type == kPayloadPcma ? kPayloadPcma : kPayloadPcmu;
    const bool with_events = telephone_event_pt >= 96 && telephone_event_pt <= 127;
    codec_.rm_next = with_events ? &telephone_event_ : nullptr;

    ptime_.a_size = sizeof ptime_;
    ptime_.a_name = ptime_name_.data();
    ptime_.a_value = ptime_value_.data();

    media_.m_size = sizeof media_;
    media_.m_session = &session_;
    media_.m_type = sdp_media_audio;
    media_.m_port = port;
    media_.m_proto = sdp_proto_rtp;
    media_.m_rtpmaps = &codec_;
    media_.m_attributes = &ptime_;
    media_.m_mode = sdp_sendrecv;

    session_.sdp_size = sizeof session_;
    session_.sdp_origin = &origin_;
    session_.sdp_subject = dash_.data();
    session_.sdp_connection = &connection_;
    session_.sdp_time = &time_;
    session_.sdp_media = &media_;
  }
  OurAudio(const OurAudio&) = delete;
  OurAudio& operator=(const OurAudio&) = delete;

  sdp_session_t& session() { return session_; }
  sdp_media_t& media() { return media_; }

 private:
  // sofia's structures take mutable C strings; these members outlive every print.
  std::string address_;
  std::string dash_ = "-";
  std::string codec_name_;
  std::string event_name_ = "telephone-event";
  std::string event_fmtp_ = "0-16";
  std::string ptime_name_ = "ptime";
  std::string ptime_value_ = "20";
  sdp_connection_t connection_{};
  sdp_origin_t origin_{};
  sdp_time_t time_{};
  sdp_rtpmap_t telephone_event_{};
  sdp_rtpmap_t codec_{};
  sdp_attribute_t ptime_{};
  sdp_media_t media_{};
  sdp_session_t session_{};
};

std::string Print(const sdp_session_t& session) {
  HomePtr home = NewHome();
  // Well-known rtpmaps are printed too: some phones want a=rtpmap even for PCMU.
  sdp_printer_t* printer =
      sdp_print(home.get(), &session, nullptr, 0, sdp_f_all_rtpmaps | sdp_f_mode_always);
  std::string text;
  if (sdp_message(printer) != nullptr) text = sdp_message(printer);
  sdp_printer_free(printer);
  return text;
}

// The direction that answers `offered` (RFC 3264 §6.1).
unsigned AnswerMode(unsigned offered) {
  switch (offered) {
    case sdp_sendonly: return sdp_recvonly;
    case sdp_recvonly: return sdp_sendonly;
    case sdp_inactive: return sdp_inactive;
    default: return sdp_sendrecv;
  }
}

// Turns `answer`, a copy of an offered stream, into its rejection: port 0, its formats and
// their rtpmaps, nothing else. A format the offer listed without naming it (a dynamic payload
// type without a=rtpmap) has no encoding, and sofia would print it as "a=rtpmap:96 /0", which
// no parser takes back; it is left out, as the formats of a rejected stream are ignored anyway
// (RFC 3264 section 6). The kept rtpmaps are copied into `storage`.
void Reject(sdp_media_t& answer, std::deque<sdp_rtpmap_t>& storage) {
  answer.m_port = 0;
  answer.m_rejected = 1;
  answer.m_mode = sdp_inactive;
  answer.m_information = nullptr;
  answer.m_connections = nullptr;
  answer.m_bandwidths = nullptr;
  answer.m_key = nullptr;
  answer.m_attributes = nullptr;
  const sdp_rtpmap_t* offered = answer.m_rtpmaps;
  sdp_rtpmap_t** tail = &answer.m_rtpmaps;
  *tail = nullptr;
  for (const sdp_rtpmap_t* rm = offered; rm != nullptr; rm = rm->rm_next) {
    const bool named = rm->rm_encoding != nullptr && *rm->rm_encoding != '\0' && rm->rm_rate != 0;
    if (!named && !rm->rm_any) continue;
    sdp_rtpmap_t& kept = storage.emplace_back(*rm);
    kept.rm_next = nullptr;
    *tail = &kept;
    tail = &kept.rm_next;
  }
}

}  // namespace

std::string BuildAudioSdp(std::string_view address, std::uint16_t port, int payload_type,
                          int telephone_event_pt, std::uint64_t session_id) {
  OurAudio ours(address, port, payload_type, telephone_event_pt, session_id);
  return Print(ours.session());
}

Result<std::string> BuildAudioAnswer(std::string_view offer_sdp, std::string_view address,
                                     std::uint16_t port, int payload_type, int telephone_event_pt,
                                     std::uint64_t session_id) {
  FR_RETURN_IF_ERROR(ParseAudioOffer(offer_sdp));
  HomePtr home = NewHome();
  if (!home) return Error::Internal("out of memory");
  sdp_parser_t* parser =
      sdp_parse(home.get(), offer_sdp.data(), static_cast<isize_t>(offer_sdp.size()), 0);
  const sdp_session_t* offer = sdp_session(parser);
  const sdp_media_t* offered_audio = offer ? FindAudio(offer) : nullptr;
  if (offered_audio == nullptr) {
    sdp_parser_free(parser);
    return Error::InvalidArgument("no active RTP/AVP audio stream in SDP");
  }
  OurAudio ours(address, port, payload_type, telephone_event_pt, session_id);
  ours.media().m_mode = AnswerMode(offered_audio->m_mode);
  // One answer stream per offered one: ours in the audio's place, the others copied and
  // rejected (port 0, formats kept, attributes and addresses dropped).
  std::vector<sdp_media_t> answers;
  std::size_t audio_index = 0;
  for (const sdp_media_t* m = offer->sdp_media; m != nullptr; m = m->m_next) {
    if (m == offered_audio) audio_index = answers.size();
    answers.push_back(m == offered_audio ? ours.media() : *m);
  }
  std::deque<sdp_rtpmap_t> kept_rtpmaps;  // the rejected streams' rtpmaps point in here
  for (std::size_t i = 0; i < answers.size(); ++i) {
    sdp_media_t& answer = answers[i];
    answer.m_next = i + 1 < answers.size() ? &answers[i + 1] : nullptr;
    answer.m_session = &ours.session();
    if (i != audio_index) Reject(answer, kept_rtpmaps);
  }
  ours.session().sdp_media = answers.data();
  std::string text = Print(ours.session());
  sdp_parser_free(parser);  // the copied streams point into the parser's memory until here
  return text;
}

int ChooseCodec(const MediaOffer& offer) {
  for (int pt : offer.payload_types) {
    if (pt == kPayloadPcmu || pt == kPayloadPcma) return pt;
  }
  return -1;
}

}  // namespace fr::sip
