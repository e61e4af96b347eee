#include "app/login_throttle.hpp"

#include <iterator>

namespace fr {

void FailureWindow::Expire(std::deque<Timestamp>& failures, Timestamp now) const {
  while (!failures.empty() && now - failures.front() >= window_) failures.pop_front();
}

bool FailureWindow::Blocked(const std::string& key, Timestamp now) {
  if (limit_ <= 0) return false;
  std::lock_guard lock(mu_);
  const auto found = failures_.find(key);
  if (found == failures_.end()) return false;
  Expire(found->second, now);
  if (found->second.empty()) {
    failures_.erase(found);
    return false;
  }
  return found->second.size() >= static_cast<std::size_t>(limit_);
}

void FailureWindow::RecordFailure(const std::string& key, Timestamp now) {
  if (limit_ <= 0) return;
  std::lock_guard lock(mu_);
  if (failures_.size() >= kMaxKeys && !failures_.contains(key)) {
    for (auto it = failures_.begin(); it != failures_.end();) {
      Expire(it->second, now);
      it = it->second.empty() ? failures_.erase(it) : std::next(it);
    }
    if (failures_.size() >= kMaxKeys) failures_.clear();
  }
  auto& failures = failures_[key];
  Expire(failures, now);
  failures.push_back(now);
  // Only the newest `limit` count for Blocked; older ones need not be kept.
  while (failures.size() > static_cast<std::size_t>(limit_)) failures.pop_front();
}

void FailureWindow::Clear(const std::string& key) {
  std::lock_guard lock(mu_);
  failures_.erase(key);
}

}  // namespace fr
