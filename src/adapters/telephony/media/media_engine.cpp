#include "adapters/telephony/media/media_engine.hpp"

#include <asio.hpp>
#include <cassert>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

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

// A stream's counters and quality; on the media thread. Errors: kNotFound.
Result<StreamMeasures> MeasuresOf(const MediaLoop& loop, StreamId id) {
  FR_ASSIGN_OR_RETURN(StreamStats stats, loop.Stats(id));
  FR_ASSIGN_OR_RETURN(StreamQuality quality, loop.Quality(id));
  return StreamMeasures{stats, std::move(quality)};
}

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
    ports_.emplace(std::move(address), config_.port_min, config_.port_max);
    loop_ = std::make_unique<MediaLoop>(io_, config_);
    // Commands that can wait for the clock run at its next tick, before it sends anything.
    loop_->BeforeEachTick([this] { RunPending(); });
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
      // Handlers queued earlier still run, and so do the commands waiting for the clock;
      // Shutdown leaves the loop without work, so run() returns once they have.
      asio::post(io_, [this] {
        RunPending();
        loop_->Shutdown();
      });
    }
    thread_.join();
    std::lock_guard lock(mutex_);
    loop_.reset();
    ports_.reset();
    local_ports_.clear();
    pending_.clear();  // empty already: the Shutdown handler ran them
    state_ = State::kStopped;
  }

  // Binds the sockets here and hands them to the loop: the caller never waits for the media
  // thread (which a query would: two thread switches per stream, on the control thread's path).
  // The loop takes them before any command for the new id, which is queued after.
  Result<StreamId> OpenStream() {
    Result<StreamId> opened = BindStream();
    if (!opened.ok() && opened.error().code == ErrorCode::kResourceExhausted &&
        !OnMediaThread()) {
      // A stream closed just before gives its ports back only once the media thread has run
      // the Close, which is queued like every command: wait for that once, then try again.
      (void)Query<bool>([](MediaLoop&) -> Result<bool> { return true; });
      opened = BindStream();
    }
    return opened;
  }

  Result<StreamId> BindStream() {
    std::unique_lock lock(mutex_);
    if (state_ != State::kRunning) return NotRunning();
    FR_ASSIGN_OR_RETURN(StreamSockets sockets, ports_->Bind(io_));
    asio::error_code error;
    const std::uint16_t port = sockets.rtp.local_endpoint(error).port();
    if (error) return Error::Unavailable("the RTP socket has no local port: " + error.message());
    const StreamId id(next_id_++);
    local_ports_.emplace(id, port);
    // std::function needs a copyable handler; the sockets are move-only.
    auto bound = std::make_shared<StreamSockets>(std::move(sockets));
    RunOrQueue(
        lock, [id, bound](MediaLoop& loop) { loop.AddStream(id, std::move(*bound)); },
        Urgency::kAtTheTick);
    return id;
  }

  Result<std::uint16_t> LocalPort(StreamId id) {
    std::lock_guard lock(mutex_);
    const auto found = local_ports_.find(id);
    if (found == local_ports_.end()) return Error::NotFound("unknown media stream");
    return found->second;
  }

  void Close(StreamId id) {
    std::unique_lock lock(mutex_);
    local_ports_.erase(id);
    if (state_ != State::kRunning) return;
    RunOrQueue(
        lock, [id](MediaLoop& loop) { loop.Close(id); }, Urgency::kAtTheTick);
  }

  // Like Close, measuring the stream just before; `on_closed` always runs exactly once.
  void Close(StreamId id, std::function<void(Result<StreamMeasures>)> on_closed,
             MediaEngine::ReportWhen when) {
    std::unique_lock lock(mutex_);
    local_ports_.erase(id);
    if (state_ != State::kRunning) {
      lock.unlock();
      on_closed(NotRunning());
      return;
    }
    RunOrQueue(
        lock,
        [this, id, on_closed = std::move(on_closed)](MediaLoop& loop) {
          Result<StreamMeasures> measured = MeasuresOf(loop, id);
          loop.Close(id);
          // Handed back after the whole batch: the streams closed at one tick reach their
          // owner together, in one wake-up of its thread rather than one each.
          closed_.push_back([on_closed, measured = std::move(measured)] { on_closed(measured); });
        },
        // At once unless its owner says it can wait: a call is finished (log closed, channels
        // released) on its last legs' reports, and a caller reading the log right after
        // hanging up expects it closed. A command at once runs those queued before it too.
        when == MediaEngine::ReportWhen::kAtOnce ? Urgency::kNow : Urgency::kAtTheTick);
  }

  // How soon a command queued from another thread must run (decision 0092).
  enum class Urgency {
    kNow,        // wakes the media thread: what changes how arriving packets are handled
    kAtTheTick,  // waits for the clock's next tick (at most 20 ms): opening, closing, playing
  };

  // Runs `command` on the media thread: in place when called there, else queued.
  void Execute(std::function<void(MediaLoop&)> command, Urgency urgency = Urgency::kNow) {
    std::unique_lock lock(mutex_);
    if (state_ != State::kRunning) return;
    RunOrQueue(lock, std::move(command), urgency);
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
    // Queued while running, so it runs before Stop's Shutdown: the wait always ends. The
    // commands given before it that wait for the clock run first.
    asio::post(io_, [this, &query, &promise] {
      RunPending();
      promise.set_value(query(*loop_));
    });
    lock.unlock();
    return result.get();
  }

 private:
  enum class State { kStopped, kRunning, kStopping };

  bool OnMediaThread() { return io_.get_executor().running_in_this_thread(); }

  // Execute's second half, with mutex_ held by `lock` and the engine running. Commands from
  // other threads wait in pending_ and only the first urgent one of a burst posts the handler
  // that runs them all: the control thread gives several at once (open, remote, ringback…),
  // and each post would wake the media thread out of its wait on its own. The others wait
  // for the clock's tick, which wakes the media thread every 20 ms anyway (decision 0092).
  void RunOrQueue(std::unique_lock<std::mutex>& lock, std::function<void(MediaLoop&)> command,
                  Urgency urgency) {
    if (OnMediaThread()) {
      lock.unlock();
      command(*loop_);
      ReportClosed();
      return;
    }
    pending_.push_back(std::move(command));
    if (urgency == Urgency::kNow && !run_posted_) {
      run_posted_ = true;
      asio::post(io_, [this] { RunPending(); });
    }
  }

  // On the media thread: the commands queued so far, in order. Runs from the posted handler,
  // at every tick, and before every query and Stop, so that those see every command given
  // before them.
  void RunPending() {
    std::vector<std::function<void(MediaLoop&)>> batch;
    {
      std::lock_guard lock(mutex_);
      batch.swap(pending_);
      run_posted_ = false;
    }
    for (auto& command : batch) command(*loop_);
    ReportClosed();
  }

  // On the media thread: the callbacks of the closes just run.
  void ReportClosed() {
    std::vector<std::function<void()>> reports;
    reports.swap(closed_);
    for (auto& report : reports) report();
  }

  const MediaConfig config_;
  asio::io_context io_;
  std::mutex mutex_;  // guards state_, and loop_ against Start and Stop
  State state_ = State::kStopped;
  std::unique_ptr<MediaLoop> loop_;
  // Guarded by mutex_: the port pairs (from Start to Stop), the next stream's id, and the RTP
  // port of every open stream.
  std::optional<UdpPortPool> ports_;
  // The commands not yet run, in order; see RunOrQueue. Guarded by mutex_.
  std::vector<std::function<void(MediaLoop&)>> pending_;
  // A RunPending handler is queued. Guarded by mutex_.
  bool run_posted_ = false;
  std::vector<std::function<void()>> closed_;  // media thread only; see ReportClosed
  std::int64_t next_id_ = 1;
  std::unordered_map<StreamId, std::uint16_t> local_ports_;
  std::thread thread_;
};

