#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "common/clock.hpp"
#include "common/ids.hpp"

namespace fr {

// The per-caller flood guard (decision 0044): at most `calls_per_hour` calls from one number to
// one hotline within any hour get through; more are refused as blocked until the oldest of
// them is an hour old. Refused calls do not count. Kept in memory, per node. Thread-safe.
class CallerFloodGuard {
 public:
  // 0: no limit.
  explicit CallerFloodGuard(int calls_per_hour) : calls_per_hour_(calls_per_hour) {}

  // Whether a call from `caller` ("00…") to `hotline` at `now` may go on; if so it is counted.
  bool Admit(HotlineId hotline, const std::string& caller, Timestamp now);

  int calls_per_hour() const { return calls_per_hour_; }

 private:
  using Key = std::pair<std::int64_t, std::string>;
  // Under mu_: drops every caller whose calls are all older than an hour.
  void SweepLocked(Timestamp now);

  const int calls_per_hour_;
  std::mutex mu_;
  std::map<Key, std::deque<Timestamp>> calls_;  // Guarded by mu_.
  std::uint64_t admitted_since_sweep_ = 0;      // Guarded by mu_.
};

}  // namespace fr
