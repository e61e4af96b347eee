#include "app/caller_flood_guard.hpp"

#include <chrono>

namespace fr {
namespace {

constexpr auto kWindow = std::chrono::hours(1);
constexpr std::uint64_t kSweepEvery = 1024;  // admitted calls between sweeps: bounded memory

void Forget(std::deque<Timestamp>& calls, Timestamp now) {
  while (!calls.empty() && calls.front() <= now - kWindow) calls.pop_front();
}

}  // namespace

bool CallerFloodGuard::Admit(HotlineId hotline, const std::string& caller, Timestamp now) {
  if (calls_per_hour_ <= 0) return true;
  std::lock_guard lock(mu_);
  std::deque<Timestamp>& calls = calls_[Key(hotline.value, caller)];
  Forget(calls, now);
  if (calls.size() >= static_cast<std::size_t>(calls_per_hour_)) return false;
  calls.push_back(now);
  if (++admitted_since_sweep_ >= kSweepEvery) SweepLocked(now);
  return true;
}

void CallerFloodGuard::SweepLocked(Timestamp now) {
  admitted_since_sweep_ = 0;
  for (auto it = calls_.begin(); it != calls_.end();) {
    Forget(it->second, now);
    it = it->second.empty() ? calls_.erase(it) : std::next(it);
  }
}

}  // namespace fr
