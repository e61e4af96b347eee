#include "adapters/telephony/sip/sofia_root_runner.hpp"

#include <gtest/gtest.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <thread>
#include <vector>

namespace fr::sip {
namespace {

using Clock = std::chrono::steady_clock;

// The tests' state, reached from sofia's C callbacks (their argument types are the adapter's).
struct Observed {
  std::vector<long> late_us;  // per timer: how long after its time it ran
  int timers_due = 0;
  bool woken = false;
  bool message_ran = false;
  Clock::time_point at;  // when the wakeup or the message ran
};
Observed* observed = nullptr;

su_time_t Plus(su_time_t time, long us) {
  const long total = static_cast<long>(time.tv_usec) + us;
  time.tv_sec += static_cast<decltype(time.tv_sec)>(total / 1000000);
  time.tv_usec = static_cast<decltype(time.tv_usec)>(total % 1000000);
  return time;
}

// A root as SofiaLoop makes it: single-threaded, with an eventfd registered (the runner finds the
// root's epoll instance by it).
class SofiaRootRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    observed = &state_;
    su_init();
    root_ = su_root_create(nullptr);
    ASSERT_NE(root_, nullptr);
    su_root_threading(root_, 0);
    wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    wake_fd_of_test = wake_fd_;
    su_wait_create(&wait_, wake_fd_, SU_WAIT_IN);
    ASSERT_GE(su_root_register(root_, &wait_, OnWake, nullptr, 0), 0);
  }
  void TearDown() override {
    for (su_timer_t* timer : timers_) su_timer_destroy(timer);
    su_root_unregister(root_, &wait_, OnWake, nullptr);
    su_root_destroy(root_);
    close(wake_fd_);
    observed = nullptr;
  }

  static int OnWake(SofiaLoop*, su_wait_t*, SofiaLoop*) {
    std::uint64_t count = 0;
    [[maybe_unused]] const auto n = read(wake_fd_of_test, &count, sizeof count);
    observed->woken = true;
    observed->at = Clock::now();
    return 0;
  }
  static void OnTimer(SofiaLoop*, su_timer_t* timer, SofiaLoop*) {
    const su_time_t due = su_timer_latest(timer);
    observed->late_us.push_back(static_cast<long>(su_time_diff(su_now(), due) * 1e6));
  }
  static void OnTimerSendingMessage(SofiaLoop*, su_timer_t* timer, SofiaLoop*) {
    su_root_t* root = su_timer_root(timer);
    su_msg_r message = SU_MSG_R_INIT;
    if (su_msg_create(message, su_root_task(root), su_root_task(root), OnMessage, 0) == 0) {
      su_msg_send(message);
    }
  }
  static void OnMessage(SofiaLoop*, su_msg_r, su_msg_arg_t*) {
    observed->message_ran = true;
    observed->at = Clock::now();
  }

  su_timer_t* TimerAt(su_time_t when, su_timer_f callback) {
    su_timer_t* timer = su_timer_create(su_root_task(root_), 0);
    su_timer_set_at(timer, callback, nullptr, when);
    timers_.push_back(timer);
    return timer;
  }

  static inline int wake_fd_of_test = -1;
  Observed state_;
  su_root_t* root_ = nullptr;
  int wake_fd_ = -1;
  su_wait_t wait_{};
  std::vector<su_timer_t*> timers_;
};

TEST_F(SofiaRootRunnerTest, FindsTheRootsEpollInstance) {
  SofiaRootRunner runner(root_, wake_fd_);
  EXPECT_TRUE(runner.blocks_in_kernel());
}

// sofia truncates its timeouts to whole milliseconds: su_root_run() calls epoll_wait(…, 0) for up
// to 1 ms before each timer, thousands of times. The runner waits instead, at most 1 ms longer.
TEST_F(SofiaRootRunnerTest, RunsTimersOnTimeWithoutPollingBeforeThem) {
  constexpr int kTimers = 100;
  const su_time_t start = su_now();
  for (int i = 0; i < kTimers; ++i) {
    TimerAt(Plus(start, 5000 + i * 2300L + (i * 137L) % 1000), OnTimer);  // every 2.3 ms, odd µs
  }
  SofiaRootRunner runner(root_, wake_fd_);
  ASSERT_TRUE(runner.blocks_in_kernel());
  runner.Run([] { return observed->late_us.size() == kTimers; });

  std::vector<long> late = state_.late_us;
  std::sort(late.begin(), late.end());
  EXPECT_GE(late.front(), 0) << "a timer ran early";
  // Rounding the wait up costs up to 1 ms; the median leaves room for a busy machine.
  EXPECT_LT(late[kTimers / 2], 2000) << "median lateness " << late[kTimers / 2] << " µs";
  // Stepping once per timer, plus a wait's wake-up: a busy poll steps hundreds of times each.
  EXPECT_LT(runner.steps(), 10u * kTimers)
      << runner.steps() << " steps for " << kTimers << " timers";
}

TEST_F(SofiaRootRunnerTest, WakesForItsFdAtOnceWhileTheNextTimerIsFar) {
  TimerAt(Plus(su_now(), 10'000'000), OnTimer);
  SofiaRootRunner runner(root_, wake_fd_);
  const auto written = Clock::now() + std::chrono::milliseconds(20);
  std::thread writer([this, written] {
    std::this_thread::sleep_until(written);
    const std::uint64_t one = 1;
    [[maybe_unused]] const auto n = write(wake_fd_, &one, sizeof one);
  });
  runner.Run([] { return observed->woken; });
  writer.join();
  EXPECT_LT(state_.at - written, std::chrono::milliseconds(500));
}

// A timer's callback queues a message (as nua does for its events); nothing else is due for
// 10 s. A loop that slept until the next timer would run the message 10 s late.
TEST_F(SofiaRootRunnerTest, RunsWhatATimerQueuedAtOnce) {
  TimerAt(Plus(su_now(), 3000), OnTimerSendingMessage);
  TimerAt(Plus(su_now(), 10'000'000), OnTimer);
  SofiaRootRunner runner(root_, wake_fd_);
  const auto start = Clock::now();
  runner.Run([] { return observed->message_ran; });
  EXPECT_LT(state_.at - start, std::chrono::milliseconds(500));
}

}  // namespace
}  // namespace fr::sip
