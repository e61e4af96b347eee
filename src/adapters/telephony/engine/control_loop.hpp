#pragma once

#include <chrono>
#include <functional>
#include <memory>

namespace fr::telephony {

// A pending one-shot timer. Destroying it cancels it: its callback does not run afterwards.
class ControlTimer {
 public:
  virtual ~ControlTimer() = default;
};

// Port: the control thread, which owns every call's state. Production: AsioControlLoop on the
// engine's asio io_context; tests: a fake whose queue and timers the test runs by hand.
class ControlLoop {
 public:
  virtual ~ControlLoop() = default;

  // Runs `work` on the control thread later, in posting order. Thread-safe.
  virtual void Post(std::function<void()> work) = 0;

  // Runs `on_expiry` on the control thread once `after` has passed, unless the returned timer
  // was destroyed first. Control thread only (like destroying the timer).
  [[nodiscard]] virtual std::unique_ptr<ControlTimer> StartTimer(
      std::chrono::milliseconds after, std::function<void()> on_expiry) = 0;
};

// Port: a queue for work that may block (database reads, speech synthesis), so that it runs
// off the control thread. Results are handed back with ControlLoop::Post. Thread-safe.
class WorkQueue {
 public:
  virtual ~WorkQueue() = default;
  virtual void Post(std::function<void()> work) = 0;
};

}  // namespace fr::telephony
