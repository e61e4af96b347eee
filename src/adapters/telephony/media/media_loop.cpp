#include "adapters/telephony/media/media_loop.hpp"

#include <utility>

#include "adapters/telephony/media/rtcp_session.hpp"

namespace fr::media {
namespace {

constexpr std::chrono::milliseconds kFrameDuration{20};
// When the thread falls further behind than this (debugger, overload), the clock skips the
// missed ticks instead of sending them in a burst the far ends could not play anyway.
constexpr std::chrono::milliseconds kMaxCatchUp{100};

Error UnknownStream() { return Error::NotFound("unknown media stream"); }

}  // namespace

MediaLoop::MediaLoop(asio::io_context& io, const MediaConfig& config)
    : io_(io),
      inactivity_timeout_(config.inactivity_timeout),
      rtcp_interval_(config.rtcp_interval),
      random_(std::random_device{}()),
      clock_(io) {}

void MediaLoop::StartClock() {
  next_tick_time_ = std::chrono::steady_clock::now() + kFrameDuration;
  ScheduleTick();
}

void MediaLoop::Shutdown() {
  // A tick that already expired is queued with success and would schedule the next one: the
  // flag, not only the cancel, leaves the io_context without work.
  shutting_down_ = true;
  clock_.cancel();
  const auto now = std::chrono::steady_clock::now();
  for (auto& [id, stream] : streams_) stream->SendRtcp(now, /*bye=*/true, send_buffer_);
  streams_.clear();
}

void MediaLoop::AddStream(StreamId id, StreamSockets sockets) {
  // RFC 3550: SSRC, first sequence number and first timestamp are random.
  const RtpTimeline timeline(static_cast<std::uint32_t>(random_()),
                             static_cast<std::uint16_t>(random_()),
                             static_cast<std::uint32_t>(random_()));
  // RFC 3550 section 6.3.8: a sender is one that sent RTP within the last two intervals.
  RtcpSession rtcp(timeline.ssrc(), NewCname(), 2 * rtcp_interval_);
  auto stream = std::make_unique<Stream>(std::move(sockets.rtp), std::move(sockets.rtcp),
                                         timeline, std::move(rtcp));
  WaitReadable(id, *stream, Channel::kRtp);
  WaitReadable(id, *stream, Channel::kRtcp);
  streams_.emplace(id, std::move(stream));
}

Result<StreamStats> MediaLoop::Stats(StreamId id) const {
  const Stream* stream = Find(id);
  if (stream == nullptr) return UnknownStream();
  return stream->stats();
}

Result<StreamQuality> MediaLoop::Quality(StreamId id) const {
  const Stream* stream = Find(id);
  if (stream == nullptr) return UnknownStream();
  return stream->Quality();
}

void MediaLoop::SetRemote(StreamId id, const asio::ip::udp::endpoint& remote, Codec codec,
                          int telephone_event_pt) {
  Stream* stream = Find(id);
  if (stream == nullptr) return;
  const auto now = std::chrono::steady_clock::now();
  stream->SetRemote(remote, codec, telephone_event_pt, now);
  if (!stream->next_rtcp()) stream->ScheduleRtcp(now + NextRtcpInterval(/*first=*/true));
}

void MediaLoop::SetRemoteRtcpPort(StreamId id, std::uint16_t port) {
  if (Stream* stream = Find(id)) stream->SetRemoteRtcpPort(port);
}

void MediaLoop::Play(StreamId id, Playback playback) {
  if (Stream* stream = Find(id)) stream->Play(std::move(playback));
}

void MediaLoop::StopPlayback(StreamId id) {
  if (Stream* stream = Find(id)) stream->StopPlayback();
}

void MediaLoop::Bridge(StreamId a, StreamId b) {
  if (a == b) return;
  Stream* first = Find(a);
  Stream* second = Find(b);
  if (first == nullptr || second == nullptr) return;
  Unbridge(*first);
  Unbridge(*second);
  first->StopPlayback();
  second->StopPlayback();
  first->set_peer(b);
  second->set_peer(a);
}

void MediaLoop::Close(StreamId id) {
  Stream* stream = Find(id);
  if (stream == nullptr) return;
  Unbridge(*stream);
  stream->SendRtcp(std::chrono::steady_clock::now(), /*bye=*/true, send_buffer_);
  // Destroying the sockets closes them; their pending waits complete with operation_aborted.
  streams_.erase(id);
}

void MediaLoop::OnInactive(StreamId id, std::function<void()> callback) {
  if (Stream* stream = Find(id)) stream->OnInactive(std::move(callback));
}

void MediaLoop::OnDigit(StreamId id, std::function<void(char)> callback) {
  if (Stream* stream = Find(id)) stream->OnDigit(std::move(callback));
}

void MediaLoop::OnAudio(StreamId id, std::function<void(std::vector<std::int16_t>)> callback) {
  if (Stream* stream = Find(id)) stream->OnAudio(std::move(callback));
}

Stream* MediaLoop::Find(StreamId id) const {
  const auto found = streams_.find(id);
  return found == streams_.end() ? nullptr : found->second.get();
}

void MediaLoop::Unbridge(Stream& stream) {
  if (Stream* peer = Find(stream.peer())) peer->set_peer(StreamId());
  stream.set_peer(StreamId());
}

void MediaLoop::PostCallback(std::function<void()> callback) {
  if (callback) asio::post(io_, std::move(callback));
}

std::chrono::steady_clock::duration MediaLoop::NextRtcpInterval(bool first) {
  std::uniform_real_distribution<double> factor(0.5, 1.5);
  const double nominal = std::chrono::duration<double>(rtcp_interval_).count() * (first ? 0.5 : 1.0);
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(nominal * factor(random_)));
}

