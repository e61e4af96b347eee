#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace fr {

// Runs `round` on its own thread every `period` until destroyed; the destructor wakes the
// thread and joins it, so a round never outlives what it uses when declared after it.
class BackgroundLoop {
 public:
  BackgroundLoop(std::chrono::milliseconds period, std::function<void()> round)
      : period_(period), round_(std::move(round)), thread_([this] { Run(); }) {}
  ~BackgroundLoop() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }
  BackgroundLoop(const BackgroundLoop&) = delete;
  BackgroundLoop& operator=(const BackgroundLoop&) = delete;

 private:
  void Run() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      lock.unlock();
      round_();
      lock.lock();
      wake_.wait_for(lock, period_, [this] { return stopping_; });
    }
  }

  std::chrono::milliseconds period_;
  std::function<void()> round_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts once everything above exists
};

}  // namespace fr
