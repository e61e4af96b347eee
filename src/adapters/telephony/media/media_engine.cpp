#include "adapters/telephony/media/media_engine.hpp"

#include <asio.hpp>
#include <cassert>
#include <future>
#include <mutex>
#include <thread>
#include <utility>

#include "adapters/telephony/media/media_loop.hpp"
#include "adapters/telephony/media/playback.hpp"
#include "adapters/telephony/media/udp_port_pool.hpp"

namespace fr::media {
namespace {

Result<asio::ip::address> ParseAddress(const std::string& text) {
  asio::error_code error;
  asio::ip::address address = asio::ip::make_address(text, error);
  if (error) return Error::InvalidArgument("not an IP address: '" + text + "'");
  return address;
}

// Checks the configuration and returns the parsed bind address.
Result<asio::ip::address> ValidateConfig(const MediaConfig& config) {
  FR_ASSIGN_OR_RETURN(asio::ip::address address, ParseAddress(config.bind_address));
  if (PortPairCount(config.port_min, config.port_max) == 0) {
    return Error::InvalidArgument(
        "the RTP port range holds no even port with the next port (for RTCP) in it too");
  }
  if (config.inactivity_timeout.count() <= 0) {
    return Error::InvalidArgument("the RTP inactivity timeout must be positive");
  }
  if (config.rtcp_interval.count() <= 0) {
    return Error::InvalidArgument("the RTCP report interval must be positive");
  }
  return address;
}

Error NotRunning() { return Error::FailedPrecondition("the media engine is not running"); }

}  // namespace

// Owns the media thread and hands calls to the MediaLoop it runs.
class MediaEngine::Impl {
 public:
  explicit Impl(MediaConfig config) : config_(std::move(config)) {}

  const MediaConfig& config() const { return config_; }

  Status Start() {
    std::lock_guard lock(mutex_);
    if (state_ != State::kStopped) return Error::FailedPrecondition("media engine running");
    FR_ASSIGN_OR_RETURN(asio::ip::address address, ValidateConfig(config_));
    loop_ = std::make_unique<MediaLoop>(io_, config_, std::move(address));
    io_.restart();
    loop_->StartClock();
    thread_ = std::thread([this] { io_.run(); });
    state_ = State::kRunning;
    return Ok();
  }

  void Stop() {
    {
      std::lock_guard lock(mutex_);
      if (state_ != State::kRunning) return;
      assert(!OnMediaThread() && "Stop from a media callback would join its own thread");
      state_ = State::kStopping;
      // Handlers queued earlier still run; Shutdown leaves the loop without work, so run()
      // returns once they have.
      asio::post(io_, [this] { loop_->Shutdown(); });
    }
    thread_.join();
    std::lock_guard lock(mutex_);
    loop_.reset();
    state_ = State::kStopped;
  }

  // Runs `command` on the media thread: in place when called there, else queued.
  void Execute(std::function<void(MediaLoop&)> command) {
    std::unique_lock lock(mutex_);
    if (state_ != State::kRunning) return;
    if (OnMediaThread()) {
      lock.unlock();
      command(*loop_);
      return;
    }
    asio::post(io_, [this, command = std::move(command)] { command(*loop_); });
  }

  // Runs `query` on the media thread and waits for its result.
  template <typename T>
  Result<T> Query(const std::function<Result<T>(MediaLoop&)>& query) {
    std::unique_lock lock(mutex_);
    if (state_ != State::kRunning) return NotRunning();
    if (OnMediaThread()) {
      lock.unlock();
      return query(*loop_);
    }
    std::promise<Result<T>> promise;
    std::future<Result<T>> result = promise.get_future();
    // Queued while running, so it runs before Stop's Shutdown: the wait always ends.
    asio::post(io_, [this, &query, &promise] { promise.set_value(query(*loop_)); });
    lock.unlock();
    return result.get();
  }

 private:
  enum class State { kStopped, kRunning, kStopping };

