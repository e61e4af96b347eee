#include "main/stop_signals.hpp"

namespace fr {

StopSignals::StopSignals() {
  Arm();
  thread_ = std::thread([this] { io_.run(); });
}

StopSignals::~StopSignals() {
  io_.stop();
  thread_.join();
}

void StopSignals::Arm() {
  signals_.async_wait([this](const asio::error_code& error, int) {
    if (error) return;
    {
      std::lock_guard lock(mu_);
      ++received_;
    }
    changed_.notify_all();
    Arm();
  });
}

void StopSignals::WaitForStop() {
  std::unique_lock lock(mu_);
  changed_.wait(lock, [this] { return received_ >= 1; });
}

StopSignals::DrainEnd StopSignals::WaitForDrain(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  const bool ended = changed_.wait_for(lock, timeout, [this] { return done_ || received_ >= 2; });
  if (!ended) return DrainEnd::kTimedOut;
  return done_ ? DrainEnd::kDone : DrainEnd::kSignalled;
}

void StopSignals::Done() {
  {
    std::lock_guard lock(mu_);
    done_ = true;
  }
  changed_.notify_all();
}

}  // namespace fr
