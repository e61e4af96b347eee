#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>

// Per-source request limits in the style of Kamailio's pike module (decision 0029): a source
// address that sends more than a given number of requests within one second is blocked for a
// fixed time. No I/O, no clock of its own, no locking: RequestShield wraps it.
namespace fr::sip {

class SourceRateLimiter {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  struct Limits {
    int requests_per_second = 20;  // more than this within one second blocks; 0: never blocks
    std::chrono::milliseconds block_time{std::chrono::minutes(5)};
    // Sources remembered at most; beyond it the one heard from least recently is forgotten
    // (also if blocked), so memory stays bounded whatever a flood of forged sources does.
    std::size_t max_sources = 16384;
  };

  enum class Verdict {
    kPass,          // counted; below the limit
    kNewlyBlocked,  // this request crossed the limit: the source is blocked from now on
    kBlocked,       // the source is blocked; not counted
  };

  explicit SourceRateLimiter(Limits limits) : limits_(limits) {}

  // Counts one request from `source` (an IP literal) at `now`; `now` must not go backwards.
  Verdict Admit(std::string_view source, TimePoint now);

  // Sources blocked at `now`.
  std::size_t BlockedAt(TimePoint now) const;
  // Sources remembered (blocked or counting); at most limits.max_sources.
  std::size_t size() const { return by_source_.size(); }

 private:
  struct Source {
    std::string address;
    TimePoint window_start;   // the one-second window being counted
    int requests = 0;         // in that window
    TimePoint blocked_until;  // blocked while now < blocked_until
  };
  using Recency = std::list<Source>;  // most recently heard first

  Limits limits_;
  Recency recency_;
  std::unordered_map<std::string_view, Recency::iterator> by_source_;  // keys view the list
};

}  // namespace fr::sip
