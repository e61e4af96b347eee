#include "adapters/telephony/sip/sip_endpoint.hpp"

#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <deque>
#include <exception>
#include <future>
#include <mutex>
#include <thread>
#include <utility>

#include "adapters/telephony/sip/request_shield.hpp"
#include "adapters/telephony/sip/sip_text.hpp"
#include "adapters/telephony/sip/sofia_loop.hpp"
#include "adapters/telephony/sip/trunk_registration.hpp"

namespace fr::sip {

const char* EndCauseName(EndCause cause) {
  switch (cause) {
    case EndCause::kRemoteBye:
      return "remote_bye";
    case EndCause::kRemoteCancel:
      return "remote_cancel";
    case EndCause::kRejected:
      return "rejected";
    case EndCause::kTimeout:
      return "timeout";
    case EndCause::kLocalHangup:
      return "local_hangup";
    case EndCause::kStopped:
      return "stopped";
    case EndCause::kError:
      return "error";
  }
  return "error";
}

// Commands travel from any thread to the SIP thread through a mutex-guarded queue; an eventfd
// registered with the su_root wakes the loop. (su_msg would also cross threads, but only between
// su tasks; the owner's threads are not.)
class SipEndpoint::Impl {
 public:
  using Command = std::function<void(SofiaLoop&)>;

  Impl(SipConfig config, EventHandler on_event)
      : config_(std::move(config)), on_event_(std::move(on_event)), shield_(config_.shield) {}

  Result<std::uint16_t> Start();
  void Stop();
  // False (and the command dropped) when the endpoint does not run.
  bool Post(Command command);
  LegId NewLegId() { return next_leg_.fetch_add(1); }
  const SipConfig& config() const { return config_; }
  RegistrationStatus TrunkRegistration() const { return registration_.Snapshot(); }
  ShieldStats Shield() const { return shield_.Snapshot(std::chrono::steady_clock::now()); }

 private:
  void ThreadMain(std::promise<Result<std::uint16_t>> started);
  void Drain(SofiaLoop& loop);
  void Deliver(SipEvent event);

  const SipConfig config_;
  const EventHandler on_event_;
  std::atomic<LegId> next_leg_{1};
  RegistrationBoard registration_;  // thread-safe; written by the SIP thread
  RequestShield shield_;            // thread-safe; asked by sofia's parser on the SIP thread
  int wake_fd_ = -1;
  std::thread thread_;
  bool started_ = false;  // owner thread only, like stopped_
  bool stopped_ = false;

  std::mutex mu_;
  std::deque<Command> queue_;  // guarded by mu_
  bool accepting_ = false;     // guarded by mu_
};

Result<std::uint16_t> SipEndpoint::Impl::Start() {
  if (started_) return Error::FailedPrecondition("SIP endpoint already started");
  started_ = true;
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) {
    stopped_ = true;
    return Error::Internal(std::string("eventfd: ") + std::strerror(errno));
  }
  // Accept commands before the SIP thread runs: its handler may answer the first INVITE at once.
  {
    std::lock_guard lock(mu_);
    accepting_ = true;
  }
  std::promise<Result<std::uint16_t>> started;
  auto result = started.get_future();
  thread_ = std::thread(&Impl::ThreadMain, this, std::move(started));
  Result<std::uint16_t> port = result.get();
  if (!port.ok()) {
    {
      std::lock_guard lock(mu_);
      accepting_ = false;
      queue_.clear();
    }
    thread_.join();
    stopped_ = true;
    close(wake_fd_);
    wake_fd_ = -1;
  }
  return port;
}

void SipEndpoint::Impl::ThreadMain(std::promise<Result<std::uint16_t>> started) {
  SofiaLoop loop(
      config_, [this](SipEvent event) { Deliver(std::move(event)); }, [this] { return NewLegId(); },
      registration_, shield_);
  Result<std::uint16_t> port = loop.Open(wake_fd_, [this, &loop] { Drain(loop); });
  const bool ok = port.ok();
  started.set_value(std::move(port));
  if (ok) loop.Run();
}

