#pragma once

#include <asio.hpp>
#include <chrono>
#include <functional>
#include <memory>

#include "adapters/telephony/engine/control_loop.hpp"

namespace fr::telephony {

// ControlLoop on an asio io_context that one thread runs (the engine's control thread). Timers
// are steady_timers; destroying one cancels it, and a cancelled timer's callback never runs.
class AsioControlLoop final : public ControlLoop {
 public:
  explicit AsioControlLoop(asio::io_context& context) : context_(context) {}

  void Post(std::function<void()> work) override { asio::post(context_, std::move(work)); }

  std::unique_ptr<ControlTimer> StartTimer(std::chrono::milliseconds after,
                                           std::function<void()> on_expiry) override {
    auto timer = std::make_unique<Timer>(context_, after);
    timer->timer.async_wait([on_expiry = std::move(on_expiry)](const asio::error_code& error) {
      if (!error) on_expiry();  // operation_aborted: the timer was destroyed
    });
    return timer;
  }

 private:
  struct Timer final : ControlTimer {
    Timer(asio::io_context& context, std::chrono::milliseconds after) : timer(context, after) {}
    asio::steady_timer timer;
  };
  asio::io_context& context_;
};

// WorkQueue on an asio thread pool.
class AsioWorkQueue final : public WorkQueue {
 public:
  explicit AsioWorkQueue(asio::thread_pool& pool) : pool_(pool) {}
  void Post(std::function<void()> work) override { asio::post(pool_, std::move(work)); }

 private:
  asio::thread_pool& pool_;
};

}  // namespace fr::telephony
