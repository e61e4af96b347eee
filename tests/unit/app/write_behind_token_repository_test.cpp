#include "app/write_behind_token_repository.hpp"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <vector>

#include "fakes/in_memory_identity_repositories.hpp"

namespace fr {
namespace {

using namespace std::chrono_literals;

// The in-memory tokens, whose RecordUse can be held (to catch the writer mid-write) or fail
// transiently; it records every write that reached it.
class GatedTokenRepository final : public TokenRepository {
 public:
  Result<Token> Create(const Token& token) override { return tokens_.Create(token); }
  Result<std::optional<Token>> FindBySecretHash(std::string_view hash) override {
    return tokens_.FindBySecretHash(hash);
  }
  Result<std::optional<Token>> Find(TokenId id) override { return tokens_.Find(id); }
  Result<std::vector<Token>> List(const TokenFilter& filter) override {
    return tokens_.List(filter);
  }
  Result<bool> Revoke(TokenId id, Timestamp now) override { return tokens_.Revoke(id, now); }
  Result<std::int64_t> RevokeSessions(UserId user, Timestamp now) override {
    return tokens_.RevokeSessions(user, now);
  }
  Result<std::int64_t> AuthenticationStamp() override { return tokens_.AuthenticationStamp(); }

  Status RecordUse(TokenId id, Timestamp now) override { return RecordUses({{id, now}}); }
  Status RecordUses(const std::vector<TokenUse>& uses) override {
    std::unique_lock lock(mu_);
    ++waiting_;
    changed_.notify_all();
    changed_.wait(lock, [&] { return !held_; });
    --waiting_;
    if (unavailable_ > 0) {
      --unavailable_;
      return Error::Unavailable("The database is busy; try again.");
    }
    for (const TokenUse& use : uses) {
      if (use.id == refused_) return Error::Internal("This use is refused for good.");
    }
    batches_.push_back(uses.size());
    for (const TokenUse& use : uses) writes_.emplace_back(use.id, use.at);
    return tokens_.RecordUses(uses);
  }

  void Hold() {
    std::lock_guard lock(mu_);
    held_ = true;
  }
  void Release() {
    {
      std::lock_guard lock(mu_);
      held_ = false;
    }
    changed_.notify_all();
  }
  // Waits until the writer is inside RecordUse (kept there while held).
  void WaitUntilWriting() {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [&] { return waiting_ > 0; });
  }
  void FailNext(int times) {
    std::lock_guard lock(mu_);
    unavailable_ = times;
  }
  // Every write of a use of `id` fails for good (kInternal), as a batch that holds one.
  void Refuse(TokenId id) {
    std::lock_guard lock(mu_);
    refused_ = id;
  }
  std::vector<std::pair<TokenId, Timestamp>> writes() {
    std::lock_guard lock(mu_);
    return writes_;
  }
  // How many uses each successful write stored, in order.
  std::vector<std::size_t> batches() {
    std::lock_guard lock(mu_);
    return batches_;
  }
  // The last use as stored.
  std::optional<Timestamp> StoredUse(TokenId id) {
    const auto tokens = tokens_.List({});
    for (const Token& token : *tokens) {
      if (token.id == id) return token.last_used_at;
    }
    return std::nullopt;
  }

 private:
  testing::InMemoryTokenRepository tokens_;
  std::mutex mu_;
  std::condition_variable changed_;
  bool held_ = false;                                  // Guarded by mu_.
  int waiting_ = 0;                                    // Guarded by mu_.
  int unavailable_ = 0;                                // Guarded by mu_: writes still to fail
  TokenId refused_;                                    // Guarded by mu_.
  std::vector<std::pair<TokenId, Timestamp>> writes_;  // Guarded by mu_.
  std::vector<std::size_t> batches_;                   // Guarded by mu_.
};

Timestamp At(int seconds) { return FromEpochMillis(1'800'000'000'000 + seconds * 1000LL); }

class WriteBehindTokenRepositoryTest : public ::testing::Test {
 protected:
  TokenId NewToken(const std::string& hash) {
    Token token;
    token.user_id = UserId(1);
    token.name = hash;
    token.secret_hash = hash;
    token.created_at = At(0);
    return storage_.Create(token)->id;
  }

