#include "adapters/telephony/media/media_loop.hpp"

#include <utility>

namespace fr::media {
namespace {

constexpr std::chrono::milliseconds kFrameDuration{20};
// When the thread falls further behind than this (debugger, overload), the clock skips the
// missed ticks instead of sending them in a burst the far ends could not play anyway.
constexpr std::chrono::milliseconds kMaxCatchUp{100};

Error UnknownStream() { return Error::NotFound("unknown media stream"); }

}  // namespace

MediaLoop::MediaLoop(asio::io_context& io, const MediaConfig& config,
                     asio::ip::address bind_address)
    : io_(io),
      inactivity_timeout_(config.inactivity_timeout),
      ports_(std::move(bind_address), config.port_min, config.port_max),
      random_(std::random_device{}()),
      clock_(io) {}

void MediaLoop::StartClock() {
  next_tick_time_ = std::chrono::steady_clock::now() + kFrameDuration;
  ScheduleTick();
}

void MediaLoop::Shutdown() {
  clock_.cancel();
  streams_.clear();
}

Result<StreamId> MediaLoop::OpenStream() {
  FR_ASSIGN_OR_RETURN(asio::ip::udp::socket socket, ports_.Bind(io_));
  // RFC 3550: SSRC, first sequence number and first timestamp are random.
  const RtpTimeline timeline(static_cast<std::uint32_t>(random_()),
                             static_cast<std::uint16_t>(random_()),
                             static_cast<std::uint32_t>(random_()));
  const StreamId id(next_id_++);
  auto stream = std::make_unique<Stream>(std::move(socket), timeline);
  WaitReadable(id, *stream);
  streams_.emplace(id, std::move(stream));
  return id;
}

Result<std::uint16_t> MediaLoop::LocalPort(StreamId id) const {
  const Stream* stream = Find(id);
  if (stream == nullptr) return UnknownStream();
  return stream->local_port();
}

Result<StreamStats> MediaLoop::Stats(StreamId id) const {
  const Stream* stream = Find(id);
  if (stream == nullptr) return UnknownStream();
  return stream->stats();
}

void MediaLoop::SetRemote(StreamId id, const asio::ip::udp::endpoint& remote, Codec codec,
                          int telephone_event_pt) {
  if (Stream* stream = Find(id)) {
    stream->SetRemote(remote, codec, telephone_event_pt, std::chrono::steady_clock::now());
  }
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
  // Destroying the socket closes it; its pending wait completes with operation_aborted.
  streams_.erase(id);
}

void MediaLoop::OnInactive(StreamId id, std::function<void()> callback) {
  if (Stream* stream = Find(id)) stream->OnInactive(std::move(callback));
}

void MediaLoop::OnDigit(StreamId id, std::function<void(char)> callback) {
  if (Stream* stream = Find(id)) stream->OnDigit(std::move(callback));
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

void MediaLoop::ScheduleTick() {
  clock_.expires_at(next_tick_time_);
  clock_.async_wait([this](const asio::error_code& error) { OnTick(error); });
}

void MediaLoop::OnTick(const asio::error_code& error) {
  if (error) return;  // cancelled by Shutdown
  ++tick_;
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
  }
}

void MediaLoop::WaitReadable(StreamId id, Stream& stream) {
  stream.socket().async_wait(asio::ip::udp::socket::wait_read,
                             [this, id](const asio::error_code& error) { OnReadable(id, error); });
}

void MediaLoop::OnReadable(StreamId id, const asio::error_code& error) {
  if (error == asio::error::operation_aborted) return;  // the stream was closed
  Stream* stream = Find(id);
  if (stream == nullptr) return;
  if (ReceiveDatagrams(*stream)) {
    WaitReadable(id, *stream);
  } else {
    // The reactor only reports new arrivals, so leftovers are read on a later turn.
    asio::post(io_, [this, id] { OnReadable(id, asio::error_code()); });
  }
}

bool MediaLoop::ReceiveDatagrams(Stream& stream) {
  for (int i = 0; i < kMaxDatagramsPerWakeup; ++i) {
    asio::ip::udp::endpoint source;
    asio::error_code error;
    const std::size_t size =
        stream.socket().receive_from(asio::buffer(receive_buffer_), source, 0, error);
    if (error == asio::error::would_block) return true;
    // Other errors (an ICMP error queued on the socket) are consumed by the read: go on.
    if (!error) HandleDatagram(stream, source, size);
  }
  return false;
}

void MediaLoop::HandleDatagram(Stream& stream, const asio::ip::udp::endpoint& source,
                               std::size_t size) {
  // A datagram that filled the buffer was truncated: it is passed on empty, which drops it.
  const std::span<const std::uint8_t> datagram(receive_buffer_.data(),
                                               size <= kMaxDatagram ? size : 0);
  const auto packet = stream.Accept(source, datagram, std::chrono::steady_clock::now());
  if (!packet) return;
  if (packet->is_event) {
    PostCallback(stream.TakeDigitCallback(*packet));
    if (stream.IsConsumedEvent(*packet)) return;
  }
  if (Stream* peer = Find(stream.peer())) {
    peer->SendRelayed(*packet, stream.codec(), tick_, send_buffer_);
  }
}

}  // namespace fr::media
