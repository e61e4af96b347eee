#include "app/write_behind_token_repository.hpp"

#include <algorithm>

namespace fr {
namespace {

// Keeps the later of `at` and the use `uses` holds for `id`.
void KeepLater(std::map<TokenId, Timestamp>& uses, TokenId id, Timestamp at) {
  const auto [found, inserted] = uses.emplace(id, at);
  if (!inserted) found->second = std::max(found->second, at);
}

// Shows `unwritten` as the token's last use when it is later than the stored one.
void ShowLaterUse(Token& token, Timestamp unwritten) {
  if (!token.last_used_at || *token.last_used_at < unwritten) token.last_used_at = unwritten;
}

}  // namespace

WriteBehindTokenRepository::WriteBehindTokenRepository(TokenRepository& storage,
                                                       WriteBehindOptions options)
    : storage_(storage), options_(options), thread_([this] { RunWriter(); }) {}

WriteBehindTokenRepository::~WriteBehindTokenRepository() { Stop(std::chrono::seconds(5)); }

std::uint64_t WriteBehindTokenRepository::Stop(std::chrono::milliseconds drain_timeout) {
  {
    std::lock_guard lock(mu_);
    if (!stopping_) {
      stopping_ = true;
      drain_deadline_ = std::chrono::steady_clock::now() + drain_timeout;
    }
  }
  work_ready_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mu_);
  return stats_.given_up;
}

Result<std::optional<Token>> WriteBehindTokenRepository::FindBySecretHash(
    std::string_view secret_hash) {
  FR_ASSIGN_OR_RETURN(std::optional<Token> token, storage_.FindBySecretHash(secret_hash));
  if (token) ShowUnwrittenUse(*token);
  return token;
}

Result<std::optional<Token>> WriteBehindTokenRepository::Find(TokenId id) {
  FR_ASSIGN_OR_RETURN(std::optional<Token> token, storage_.Find(id));
  if (token) ShowUnwrittenUse(*token);
  return token;
}

Result<std::vector<Token>> WriteBehindTokenRepository::List(const TokenFilter& filter) {
  // Taken before storage is read: a use the writer stores meanwhile is in one or the other.
  Uses unwritten;
  {
    std::lock_guard lock(mu_);
    unwritten = UnwrittenLocked();
  }
  FR_ASSIGN_OR_RETURN(std::vector<Token> tokens, storage_.List(filter));
  if (!unwritten.empty()) {
    for (Token& token : tokens) {
      if (const auto found = unwritten.find(token.id); found != unwritten.end()) {
        ShowLaterUse(token, found->second);
      }
    }
  }
  return tokens;
}

Status WriteBehindTokenRepository::RecordUse(TokenId id, Timestamp now) {
  std::unique_lock lock(mu_);
  if (stopped_) {
    lock.unlock();
    return storage_.RecordUse(id, now);
  }
  if (const auto queued = queued_.find(id); queued != queued_.end()) {
    queued->second = std::max(queued->second, now);
    return Ok();
  }
  if (queued_.size() >= options_.max_queued) {
    ++stats_.refused;
    return Error::ResourceExhausted("Too many token uses wait to be stored.");
  }
  queued_.emplace(id, now);
  lock.unlock();
  work_ready_.notify_one();
  return Ok();
}

WriteBehindTokenRepository::Stats WriteBehindTokenRepository::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

void WriteBehindTokenRepository::ShowUnwrittenUse(Token& token) const {
  std::lock_guard lock(mu_);
  // Looked up where it may wait, without copying the queue (up to twice max_queued uses).
  for (const Uses* uses : {&queued_, &writing_}) {
    if (const auto found = uses->find(token.id); found != uses->end()) {
      ShowLaterUse(token, found->second);
    }
  }
}

WriteBehindTokenRepository::Uses WriteBehindTokenRepository::UnwrittenLocked() const {
  Uses unwritten = queued_;
  for (const auto& [id, at] : writing_) KeepLater(unwritten, id, at);
  return unwritten;
}

void WriteBehindTokenRepository::RunWriter() {
  std::chrono::milliseconds delay = options_.first_retry_delay;
  std::unique_lock lock(mu_);
  while (true) {
    work_ready_.wait(lock, [&] { return stopping_ || !queued_.empty(); });
    if (queued_.empty()) break;  // stopping, and everything is stored
    writing_.swap(queued_);
    const Uses batch = writing_;
    lock.unlock();
    const Uses retry = Write(batch);
    lock.lock();
    writing_.clear();
    if (retry.empty()) {
      delay = options_.first_retry_delay;
      continue;
    }
    // Back in the queue, beside uses that came meanwhile: at most twice `max_queued` in all.
    for (const auto& [id, at] : retry) KeepLater(queued_, id, at);
    if (!BackOff(lock, delay)) {
      stats_.given_up += queued_.size();
      queued_.clear();
      break;
    }
  }
  // From now on RecordUse writes through, so nothing recorded after Stop is lost either.
  stopped_ = true;
}

WriteBehindTokenRepository::Uses WriteBehindTokenRepository::Write(const Uses& batch) {
  Uses retry;
  std::uint64_t written = 0;
  std::uint64_t given_up = 0;
  std::vector<TokenUse> uses;
  for (auto next = batch.begin(); next != batch.end();) {
    // Storage that was unavailable a moment ago is not asked again in this round, nor after
    // Stop's deadline: the rest goes back to the queue, where RunWriter decides.
    if (!retry.empty() || DrainDeadlinePassed()) {
      retry.insert(next, batch.end());
      break;
    }
    uses.clear();
    for (;
         next != batch.end() && uses.size() < std::max<std::size_t>(options_.max_uses_per_write, 1);
         ++next) {
      uses.push_back({next->first, next->second});
    }
    const Status stored = storage_.RecordUses(uses);
    if (stored.ok()) {
      written += uses.size();
    } else if (stored.error().code == ErrorCode::kUnavailable) {
      for (const TokenUse& use : uses) retry.emplace(use.id, use.at);
    } else {
      // Refused for good, which a retry would be too: one use by one, so that one bad use
      // does not take the others with it.
      for (const TokenUse& use : uses) {
        if (!retry.empty()) {
          retry.emplace(use.id, use.at);
          continue;
        }
        const Status alone = storage_.RecordUse(use.id, use.at);
        if (alone.ok()) {
          ++written;
        } else if (alone.error().code == ErrorCode::kUnavailable) {
          retry.emplace(use.id, use.at);
        } else {
          ++given_up;
        }
      }
    }
  }
  std::lock_guard lock(mu_);
  stats_.written += written;
  stats_.given_up += given_up;
  return retry;
}

bool WriteBehindTokenRepository::DrainDeadlinePassed() const {
  std::lock_guard lock(mu_);
  return stopping_ && std::chrono::steady_clock::now() >= drain_deadline_;
}

bool WriteBehindTokenRepository::BackOff(std::unique_lock<std::mutex>& lock,
                                         std::chrono::milliseconds& delay) {
  const auto now = std::chrono::steady_clock::now();
  if (stopping_ && now >= drain_deadline_) return false;
  const bool was_stopping = stopping_;
  const auto wake = stopping_ ? std::min(now + delay, drain_deadline_) : now + delay;
  // Stop wakes the wait: the drain tries again at once and its deadline, not the backoff,
  // decides when to give up.
  work_ready_.wait_until(lock, wake, [&] { return stopping_ && !was_stopping; });
  delay = std::min(delay * 2, options_.max_retry_delay);
  return true;
}

}  // namespace fr