  static WriteBehindOptions FastRetries(std::size_t max_queued = 4096,
                                        std::size_t max_uses_per_write = 256) {
    return {.max_queued = max_queued,
            .first_retry_delay = 1ms,
            .max_retry_delay = 4ms,
            .max_uses_per_write = max_uses_per_write};
  }

  GatedTokenRepository storage_;
};

TEST_F(WriteBehindTokenRepositoryTest, UsesQueuedMeanwhileBecomeOneWriteOfTheLatest) {
  const TokenId first = NewToken("a");
  const TokenId second = NewToken("b");
  WriteBehindTokenRepository tokens(storage_, FastRetries());
  storage_.Hold();
  ASSERT_TRUE(tokens.RecordUse(first, At(1)).ok());
  storage_.WaitUntilWriting();  // the use of At(1) is taken; the next ones queue
  for (int second_of_use : {3, 2, 4}) ASSERT_TRUE(tokens.RecordUse(first, At(second_of_use)).ok());
  ASSERT_TRUE(tokens.RecordUse(second, At(5)).ok());
  storage_.Release();
  EXPECT_EQ(tokens.Stop(5s), 0u);

  const auto writes = storage_.writes();
  ASSERT_EQ(writes.size(), 3u);
  EXPECT_EQ(writes[0], std::make_pair(first, At(1)));
  EXPECT_EQ(storage_.StoredUse(first), At(4)) << "the latest use, not the last recorded";
  EXPECT_EQ(storage_.StoredUse(second), At(5));
  EXPECT_EQ(tokens.stats().written, 3u);
}

TEST_F(WriteBehindTokenRepositoryTest, UsesOfManyTokensAreStoredInFewWrites) {
  std::vector<TokenId> ids;
  for (const char* hash : {"a", "b", "c", "d", "e", "f"}) ids.push_back(NewToken(hash));
  WriteBehindTokenRepository tokens(storage_, FastRetries(4096, 4));
  storage_.Hold();
  ASSERT_TRUE(tokens.RecordUse(ids[0], At(1)).ok());
  storage_.WaitUntilWriting();  // the others queue meanwhile
  for (std::size_t i = 1; i < ids.size(); ++i) {
    ASSERT_TRUE(tokens.RecordUse(ids[i], At(static_cast<int>(i) + 1)).ok());
  }
  storage_.Release();
  EXPECT_EQ(tokens.Stop(5s), 0u);

  // The first use alone, then the five queued behind it: four, and the one left over.
  EXPECT_EQ(storage_.batches(), (std::vector<std::size_t>{1, 4, 1}));
  for (std::size_t i = 0; i < ids.size(); ++i) {
    EXPECT_EQ(storage_.StoredUse(ids[i]), At(static_cast<int>(i) + 1));
  }
  EXPECT_EQ(tokens.stats().written, ids.size());
}

TEST_F(WriteBehindTokenRepositoryTest, AUseRefusedForGoodDoesNotTakeItsBatchWithIt) {
  const TokenId first = NewToken("a");
  const TokenId refused = NewToken("b");
  const TokenId third = NewToken("c");
  WriteBehindTokenRepository tokens(storage_, FastRetries());
  storage_.Refuse(refused);
  storage_.Hold();
  ASSERT_TRUE(tokens.RecordUse(first, At(1)).ok());
  storage_.WaitUntilWriting();
  ASSERT_TRUE(tokens.RecordUse(refused, At(2)).ok());
  ASSERT_TRUE(tokens.RecordUse(third, At(3)).ok());
  storage_.Release();
  EXPECT_EQ(tokens.Stop(5s), 1u);

  EXPECT_EQ(storage_.StoredUse(first), At(1));
  EXPECT_EQ(storage_.StoredUse(refused), std::nullopt);
  EXPECT_EQ(storage_.StoredUse(third), At(3));
  EXPECT_EQ(tokens.stats().written, 2u);
  EXPECT_EQ(tokens.stats().given_up, 1u);
}

TEST_F(WriteBehindTokenRepositoryTest, ReadsShowUsesNotStoredYet) {
  const TokenId id = NewToken("a");
  ASSERT_TRUE(storage_.RecordUse(id, At(1)).ok());
  WriteBehindTokenRepository tokens(storage_, FastRetries());
  storage_.Hold();
  ASSERT_TRUE(tokens.RecordUse(id, At(7)).ok());
  storage_.WaitUntilWriting();  // being written
  EXPECT_EQ(storage_.StoredUse(id), At(1));
  EXPECT_EQ(tokens.List({})->at(0).last_used_at, At(7));
  EXPECT_EQ((*tokens.FindBySecretHash("a"))->last_used_at, At(7));
  EXPECT_EQ((*tokens.Find(id))->last_used_at, At(7));
  ASSERT_TRUE(tokens.RecordUse(id, At(9)).ok());  // queued behind the write
  EXPECT_EQ(tokens.List({})->at(0).last_used_at, At(9));
  storage_.Release();
  EXPECT_EQ(tokens.Stop(5s), 0u);
  EXPECT_EQ(storage_.StoredUse(id), At(9));
}

TEST_F(WriteBehindTokenRepositoryTest, AFullQueueRefusesNewTokensButStillTakesQueuedOnes) {
  const TokenId busy = NewToken("busy");
  const TokenId first = NewToken("a");
  const TokenId second = NewToken("b");
  const TokenId third = NewToken("c");
  WriteBehindTokenRepository tokens(storage_, FastRetries(2));
  storage_.Hold();
  ASSERT_TRUE(tokens.RecordUse(busy, At(1)).ok());
  storage_.WaitUntilWriting();
  ASSERT_TRUE(tokens.RecordUse(first, At(2)).ok());
  ASSERT_TRUE(tokens.RecordUse(second, At(2)).ok());
  const Status refused = tokens.RecordUse(third, At(2));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kResourceExhausted);
  EXPECT_TRUE(tokens.RecordUse(first, At(3)).ok()) << "a queued token is updated in place";
  EXPECT_EQ(tokens.stats().refused, 1u);

