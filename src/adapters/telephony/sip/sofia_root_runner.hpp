#pragma once

#include <cstdint>
#include <functional>

#include "adapters/telephony/sip/sofia_headers.hpp"

namespace fr::sip {

// Runs a su_root whose stack shares the thread (su_root_threading(root, 0) before nua_create),
// without su_root_run()'s busy poll. sofia computes its wait from the next timer in whole
// milliseconds, truncated: in the last millisecond before every timer it waits 0 ms, and
// su_root_run() calls epoll_wait(…, 0) again and again until the timer is due. nta keeps a
// timer a few milliseconds ahead for every transaction, so under load that is most of the time.
// This runner steps the root once, then blocks on the root's own epoll instance with the wait
// rounded up: a timer fires at most 1 ms late, and I/O (a command's wakeup fd, a SIP packet)
// ends the wait at once. Decision 0035.
//
// Not thread-safe: every method runs on the root's thread.
class SofiaRootRunner {
 public:
  // `root` must outlive the runner. `registered_fd` is an fd registered with the root (the
  // command queue's wakeup fd): the epoll instance watching it is the root's. If none is found
  // (a port other than epoll, or no /proc), Run() falls back to su_root_run().
  SofiaRootRunner(su_root_t* root, int registered_fd);
  ~SofiaRootRunner();
  SofiaRootRunner(const SofiaRootRunner&) = delete;
  SofiaRootRunner& operator=(const SofiaRootRunner&) = delete;

  // Runs the root until `done()` is true, checked after every step. With the fallback, until
  // su_root_break() as well.
  void Run(const std::function<bool()>& done);

  // The owner calls this from each of its callbacks (nua events, wakeups, its timers): what a
  // callback asked of nua is queued as a message, and the next step must run it at once.
  void NoteWork() { ++work_; }

  // False when Run() falls back to su_root_run() (busy-polls before timers, as sofia does).
  bool blocks_in_kernel() const { return epoll_fd_ >= 0; }
  // How often Run() stepped the root (for tests: a busy poll steps thousands of times).
  std::uint64_t steps() const { return steps_; }

 private:
  // Runs timers that are due; true if any ran. `next` becomes the milliseconds to the next
  // one, truncated, or SU_WAIT_FOREVER.
  bool ExpireTimers(su_duration_t& next);
  // Blocks until the root's epoll instance has an event or `timeout_ms` passed (-1: no limit).
  void WaitForEvents(int timeout_ms);

  su_root_t* root_;
  int epoll_fd_ = -1;  // a duplicate of the root's epoll fd; -1: not found
  std::uint64_t work_ = 0;
  std::uint64_t steps_ = 0;
};

}  // namespace fr::sip
