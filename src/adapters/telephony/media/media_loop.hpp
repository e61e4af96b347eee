#pragma once

#include <array>
#include <asio.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <unordered_map>

#include "adapters/telephony/media/media_types.hpp"
#include "adapters/telephony/media/playback.hpp"
#include "adapters/telephony/media/stream.hpp"
#include "adapters/telephony/media/udp_port_pool.hpp"
#include "common/result.hpp"

namespace fr::media {

// The media engine's state and work, all on the media thread: the streams, their sockets and
// the shared 20 ms clock that paces every playback. MediaEngine hands calls in from other
// threads. Callbacks given by the user are never run inside the loop's own iteration: they
// are posted as separate handlers, so they may call back into the engine.
// Not thread-safe: every method runs on the thread that runs `io`.
class MediaLoop {
 public:
  MediaLoop(asio::io_context& io, const MediaConfig& config);

  MediaLoop(const MediaLoop&) = delete;
  MediaLoop& operator=(const MediaLoop&) = delete;

  void StartClock();
  // `hook` runs at each tick of the clock before anything is sent (MediaEngine runs the
  // commands that waited for the tick there).
  void BeforeEachTick(std::function<void()> hook) { before_tick_ = std::move(hook); }
  // Cancels the clock and closes every stream, so that the io_context runs out of work.
  void Shutdown();

  // Takes the sockets MediaEngine bound for stream `id` (on the caller's thread: binding needs
  // nothing of the loop's state) and starts to read them.
  void AddStream(StreamId id, StreamSockets sockets);
  Result<StreamStats> Stats(StreamId id) const;
  Result<StreamQuality> Quality(StreamId id) const;
  void SetRemote(StreamId id, const asio::ip::udp::endpoint& remote, Codec codec,
                 int telephone_event_pt);
  void SetRemoteRtcpPort(StreamId id, std::uint16_t port);
  void Play(StreamId id, Playback playback);
  void StopPlayback(StreamId id);
  void Bridge(StreamId a, StreamId b);
  void Close(StreamId id);
  void OnInactive(StreamId id, std::function<void()> callback);
  void OnDigit(StreamId id, std::function<void(char)> callback);
  void OnAudio(StreamId id, std::function<void(std::vector<std::int16_t>)> callback);

 private:
  // Large enough for any sane RTP datagram; a datagram that fills it was truncated.
  static constexpr std::size_t kMaxDatagram = 2048;
  // Bounds the datagrams read from one socket per wake-up, so one flooded socket cannot starve
  // the others or the clock.
  static constexpr int kMaxDatagramsPerWakeup = 16;

  // Which of a stream's sockets a datagram arrived on.
  enum class Channel { kRtp, kRtcp };

  Stream* Find(StreamId id) const;
  void Unbridge(Stream& stream);
  void PostCallback(std::function<void()> callback);

  void ScheduleTick();
  void OnTick(const asio::error_code& error);
  void RunTick();

  // RFC 3550 section 6.2 for a session of two: the nominal interval times 0.5 to 1.5; the
  // first report comes after half of that.
  std::chrono::steady_clock::duration NextRtcpInterval(bool first);
  void SendDueRtcp(Stream& stream, std::chrono::steady_clock::time_point now);
  std::string NewCname();

  void WaitReadable(StreamId id, Stream& stream, Channel channel);
  void OnReadable(StreamId id, Channel channel, const asio::error_code& error);
  // Returns true when the socket is drained, false when datagrams are left for another turn.
  bool ReceiveDatagrams(Stream& stream, Channel channel);
  void HandleDatagram(Stream& stream, Channel channel, const asio::ip::udp::endpoint& source,
                      std::size_t size);

  asio::io_context& io_;
  const std::chrono::milliseconds inactivity_timeout_;
  const std::chrono::milliseconds rtcp_interval_;
  std::mt19937 random_;
  asio::steady_timer clock_;
  std::function<void()> before_tick_;  // see BeforeEachTick
  std::chrono::steady_clock::time_point next_tick_time_;
  std::uint64_t tick_ = 0;
  bool shutting_down_ = false;
  std::unordered_map<StreamId, std::unique_ptr<Stream>> streams_;
  // One buffer each way for all streams: the loop handles one datagram at a time.
  std::array<std::uint8_t, kMaxDatagram + 1> receive_buffer_{};
  std::array<std::uint8_t, kMaxDatagram> send_buffer_{};
};

}  // namespace fr::media