  bool OnMediaThread() { return io_.get_executor().running_in_this_thread(); }

  const MediaConfig config_;
  asio::io_context io_;
  std::mutex mutex_;  // guards state_, and loop_ against Start and Stop
  State state_ = State::kStopped;
  std::unique_ptr<MediaLoop> loop_;
  std::thread thread_;
};

MediaEngine::MediaEngine(MediaConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {}

MediaEngine::~MediaEngine() { Stop(); }

Status MediaEngine::Start() { return impl_->Start(); }

void MediaEngine::Stop() { impl_->Stop(); }

Result<StreamId> MediaEngine::OpenStream() {
  return impl_->Query<StreamId>([](MediaLoop& loop) { return loop.OpenStream(); });
}

Result<std::uint16_t> MediaEngine::LocalPort(StreamId id) const {
  return impl_->Query<std::uint16_t>([id](MediaLoop& loop) { return loop.LocalPort(id); });
}

const std::string& MediaEngine::LocalAddress() const { return impl_->config().bind_address; }

Status MediaEngine::SetRemote(StreamId id, const std::string& ip, std::uint16_t port, Codec codec,
                              int telephone_event_payload_type) {
  FR_ASSIGN_OR_RETURN(asio::ip::address address, ParseAddress(ip));
  if (port == 0) return Error::InvalidArgument("remote RTP port 0");
  const asio::ip::udp::endpoint remote(address, port);
  impl_->Execute(
      [=](MediaLoop& loop) { loop.SetRemote(id, remote, codec, telephone_event_payload_type); });
  return Ok();
}

void MediaEngine::SetRemoteRtcpPort(StreamId id, std::uint16_t port) {
  if (port == 0) return;
  impl_->Execute([=](MediaLoop& loop) { loop.SetRemoteRtcpPort(id, port); });
}

void MediaEngine::Play(StreamId id, std::shared_ptr<const std::vector<std::int16_t>> pcm_8khz,
                       std::function<void()> on_finished) {
  impl_->Execute([id, playback = Playback::Once(std::move(pcm_8khz), std::move(on_finished))](
                     MediaLoop& loop) { loop.Play(id, playback); });
}

void MediaEngine::PlayRingback(StreamId id) {
  impl_->Execute([id](MediaLoop& loop) { loop.Play(id, Playback::Looped(RingbackCadence())); });
}

void MediaEngine::StopPlayback(StreamId id) {
  impl_->Execute([id](MediaLoop& loop) { loop.StopPlayback(id); });
}

void MediaEngine::Bridge(StreamId a, StreamId b) {
  impl_->Execute([a, b](MediaLoop& loop) { loop.Bridge(a, b); });
}

void MediaEngine::Close(StreamId id) {
  impl_->Execute([id](MediaLoop& loop) { loop.Close(id); });
}

Result<StreamStats> MediaEngine::Stats(StreamId id) const {
  return impl_->Query<StreamStats>([id](MediaLoop& loop) { return loop.Stats(id); });
}

Result<StreamQuality> MediaEngine::Quality(StreamId id) const {
  return impl_->Query<StreamQuality>([id](MediaLoop& loop) { return loop.Quality(id); });
}

void MediaEngine::OnInactive(StreamId id, std::function<void()> callback) {
  impl_->Execute(
      [id, callback = std::move(callback)](MediaLoop& loop) { loop.OnInactive(id, callback); });
}

void MediaEngine::OnDigit(StreamId id, std::function<void(char)> callback) {
  impl_->Execute(
      [id, callback = std::move(callback)](MediaLoop& loop) { loop.OnDigit(id, callback); });
}

void MediaEngine::OnAudio(StreamId id, std::function<void(std::vector<std::int16_t>)> callback) {
  impl_->Execute(
      [id, callback = std::move(callback)](MediaLoop& loop) { loop.OnAudio(id, callback); });
}

}  // namespace fr::media
