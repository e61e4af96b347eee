#pragma once

#include <asio.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace fr {

// SIGINT and SIGTERM for `serve` (decision 0033): the first asks for a graceful stop, which
// drains the calls in progress; the next one asks to end them at once. Catches both from
// construction until destruction (a signal during the start is kept for WaitForStop). Its own
// thread waits for them. Thread-safe.
class StopSignals {
 public:
  StopSignals();
  ~StopSignals();
  StopSignals(const StopSignals&) = delete;
  StopSignals& operator=(const StopSignals&) = delete;

  // Blocks until the first signal has arrived.
  void WaitForStop();

  enum class DrainEnd { kDone, kTimedOut, kSignalled };
  // After WaitForStop: blocks until Done() is called, `timeout` passes, or another signal
  // arrives, and says which came first.
  DrainEnd WaitForDrain(std::chrono::milliseconds timeout);

  // The drain has nothing left to wait for. Any thread; never blocks for long.
  void Done();

 private:
  void Arm();

  asio::io_context io_;
  asio::signal_set signals_{io_, SIGINT, SIGTERM};
  std::mutex mu_;
  std::condition_variable changed_;
  int received_ = 0;  // Guarded by mu_.
  bool done_ = false;  // Guarded by mu_.
  std::thread thread_;  // last: runs io_ once everything above exists
};

}  // namespace fr