MediaEngine::MediaEngine(MediaConfig config) : impl_(std::make_unique<Impl>(std::move(config))) {}

MediaEngine::~MediaEngine() { Stop(); }

Status MediaEngine::Start() { return impl_->Start(); }

void MediaEngine::Stop() { impl_->Stop(); }

Result<StreamId> MediaEngine::OpenStream() { return impl_->OpenStream(); }

Result<std::uint16_t> MediaEngine::LocalPort(StreamId id) const { return impl_->LocalPort(id); }

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
  impl_->Execute([=](MediaLoop& loop) { loop.SetRemoteRtcpPort(id, port); },
                 Impl::Urgency::kAtTheTick);
}

void MediaEngine::Play(StreamId id, std::shared_ptr<const std::vector<std::int16_t>> pcm_8khz,
                       std::function<void()> on_finished) {
  // The first frame goes out at the next tick either way.
  impl_->Execute([id, playback = Playback::Once(std::move(pcm_8khz), std::move(on_finished))](
                     MediaLoop& loop) { loop.Play(id, playback); },
                 Impl::Urgency::kAtTheTick);
}

void MediaEngine::PlayRingback(StreamId id) {
  impl_->Execute([id](MediaLoop& loop) { loop.Play(id, Playback::Looped(RingbackCadence())); },
                 Impl::Urgency::kAtTheTick);
}

void MediaEngine::StopPlayback(StreamId id) {
  impl_->Execute([id](MediaLoop& loop) { loop.StopPlayback(id); });
}

void MediaEngine::Bridge(StreamId a, StreamId b) {
  impl_->Execute([a, b](MediaLoop& loop) { loop.Bridge(a, b); });
}

void MediaEngine::Close(StreamId id) { impl_->Close(id); }

Result<StreamStats> MediaEngine::Stats(StreamId id) const {
  return impl_->Query<StreamStats>([id](MediaLoop& loop) { return loop.Stats(id); });
}

Result<StreamQuality> MediaEngine::Quality(StreamId id) const {
  return impl_->Query<StreamQuality>([id](MediaLoop& loop) { return loop.Quality(id); });
}

void MediaEngine::Close(StreamId id, std::function<void(Result<StreamMeasures>)> on_closed,
                        ReportWhen when) {
  impl_->Close(id, std::move(on_closed), when);
}

Result<StreamMeasures> MediaEngine::Report(StreamId id) const {
  return impl_->Query<StreamMeasures>([id](MediaLoop& loop) { return MeasuresOf(loop, id); });
}

void MediaEngine::OnInactive(StreamId id, std::function<void()> callback) {
  impl_->Execute(
      [id, callback = std::move(callback)](MediaLoop& loop) { loop.OnInactive(id, callback); },
      Impl::Urgency::kAtTheTick);
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
