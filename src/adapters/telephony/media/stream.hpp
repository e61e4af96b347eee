#pragma once

#include <asio.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "adapters/telephony/media/g711.hpp"
#include "adapters/telephony/media/media_types.hpp"
#include "adapters/telephony/media/playback.hpp"
#include "adapters/telephony/media/rtcp_session.hpp"
#include "adapters/telephony/media/rtp_packet.hpp"
#include "adapters/telephony/media/rtp_timeline.hpp"

namespace fr::media {

using SteadyTime = std::chrono::steady_clock::time_point;

// An accepted incoming packet: audio in the stream's codec, or an RFC 4733 event.
struct ReceivedPacket {
  RtpPacketView rtp;
  bool is_event = false;
};

// One RTP stream: its sockets (RTP and RTCP), its remote end, what it plays, its outgoing
// timeline and its RTCP session. `scratch` arguments are a buffer the caller lends for building
// a datagram, so that sending allocates nothing. Not thread-safe: used on the media thread only.
class Stream {
 public:
  // `rtcp` (see RtcpSession) reports on `timeline`'s SSRC.
  Stream(asio::ip::udp::socket socket, asio::ip::udp::socket rtcp_socket, RtpTimeline timeline,
         RtcpSession rtcp);

  asio::ip::udp::socket& socket() { return socket_; }
  asio::ip::udp::socket& rtcp_socket() { return rtcp_socket_; }
  std::uint16_t local_port() const;
  // The counters, with the far end's lost and late packets as RTCP measured them.
  StreamStats stats() const;
  Codec codec() const { return codec_; }
  StreamId peer() const { return peer_; }
  void set_peer(StreamId peer);

  // Sends to `remote` from now on and accepts RTP from its address only. The first packet
  // from that address latches its source port: later packets from other ports are dropped and
  // replies go to the latched port (symmetric RTP, RFC 4961), which gets through NATs.
  void SetRemote(const asio::ip::udp::endpoint& remote, Codec codec, int telephone_event_pt,
                 SteadyTime now);

  // Sends our RTCP to `port` at the remote's address, as its SDP asked (a=rtcp, RFC 3605),
  // instead of the RTP port + 1. SetRemote forgets it. Ignored before SetRemote.
  void SetRemoteRtcpPort(std::uint16_t port);

  // Replaces the current playback (or the relayed audio) by `playback`.
  void Play(Playback playback);
  void StopPlayback();

  // Sends the playback's frame for `tick`. Returns the playback's completion callback when it
  // has just finished (the caller invokes it), otherwise an empty function.
  std::function<void()> SendPlaybackFrame(std::uint64_t tick, std::span<std::uint8_t> scratch);

  // Checks and parses a datagram from `source`; nullopt (counted as dropped) if not accepted.
  // RTCP sent to the RTP port (RFC 5761 multiplexing) is taken as RTCP; nullopt too.
  std::optional<ReceivedPacket> Accept(const asio::ip::udp::endpoint& source,
                                       std::span<const std::uint8_t> datagram, SteadyTime now);

  // Sends `packet`, received on the bridged leg whose codec is `source_codec`, to this
  // stream's remote: transcoded if the codecs differ, events remapped to this stream's
  // telephone-event payload type or dropped if it has none. Ignored (false) while this stream
  // plays, without a remote, or for an event it cannot carry.
  bool SendRelayed(const ReceivedPacket& packet, Codec source_codec, std::uint64_t tick,
                   std::span<std::uint8_t> scratch);
  // One packet received here went on to the bridged stream.
  void CountRelayed() { ++stats_.packets_relayed; }

  // `callback` gets each key the remote presses (RFC 4733 events); empty: nobody listens.
  void OnDigit(std::function<void(char)> callback) { on_digit_ = std::move(callback); }
  // For an event packet that starts a new key press while someone listens: the listener's call
  // with the key. Its packets (repeats and end packets included) are consumed from then on.
  std::function<void()> TakeDigitCallback(const ReceivedPacket& packet);
  // Whether `packet` belongs to a key press a listener took: it is not relayed, so that a key
  // pressed to us (an agent's 1) never reaches the bridged partner.
  bool IsConsumedEvent(const ReceivedPacket& packet) const;

  // `callback` gets the audio the remote sends, decoded to 8 kHz PCM, one call per packet;
  // empty: nobody listens (decision 0055: voicemail).
  void OnAudio(std::function<void(std::vector<std::int16_t>)> callback) {
    on_audio_ = std::move(callback);
  }
  // For an audio packet while someone listens: the listener's call with its samples.
  std::function<void()> TakeAudioCallback(const ReceivedPacket& packet) const;

  // A datagram that arrived on the RTCP socket from `source`: taken when it is well-formed RTCP
  // from the remote's address (any port: the first one latches where our RTCP goes, unless
  // SDP named the port), otherwise dropped and counted.
  void AcceptRtcp(const asio::ip::udp::endpoint& source, std::span<const std::uint8_t> datagram,
                  SteadyTime now);

  // Whether our next RTCP report is due: a remote is set and the scheduled time has come.
  bool RtcpDue(SteadyTime now) const { return remote_ && next_rtcp_ && now >= *next_rtcp_; }
  std::optional<SteadyTime> next_rtcp() const { return next_rtcp_; }
  void ScheduleRtcp(SteadyTime at) { next_rtcp_ = at; }
  // Sends our compound RTCP report (with a BYE when `bye`); nothing without a remote.
  void SendRtcp(SteadyTime now, bool bye, std::span<std::uint8_t> scratch);
  StreamQuality Quality() const { return rtcp_.Quality(); }

  void OnInactive(std::function<void()> callback) { on_inactive_ = std::move(callback); }
  // The inactivity callback, taken out, if a remote is set and nothing was received for
  // `timeout`; otherwise an empty function.
  std::function<void()> TakeDueInactivityCallback(SteadyTime now,
                                                  std::chrono::milliseconds timeout);

 private:
  bool IsFromRemote(const asio::ip::udp::endpoint& source);
  std::optional<ReceivedPacket> Classify(const RtpPacketView& rtp) const;
  void Send(const RtpHeader& header, std::span<std::uint8_t> scratch, std::size_t payload_size);

  asio::ip::udp::socket socket_;
  asio::ip::udp::socket rtcp_socket_;
  RtpTimeline timeline_;
  RtcpSession rtcp_;
  // Where our RTCP goes: the remote's RTP port + 1 unless SDP or the far end's first RTCP
  // said otherwise.
  std::optional<asio::ip::udp::endpoint> rtcp_remote_;
  bool rtcp_remote_fixed_ = false;  // by SDP or by latching: later RTCP does not move it
  std::optional<SteadyTime> next_rtcp_;
  std::optional<asio::ip::udp::endpoint> remote_;
  bool remote_latched_ = false;
  Codec codec_ = Codec::kPcmu;
  int telephone_event_pt_ = -1;
  std::optional<Playback> playback_;
  StreamId peer_;
  StreamStats stats_;
  SteadyTime activity_since_{};  // last receive, or when the remote was set
  std::function<void()> on_inactive_;
  std::function<void(char)> on_digit_;
  std::function<void(std::vector<std::int16_t>)> on_audio_;
  // RFC 4733 repeats every packet of one key press with the press's start timestamp.
  std::optional<std::uint32_t> last_event_timestamp_;
  std::optional<std::uint32_t> consumed_event_timestamp_;
};

}  // namespace fr::media