void MediaLoop::SendDueRtcp(Stream& stream, std::chrono::steady_clock::time_point now) {
  if (!stream.RtcpDue(now)) return;
  stream.SendRtcp(now, /*bye=*/false, send_buffer_);
  stream.ScheduleRtcp(now + NextRtcpInterval(/*first=*/false));
}

// RFC 7022: a random CNAME per stream (96 bits, base64), which says nothing about this host.
std::string MediaLoop::NewCname() {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string cname(16, 'A');
  for (char& ch : cname) ch = kAlphabet[random_() % 64];
  return cname;
}

void MediaLoop::ScheduleTick() {
  clock_.expires_at(next_tick_time_);
  clock_.async_wait([this](const asio::error_code& error) { OnTick(error); });
}

void MediaLoop::OnTick(const asio::error_code& error) {
  if (error || shutting_down_) return;  // stopped by Shutdown
  ++tick_;
  if (before_tick_) before_tick_();
  RunTick();
  // Ticks are scheduled from a fixed origin, so lateness of one tick does not accumulate.
  next_tick_time_ += kFrameDuration;
  const auto behind = std::chrono::steady_clock::now() - next_tick_time_;
  if (behind > kMaxCatchUp) {
    const auto skipped = behind / kFrameDuration;
    tick_ += skipped;
    next_tick_time_ += skipped * kFrameDuration;
  }
  ScheduleTick();
}

void MediaLoop::RunTick() {
  const auto now = std::chrono::steady_clock::now();
  for (auto& [id, stream] : streams_) {
    PostCallback(stream->SendPlaybackFrame(tick_, send_buffer_));
    PostCallback(stream->TakeDueInactivityCallback(now, inactivity_timeout_));
    SendDueRtcp(*stream, now);
  }
}

void MediaLoop::WaitReadable(StreamId id, Stream& stream, Channel channel) {
  auto& socket = channel == Channel::kRtp ? stream.socket() : stream.rtcp_socket();
  socket.async_wait(asio::ip::udp::socket::wait_read,
                    [this, id, channel](const asio::error_code& error) {
                      OnReadable(id, channel, error);
                    });
}

void MediaLoop::OnReadable(StreamId id, Channel channel, const asio::error_code& error) {
  if (error == asio::error::operation_aborted) return;  // the stream was closed
  Stream* stream = Find(id);
  if (stream == nullptr) return;
  if (ReceiveDatagrams(*stream, channel)) {
    WaitReadable(id, *stream, channel);
  } else {
    // The reactor only reports new arrivals, so leftovers are read on a later turn.
    asio::post(io_, [this, id, channel] { OnReadable(id, channel, asio::error_code()); });
  }
}

bool MediaLoop::ReceiveDatagrams(Stream& stream, Channel channel) {
  auto& socket = channel == Channel::kRtp ? stream.socket() : stream.rtcp_socket();
  for (int i = 0; i < kMaxDatagramsPerWakeup; ++i) {
    asio::ip::udp::endpoint source;
    asio::error_code error;
    const std::size_t size = socket.receive_from(asio::buffer(receive_buffer_), source, 0, error);
    if (error == asio::error::would_block) return true;
    // Other errors (an ICMP error queued on the socket) are consumed by the read: go on.
    if (!error) HandleDatagram(stream, channel, source, size);
  }
  return false;
}

void MediaLoop::HandleDatagram(Stream& stream, Channel channel,
                               const asio::ip::udp::endpoint& source, std::size_t size) {
  // A datagram that filled the buffer was truncated: it is passed on empty, which drops it.
  const std::span<const std::uint8_t> datagram(receive_buffer_.data(),
                                               size <= kMaxDatagram ? size : 0);
  const auto now = std::chrono::steady_clock::now();
  if (channel == Channel::kRtcp) {
    stream.AcceptRtcp(source, datagram, now);
    return;
  }
  const auto packet = stream.Accept(source, datagram, now);
  if (!packet) return;
  if (packet->is_event) {
    PostCallback(stream.TakeDigitCallback(*packet));
    if (stream.IsConsumedEvent(*packet)) return;
  } else {
    PostCallback(stream.TakeAudioCallback(*packet));
  }
  Stream* peer = Find(stream.peer());
  if (peer != nullptr && peer->SendRelayed(*packet, stream.codec(), tick_, send_buffer_)) {
    stream.CountRelayed();
  }
}

}  // namespace fr::media
