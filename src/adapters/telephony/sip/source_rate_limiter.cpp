#include "adapters/telephony/sip/source_rate_limiter.hpp"

#include <algorithm>

namespace fr::sip {

SourceRateLimiter::Verdict SourceRateLimiter::Admit(std::string_view source, TimePoint now) {
  if (limits_.requests_per_second <= 0) return Verdict::kPass;
  auto found = by_source_.find(source);
  if (found == by_source_.end()) {
    if (by_source_.size() >= limits_.max_sources && !recency_.empty()) {
      by_source_.erase(recency_.back().address);
      recency_.pop_back();
    }
    recency_.push_front(Source{std::string(source), now, 0, TimePoint()});
    found = by_source_.emplace(recency_.front().address, recency_.begin()).first;
  } else {
    recency_.splice(recency_.begin(), recency_, found->second);
  }
  Source& entry = *found->second;
  if (now < entry.blocked_until) return Verdict::kBlocked;
  if (now - entry.window_start >= std::chrono::seconds(1)) {
    entry.window_start = now;
    entry.requests = 0;
  }
  if (++entry.requests <= limits_.requests_per_second) return Verdict::kPass;
  entry.blocked_until = now + limits_.block_time;
  // After the block, the source starts from nothing: one more request then is not a new flood.
  entry.window_start = entry.blocked_until;
  entry.requests = 0;
  return Verdict::kNewlyBlocked;
}

std::size_t SourceRateLimiter::BlockedAt(TimePoint now) const {
  return static_cast<std::size_t>(std::count_if(
      recency_.begin(), recency_.end(), [now](const Source& s) { return now < s.blocked_until; }));
}

}  // namespace fr::sip
