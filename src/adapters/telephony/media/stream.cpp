#include "adapters/telephony/media/stream.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <utility>

#include "adapters/telephony/media/telephone_event.hpp"

namespace fr::media {

Stream::Stream(asio::ip::udp::socket socket, asio::ip::udp::socket rtcp_socket,
               RtpTimeline timeline, RtcpSession rtcp)
    : socket_(std::move(socket)),
      rtcp_socket_(std::move(rtcp_socket)),
      timeline_(timeline),
      rtcp_(std::move(rtcp)) {}

std::uint16_t Stream::local_port() const {
  asio::error_code error;
  return socket_.local_endpoint(error).port();
}

StreamStats Stream::stats() const {
  StreamStats stats = stats_;
  stats.packets_lost = static_cast<std::uint64_t>(std::max<std::int64_t>(0, rtcp_.PacketsLost()));
  stats.packets_late = static_cast<std::uint64_t>(rtcp_.PacketsLate());
  return stats;
}

void Stream::set_peer(StreamId peer) {
  if (peer != peer_) timeline_.MarkSourceChange();
  peer_ = peer;
}

void Stream::SetRemote(const asio::ip::udp::endpoint& remote, Codec codec, int telephone_event_pt,
                       SteadyTime now) {
  remote_ = remote;
  remote_latched_ = false;
  rtcp_remote_ = asio::ip::udp::endpoint(remote.address(), remote.port() + 1);
  rtcp_remote_fixed_ = false;
  codec_ = codec;
  telephone_event_pt_ = telephone_event_pt;
  activity_since_ = now;
}

void Stream::SetRemoteRtcpPort(std::uint16_t port) {
  if (!remote_) return;
  rtcp_remote_ = asio::ip::udp::endpoint(remote_->address(), port);
  rtcp_remote_fixed_ = true;
}

void Stream::Play(Playback playback) {
  playback_ = std::move(playback);
  timeline_.MarkSourceChange();
}

void Stream::StopPlayback() {
  if (!playback_) return;
  playback_.reset();
  timeline_.MarkSourceChange();
}

std::function<void()> Stream::SendPlaybackFrame(std::uint64_t tick,
                                                std::span<std::uint8_t> scratch) {
  if (!playback_) return nullptr;
  std::array<std::int16_t, kSamplesPerFrame> frame;
  // Playback advances with the clock even without a remote, so prompts keep their timing.
  if (playback_->NextFrame(frame) && remote_) {
    Encode(codec_, frame, scratch.subspan(kRtpHeaderSize));
    Send(timeline_.NextGenerated(PayloadType(codec_), tick), scratch, frame.size());
  }
  if (!playback_->Finished()) return nullptr;
  std::function<void()> on_finished = playback_->TakeOnFinished();
  StopPlayback();
  return on_finished;
}

std::optional<ReceivedPacket> Stream::Accept(const asio::ip::udp::endpoint& source,
                                             std::span<const std::uint8_t> datagram,
                                             SteadyTime now) {
  if (LooksLikeRtcp(datagram)) {
    if (remote_ && source.address() == remote_->address() && rtcp_.OnRtcp(datagram, now)) {
      ++stats_.rtcp_received;
    } else {
      ++stats_.rtcp_dropped;
    }
    return std::nullopt;
  }
  std::optional<ReceivedPacket> packet;
  if (IsFromRemote(source)) {
    if (const auto rtp = ParseRtp(datagram)) packet = Classify(*rtp);
  }
  if (!packet) {
    ++stats_.packets_dropped;
    return std::nullopt;
  }
  remote_latched_ = true;
  remote_->port(source.port());
  ++stats_.packets_received;
  stats_.bytes_received += datagram.size();
  stats_.last_received = now;
  activity_since_ = now;
  rtcp_.OnReceived(packet->rtp.header, !packet->is_event, now);
  return packet;
}

void Stream::AcceptRtcp(const asio::ip::udp::endpoint& source,
                        std::span<const std::uint8_t> datagram, SteadyTime now) {
  if (!remote_ || source.address() != remote_->address() || !rtcp_.OnRtcp(datagram, now)) {
    ++stats_.rtcp_dropped;
    return;
  }
  ++stats_.rtcp_received;
  // Symmetric RTCP (RFC 4961), as for RTP: replies go where the far end sends from.
  if (!rtcp_remote_fixed_) {
    rtcp_remote_ = source;
    rtcp_remote_fixed_ = true;
  }
}

void Stream::SendRtcp(SteadyTime now, bool bye, std::span<std::uint8_t> scratch) {
  if (!rtcp_remote_) return;
  const std::size_t size = rtcp_.WriteReport(now, NtpNow(), bye, scratch);
  asio::error_code error;
  rtcp_socket_.send_to(asio::buffer(scratch.data(), size), *rtcp_remote_, 0, error);
  if (error) {
    ++stats_.send_errors;
    return;
  }
  ++stats_.rtcp_sent;
}

bool Stream::IsFromRemote(const asio::ip::udp::endpoint& source) {
  if (!remote_ || source.address() != remote_->address()) return false;
  return !remote_latched_ || source.port() == remote_->port();
}

std::optional<ReceivedPacket> Stream::Classify(const RtpPacketView& rtp) const {
  if (rtp.header.payload_type == PayloadType(codec_)) return ReceivedPacket{rtp, false};
  if (rtp.header.payload_type == telephone_event_pt_) return ReceivedPacket{rtp, true};
  return std::nullopt;
}

bool Stream::SendRelayed(const ReceivedPacket& packet, Codec source_codec, std::uint64_t tick,
                         std::span<std::uint8_t> scratch) {
  if (playback_ || !remote_) return false;
  if (packet.is_event && telephone_event_pt_ < 0) return false;
  const std::span<const std::uint8_t> in = packet.rtp.payload;
  assert(scratch.size() >= kRtpHeaderSize + in.size());
  std::uint8_t payload_type = PayloadType(codec_);
  if (packet.is_event) {
    payload_type = static_cast<std::uint8_t>(telephone_event_pt_);
    std::copy(in.begin(), in.end(), scratch.begin() + kRtpHeaderSize);
  } else {
    Transcode(source_codec, codec_, in, scratch.subspan(kRtpHeaderSize));
  }
  Send(timeline_.NextRelayed(packet.rtp.header, payload_type, tick), scratch, in.size());
  return true;
}

std::function<void()> Stream::TakeDigitCallback(const ReceivedPacket& packet) {
  if (!packet.is_event) return nullptr;
  const auto event = ParseTelephoneEvent(packet.rtp.payload);
  const auto key = event ? DtmfKey(event->event) : std::nullopt;
  const std::uint32_t timestamp = packet.rtp.header.timestamp;
  if (!key || last_event_timestamp_ == timestamp) return nullptr;
  last_event_timestamp_ = timestamp;
  if (!on_digit_) return nullptr;
  consumed_event_timestamp_ = timestamp;
  return [callback = on_digit_, key = *key] { callback(key); };
}

bool Stream::IsConsumedEvent(const ReceivedPacket& packet) const {
  return packet.is_event && consumed_event_timestamp_ == packet.rtp.header.timestamp;
}

std::function<void()> Stream::TakeAudioCallback(const ReceivedPacket& packet) const {
  if (!on_audio_ || packet.is_event) return nullptr;
  std::vector<std::int16_t> samples(packet.rtp.payload.size());
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const std::uint8_t code = packet.rtp.payload[i];
    samples[i] = codec_ == Codec::kPcma ? DecodeALaw(code) : DecodeMuLaw(code);
  }
  return [callback = on_audio_, samples = std::move(samples)]() mutable {
    callback(std::move(samples));
  };
}

std::function<void()> Stream::TakeDueInactivityCallback(SteadyTime now,
                                                        std::chrono::milliseconds timeout) {
  if (!on_inactive_ || !remote_ || now - activity_since_ < timeout) return nullptr;
  return std::exchange(on_inactive_, nullptr);
}

void Stream::Send(const RtpHeader& header, std::span<std::uint8_t> scratch,
                  std::size_t payload_size) {
  WriteRtpHeader(header, scratch.first<kRtpHeaderSize>());
  const std::size_t size = kRtpHeaderSize + payload_size;
  asio::error_code error;
  socket_.send_to(asio::buffer(scratch.data(), size), *remote_, 0, error);
  if (error) {
    ++stats_.send_errors;
    return;
  }
  ++stats_.packets_sent;
  stats_.bytes_sent += size;
  rtcp_.OnSent(header, payload_size, std::chrono::steady_clock::now());
}

}  // namespace fr::media