  storage_.Release();
  EXPECT_EQ(tokens.Stop(5s), 0u);
  EXPECT_EQ(storage_.StoredUse(first), At(3));
  EXPECT_EQ(storage_.StoredUse(second), At(2));
  EXPECT_EQ(storage_.StoredUse(third), std::nullopt);
}

TEST_F(WriteBehindTokenRepositoryTest, UnavailableStorageIsRetriedAndNothingIsLost) {
  const TokenId first = NewToken("a");
  const TokenId second = NewToken("b");
  WriteBehindTokenRepository tokens(storage_, FastRetries());
  storage_.FailNext(3);
  ASSERT_TRUE(tokens.RecordUse(first, At(1)).ok());
  ASSERT_TRUE(tokens.RecordUse(second, At(2)).ok());
  EXPECT_EQ(tokens.Stop(5s), 0u);
  EXPECT_EQ(storage_.StoredUse(first), At(1));
  EXPECT_EQ(storage_.StoredUse(second), At(2));
}

TEST_F(WriteBehindTokenRepositoryTest, StopGivesUpAtItsDeadlineAndThenWritesThrough) {
  const TokenId id = NewToken("a");
  WriteBehindTokenRepository tokens(storage_, FastRetries());
  storage_.FailNext(1'000'000);
  ASSERT_TRUE(tokens.RecordUse(id, At(1)).ok());
  EXPECT_EQ(tokens.Stop(50ms), 1u);
  EXPECT_EQ(tokens.stats().given_up, 1u);
  EXPECT_EQ(storage_.StoredUse(id), std::nullopt);

  storage_.FailNext(0);
  ASSERT_TRUE(tokens.RecordUse(id, At(2)).ok());
  EXPECT_EQ(storage_.StoredUse(id), At(2)) << "after Stop, a use is written at once";
}

}  // namespace
}  // namespace fr
