#pragma once

#include <asio.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>

#include "adapters/telephony/media/g711.hpp"
#include "adapters/telephony/media/media_types.hpp"
#include "adapters/telephony/media/playback.hpp"
#include "adapters/telephony/media/rtp_packet.hpp"
#include "adapters/telephony/media/rtp_timeline.hpp"

namespace fr::media {

using SteadyTime = std::chrono::steady_clock::time_point;

// An accepted incoming packet: audio in the stream's codec, or an RFC 4733 event.
struct ReceivedPacket {
  RtpPacketView rtp;
  bool is_event = false;
};

// One RTP stream: its socket, its remote end, what it plays and its outgoing timeline.
// `scratch` arguments are a buffer the caller lends for building a datagram, so that sending
// allocates nothing. Not thread-safe: used on the media thread only.
class Stream {
 public:
  Stream(asio::ip::udp::socket socket, RtpTimeline timeline);

  asio::ip::udp::socket& socket() { return socket_; }
  std::uint16_t local_port() const;
  const StreamStats& stats() const { return stats_; }
  Codec codec() const { return codec_; }
  StreamId peer() const { return peer_; }
  void set_peer(StreamId peer);

  // Sends to `remote` from now on and accepts RTP from its address only. The first packet
  // from that address latches its source port: later packets from other ports are dropped and
  // replies go to the latched port (symmetric RTP, RFC 4961), which gets through NATs.
  void SetRemote(const asio::ip::udp::endpoint& remote, Codec codec, int telephone_event_pt,
                 SteadyTime now);

  // Replaces the current playback (or the relayed audio) by `playback`.
  void Play(Playback playback);
  void StopPlayback();

  // Sends the playback's frame for `tick`. Returns the playback's completion callback when it
  // has just finished (the caller invokes it), otherwise an empty function.
  std::function<void()> SendPlaybackFrame(std::uint64_t tick, std::span<std::uint8_t> scratch);

  // Checks and parses a datagram from `source`; nullopt (counted as dropped) if not accepted.
  std::optional<ReceivedPacket> Accept(const asio::ip::udp::endpoint& source,
                                       std::span<const std::uint8_t> datagram, SteadyTime now);

  // Sends `packet`, received on the bridged leg whose codec is `source_codec`, to this
  // stream's remote: transcoded if the codecs differ, events remapped to this stream's
  // telephone-event payload type or dropped if it has none. Ignored while this stream plays.
  void SendRelayed(const ReceivedPacket& packet, Codec source_codec, std::uint64_t tick,
                   std::span<std::uint8_t> scratch);

  // `callback` gets each key the remote presses (RFC 4733 events); empty: nobody listens.
  void OnDigit(std::function<void(char)> callback) { on_digit_ = std::move(callback); }
  // For an event packet that starts a new key press while someone listens: the listener's call
  // with the key. Its packets (repeats and end packets included) are consumed from then on.
  std::function<void()> TakeDigitCallback(const ReceivedPacket& packet);
  // Whether `packet` belongs to a key press a listener took: it is not relayed, so that a key
  // pressed to us (an agent's 1) never reaches the bridged partner.
  bool IsConsumedEvent(const ReceivedPacket& packet) const;

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
  RtpTimeline timeline_;
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
  // RFC 4733 repeats every packet of one key press with the press's start timestamp.
  std::optional<std::uint32_t> last_event_timestamp_;
  std::optional<std::uint32_t> consumed_event_timestamp_;
};

}  // namespace fr::media
