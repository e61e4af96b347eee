#include "adapters/telephony/sip/sofia_root_runner.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>

namespace fr::sip {
namespace {

// How many steps in a row may return 0 with a timer less than 1 ms away before the runner waits
// for it: the first re-step runs what sofia queued for itself (messages from its timers); after
// that a zero means only "the timer is not due yet".
constexpr int kStepsBeforeWaitingForTimer = 2;

bool IsEpollInstance(const std::string& fd_path) {
  char target[64] = {};
  const ssize_t n = readlink(fd_path.c_str(), target, sizeof target - 1);
  return n > 0 && std::string(target, static_cast<std::size_t>(n)) == "anon_inode:[eventpoll]";
}

// True if /proc/self/fdinfo/<epoll_fd> lists `watched` among the fds it watches ("tfd: N").
bool Watches(const std::string& epoll_fd, int watched) {
  std::ifstream info("/proc/self/fdinfo/" + epoll_fd);
  std::string line;
  while (std::getline(info, line)) {
    if (line.rfind("tfd:", 0) == 0 && std::atoi(line.c_str() + 4) == watched) return true;
  }
  return false;
}

// The epoll instance of this process that watches `watched`. sofia does not expose its port's
// epoll fd; the fd we registered with the root is in no other epoll set, so it names the root's.
std::optional<int> EpollWatching(int watched) {
  DIR* fds = opendir("/proc/self/fd");
  if (fds == nullptr) return std::nullopt;
  std::optional<int> found;
  while (const dirent* entry = readdir(fds)) {
    const std::string name = entry->d_name;
    if (name.empty() || name[0] == '.' || std::atoi(name.c_str()) == dirfd(fds)) continue;
    if (IsEpollInstance("/proc/self/fd/" + name) && Watches(name, watched)) {
      found = std::atoi(name.c_str());
      break;
    }
  }
  closedir(fds);
  return found;
}

}  // namespace

SofiaRootRunner::SofiaRootRunner(su_root_t* root, int registered_fd) : root_(root) {
  // A duplicate of our own, so that the number stays valid whatever sofia does with its fd.
  if (const auto epoll = EpollWatching(registered_fd)) {
    epoll_fd_ = fcntl(*epoll, F_DUPFD_CLOEXEC, 0);
  }
  if (epoll_fd_ < 0) {
    spdlog::warn("sip: sofia's epoll instance not found; its loop polls before each timer");
  }
}

SofiaRootRunner::~SofiaRootRunner() {
  if (epoll_fd_ >= 0) close(epoll_fd_);
}

void SofiaRootRunner::Run(const std::function<bool()>& done) {
  if (epoll_fd_ < 0) {
    while (!done()) su_root_run(root_);
    return;
  }
  int zero_steps = 0;
  while (!done()) {
    const std::uint64_t work_before = work_;
    // Runs the messages queued, the timers due and the I/O ready now (epoll_wait(…, 0)); returns
    // the milliseconds to the next timer, truncated, or 0 if it did anything or a message is
    // still queued.
    const su_duration_t next = su_root_step(root_, 0);
    ++steps_;
    if (done()) return;
    if (next != 0) {
      zero_steps = 0;
      // Nothing is queued: sleep until I/O or the timer. next + 1 rounds the truncation up.
      WaitForEvents(next == SU_WAIT_FOREVER ? -1 : static_cast<int>(next) + 1);
      continue;
    }
    if (work_ != work_before) {
      zero_steps = 0;  // our callbacks queued work for nua: run it now
      continue;
    }
    // A zero without any callback of ours: sofia's own I/O or messages, or a timer < 1 ms away.
    su_duration_t timer = SU_WAIT_FOREVER;
    if (ExpireTimers(timer) || timer != 0 || ++zero_steps < kStepsBeforeWaitingForTimer) continue;
    zero_steps = 0;
    WaitForEvents(1);
  }
}

bool SofiaRootRunner::ExpireTimers(su_duration_t& next) {
  return su_timer_expire(su_task_timers(su_root_task(root_)), &next, su_now()) > 0;
}

void SofiaRootRunner::WaitForEvents(int timeout_ms) {
  pollfd events{epoll_fd_, POLLIN, 0};
  while (poll(&events, 1, timeout_ms) < 0 && errno == EINTR) {
  }
}

}  // namespace fr::sip