void SipEndpoint::Impl::Stop() {
  if (!started_ || stopped_) return;
  stopped_ = true;
  {
    std::lock_guard lock(mu_);
    accepting_ = false;
    queue_.push_back([](SofiaLoop& loop) { loop.Shutdown(); });
  }
  const std::uint64_t one = 1;
  if (write(wake_fd_, &one, sizeof one) < 0) spdlog::error("sip: cannot wake the SIP thread");
  thread_.join();
  close(wake_fd_);
  wake_fd_ = -1;
}

bool SipEndpoint::Impl::Post(Command command) {
  std::lock_guard lock(mu_);
  if (!accepting_) return false;
  queue_.push_back(std::move(command));
  // Only the first command of a batch wakes the SIP thread: the rest find the wakeup pending
  // (Drain reads the fd before it takes the queue, so a command it did not take has a wakeup).
  // Written under the lock: once Stop has stopped accepting, nobody writes to the fd it closes.
  // An eventfd counter only overflows after 2^64-1 unread wakeups; EAGAIN cannot happen here.
  if (queue_.size() > 1) return true;
  const std::uint64_t one = 1;
  if (write(wake_fd_, &one, sizeof one) < 0) spdlog::error("sip: cannot wake the SIP thread");
  return true;
}

void SipEndpoint::Impl::Drain(SofiaLoop& loop) {
  std::uint64_t count = 0;
  if (read(wake_fd_, &count, sizeof count) < 0 && errno != EAGAIN) {
    spdlog::error("sip: reading the wakeup fd failed: {}", std::strerror(errno));
  }
  std::deque<Command> batch;
  {
    std::lock_guard lock(mu_);
    batch.swap(queue_);
  }
  for (Command& command : batch) {
    // An exception must not unwind through sofia's C frames either.
    try {
      command(loop);
    } catch (const std::exception& e) {
      spdlog::error("sip: a command failed: {}", e.what());
    }
  }
}

void SipEndpoint::Impl::Deliver(SipEvent event) {
  // An exception must not unwind through sofia's C frames.
  try {
    on_event_(std::move(event));
  } catch (const std::exception& e) {
    spdlog::error("sip: event handler threw: {}", e.what());
  } catch (...) {
    spdlog::error("sip: event handler threw");
  }
}

SipEndpoint::SipEndpoint(SipConfig config, EventHandler on_event)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(on_event))) {}

SipEndpoint::~SipEndpoint() { Stop(); }

Result<std::uint16_t> SipEndpoint::Start() { return impl_->Start(); }

void SipEndpoint::Stop() { impl_->Stop(); }

void SipEndpoint::Ring(LegId inbound) {
  impl_->Post([inbound](SofiaLoop& loop) { loop.Ring(inbound); });
}

void SipEndpoint::Answer(LegId inbound, std::string local_sdp) {
  impl_->Post([inbound, sdp = std::move(local_sdp)](SofiaLoop& loop) mutable {
    loop.Answer(inbound, std::move(sdp));
  });
}

void SipEndpoint::Reject(LegId inbound, int status, std::string reason) {
  impl_->Post([inbound, status, why = std::move(reason)](SofiaLoop& loop) mutable {
    loop.Reject(inbound, status, std::move(why));
  });
}

Result<LegId> SipEndpoint::Dial(const OutgoingCall& call) {
  if (!IsValidSipUser(call.to_user)) return Error::InvalidArgument("invalid SIP user to dial");
  if (!IsValidSipUser(call.from_user))
    return Error::InvalidArgument("invalid SIP user to call from");
  if (call.local_sdp.empty()) return Error::InvalidArgument("an outbound call needs an SDP offer");
  if (impl_->config().trunk_host.empty())
    return Error::FailedPrecondition("no SIP trunk configured");
  const LegId leg = impl_->NewLegId();
  if (!impl_->Post([leg, call](SofiaLoop& loop) { loop.Dial(leg, call); })) {
    return Error::FailedPrecondition("SIP endpoint is not running");
  }
  return leg;
}

RegistrationStatus SipEndpoint::TrunkRegistration() const { return impl_->TrunkRegistration(); }

ShieldStats SipEndpoint::Shield() const { return impl_->Shield(); }

void SipEndpoint::Hangup(LegId leg) {
  impl_->Post([leg](SofiaLoop& loop) { loop.Hangup(leg); });
}

}  // namespace fr::sip
