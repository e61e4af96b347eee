#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <thread>

#include "identity/repositories.hpp"

namespace fr {

struct WriteBehindOptions {
  // Tokens whose last use may wait to be written at once; a use of one more token is refused
  // (kResourceExhausted) until the writer caught up, so memory stays bounded.
  std::size_t max_queued = 4096;
  std::chrono::milliseconds first_retry_delay{100};
  std::chrono::milliseconds max_retry_delay{5000};
  // Uses stored in one transaction (TokenRepository::RecordUses): one durable commit for many
  // tokens, while the write lock other writers wait for is held only briefly.
  std::size_t max_uses_per_write = 256;
};

// The TokenRepository of the service: RecordUse only queues the use, so that a request never
// waits for a write of its token's last use (issue #12); everything else is `storage`'s own.
// One writer thread stores the queued uses, each token once however often it was used
// meanwhile (the latest use wins), many tokens in one transaction (RecordUses). While storage is
// unavailable, the writer retries with backoff and keeps the uses queued. Reads in this process see
// queued uses: List, Find and FindBySecretHash report the later of the stored and the queued last
// use. Stop (or the destructor) writes what is queued before it returns, so a clean shutdown loses
// nothing. Thread-safe; `storage` must outlive this object.
class WriteBehindTokenRepository final : public TokenRepository {
 public:
  struct Stats {
    std::uint64_t written = 0;   // uses stored
    std::uint64_t refused = 0;   // RecordUse calls refused because the queue was full
    std::uint64_t given_up = 0;  // queued uses storage refused for good, or at Stop's deadline
  };

  explicit WriteBehindTokenRepository(TokenRepository& storage, WriteBehindOptions options = {});
  // Stops with a short drain (see Stop).
  ~WriteBehindTokenRepository() override;
  WriteBehindTokenRepository(const WriteBehindTokenRepository&) = delete;
  WriteBehindTokenRepository& operator=(const WriteBehindTokenRepository&) = delete;

  // Writes every queued use and stops the writer. While storage fails, retries for at most
  // `drain_timeout`, then gives the rest up. Afterwards RecordUse writes at once, on the
  // caller's thread. Returns the number of uses given up over the object's life. Idempotent.
  std::uint64_t Stop(std::chrono::milliseconds drain_timeout);

  Result<Token> Create(const Token& token) override { return storage_.Create(token); }
  // Both best effort: a use the writer stores while they read may be reported as stored before.
  Result<std::optional<Token>> FindBySecretHash(std::string_view secret_hash) override;
  Result<std::optional<Token>> Find(TokenId id) override;
  Result<std::vector<Token>> List(const TokenFilter& filter) override;
  Result<bool> Revoke(TokenId id, Timestamp now) override { return storage_.Revoke(id, now); }
  // Queues the use; a queued use of the same token keeps the later time. Errors:
  // kResourceExhausted when `max_queued` other tokens wait already (the use is not recorded;
  // the caller may try again later). After Stop: storage's own errors.
  Status RecordUse(TokenId id, Timestamp now) override;
  // Straight to storage: only the queue's own writer needs batches.
  Status RecordUses(const std::vector<TokenUse>& uses) override {
    return storage_.RecordUses(uses);
  }
  Result<std::int64_t> RevokeSessions(UserId user, Timestamp now) override {
    return storage_.RevokeSessions(user, now);
  }
  Result<std::int64_t> AuthenticationStamp() override { return storage_.AuthenticationStamp(); }

  Stats stats() const;

 private:
  using Uses = std::map<TokenId, Timestamp>;

  void RunWriter();
  // Writes `batch`, max_uses_per_write uses per transaction; returns the uses to try again
  // (storage unavailable, or Stop's deadline passed before they were tried).
  Uses Write(const Uses& batch);
  bool DrainDeadlinePassed() const;
  // Shows on `token` its use not stored yet, when that is later than the stored one.
  void ShowUnwrittenUse(Token& token) const;
  // Waits before a retry; false when Stop's drain deadline has passed. Requires `lock` on mu_.
  bool BackOff(std::unique_lock<std::mutex>& lock, std::chrono::milliseconds& delay);
  // The uses not yet stored: queued or being written. Requires mu_ held.
  Uses UnwrittenLocked() const;

  TokenRepository& storage_;
  const WriteBehindOptions options_;

  mutable std::mutex mu_;
  std::condition_variable work_ready_;
  Uses queued_;            // Guarded by mu_.
  Uses writing_;           // Guarded by mu_: taken by the writer, not stored yet.
  Stats stats_;            // Guarded by mu_.
  bool stopping_ = false;  // Guarded by mu_.
  bool stopped_ = false;   // Guarded by mu_: the writer ended; RecordUse writes through.
  std::chrono::steady_clock::time_point drain_deadline_;  // Guarded by mu_.
  std::thread thread_;  // last: starts once everything above exists
};

}  // namespace fr
