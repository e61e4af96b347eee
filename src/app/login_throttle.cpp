#include "app/login_throttle.hpp"

#include <iterator>

namespace fr {

void FailureWindow::Expire(std::deque<Timestamp>& failures, Timestamp now) const {
  while (!failures.empty() && now - failures.front() >= window_) failures.pop_front();
}

void FailureWindow::Erase(std::unordered_map<std::string, Failures>::iterator entry) {
  recency_.erase(entry->second.recency);
  failures_.erase(entry);
}

bool FailureWindow::Blocked(const std::string& key, Timestamp now) {
  if (limit_ <= 0) return false;
  std::lock_guard lock(mu_);
  return BlockedLocked(key, now);
}

void FailureWindow::RecordFailure(const std::string& key, Timestamp now) {
  if (limit_ <= 0) return;
  std::lock_guard lock(mu_);
  RecordLocked(key, now);
}

bool FailureWindow::RecordUnlessBlocked(const std::string& key, Timestamp now) {
  if (limit_ <= 0) return true;
  std::lock_guard lock(mu_);
  if (BlockedLocked(key, now)) return false;
  RecordLocked(key, now);
  return true;
}

bool FailureWindow::BlockedLocked(const std::string& key, Timestamp now) {
  const auto found = failures_.find(key);
  if (found == failures_.end()) return false;
  Expire(found->second.times, now);
  if (found->second.times.empty()) {
    Erase(found);
    return false;
  }
  return found->second.times.size() >= static_cast<std::size_t>(limit_);
}

void FailureWindow::RecordLocked(const std::string& key, Timestamp now) {
  auto found = failures_.find(key);
  if (found == failures_.end()) {
    // The least recently failed key goes first: its failures are the oldest, so it is the one
    // closest to leaving the window anyway.
    while (failures_.size() >= max_keys_) Erase(failures_.find(recency_.front()));
    recency_.push_back(key);
    found = failures_.emplace(key, Failures{{}, std::prev(recency_.end())}).first;
  } else {
    recency_.splice(recency_.end(), recency_, found->second.recency);
  }
  auto& times = found->second.times;
  Expire(times, now);
  times.push_back(now);
  // Only the newest `limit` count for Blocked; older ones need not be kept.
  while (times.size() > static_cast<std::size_t>(limit_)) times.pop_front();
}

void FailureWindow::Clear(const std::string& key) {
  std::lock_guard lock(mu_);
  if (const auto found = failures_.find(key); found != failures_.end()) Erase(found);
}

std::size_t FailureWindow::size() {
  std::lock_guard lock(mu_);
  return failures_.size();
}

}  // namespace fr
