// One suite for every BlockedCallerRepository: the fake keeps the promises of SQLite and
// PostgreSQL.
#include <gtest/gtest.h>

#include <type_traits>

#include "adapters/storage/soci_blocked_caller_repository.hpp"
#include "adapters/storage/soci_identity_repositories.hpp"
#include "contract/storage_backends.hpp"
#include "fakes/in_memory_blocked_caller_repository.hpp"

namespace fr {
namespace {

struct InMemoryBackend {
  OrganizationId first{1}, second{2};
  testing::InMemoryBlockedCallerRepository blocks;
};

template <typename StorageType>
struct SociBackend {
  using Storage = StorageType;
  SociBackend() {
    SociOrganizationRepository organizations(*database);
    first = organizations.Create("First", {})->id;
    second = organizations.Create("Second", {})->id;
  }
  Storage storage;
  std::unique_ptr<Database> database = testing::OpenDatabase(storage);
  OrganizationId first, second;
  SociBlockedCallerRepository blocks{*database};
};

template <typename Backend>
class BlockedCallerRepositoryContract : public ::testing::Test {
 protected:
  static Timestamp At(std::int64_t seconds) {
    return FromEpochMillis(1'800'000'000'000 + seconds * 1000);
  }
  Result<BlockedCaller> Block(OrganizationId organization, const std::string& number,
                              std::optional<std::int64_t> expires = std::nullopt,
                              std::int64_t now = 0) {
    BlockedCaller block;
    block.organization_id = organization;
    block.number = number;
    block.note = "threats";
    if (expires) block.expires_at = At(*expires);
    block.created_at = At(now);
    return backend_.blocks.Create(block);
  }
  Backend backend_;
};

using Backends = ::testing::Types<InMemoryBackend, SociBackend<testing::SqliteStorage>,
                                  SociBackend<testing::PostgresqlStorage>>;
TYPED_TEST_SUITE(BlockedCallerRepositoryContract, Backends, testing::BackendNames);

TYPED_TEST(BlockedCallerRepositoryContract, ABlockAppliesToItsOrganizationUntilItExpires) {
  auto& blocks = this->backend_.blocks;
  const auto forever = this->Block(this->backend_.first, "004930111");
  ASSERT_TRUE(forever.ok()) << forever.error().detail;
  EXPECT_TRUE(forever->id.valid());
  ASSERT_TRUE(this->Block(this->backend_.first, "004930222", 100).ok());
  EXPECT_TRUE(*blocks.IsBlocked(this->backend_.first, "004930111", this->At(1'000'000)));
  EXPECT_FALSE(*blocks.IsBlocked(this->backend_.second, "004930111", this->At(0)));
  EXPECT_FALSE(*blocks.IsBlocked(this->backend_.first, "004930333", this->At(0)));
  EXPECT_TRUE(*blocks.IsBlocked(this->backend_.first, "004930222", this->At(99)));
  EXPECT_FALSE(*blocks.IsBlocked(this->backend_.first, "004930222", this->At(100)));
}

TYPED_TEST(BlockedCallerRepositoryContract, ANumberIsBlockedOnceUntilItsBlockExpired) {
  ASSERT_TRUE(this->Block(this->backend_.first, "004930111", 100).ok());
  EXPECT_EQ(this->Block(this->backend_.first, "004930111", std::nullopt, 50).error().code,
            ErrorCode::kAlreadyExists);
  EXPECT_TRUE(this->Block(this->backend_.second, "004930111").ok()) << "another organisation";
  const auto renewed = this->Block(this->backend_.first, "004930111", std::nullopt, 100);
  ASSERT_TRUE(renewed.ok()) << renewed.error().detail;
  const auto page = *this->backend_.blocks.List(this->backend_.first, this->At(100), 10, 0);
  ASSERT_EQ(page.total, 1);
  EXPECT_EQ(page.blocked_callers.front().id, renewed->id);
  EXPECT_FALSE(page.blocked_callers.front().expires_at.has_value());
}

TYPED_TEST(BlockedCallerRepositoryContract, ListPagesByIdAndDeleteNeedsTheOrganization) {
  std::vector<BlockedCallerId> ids;
  for (const char* number : {"004930111", "004930222", "004930333"}) {
    ids.push_back(this->Block(this->backend_.first, number, 500)->id);
  }
  const auto page = *this->backend_.blocks.List(this->backend_.first, this->At(0), 2, 1);
  EXPECT_EQ(page.total, 3);
  ASSERT_EQ(page.blocked_callers.size(), 2u);
  EXPECT_EQ(page.blocked_callers[0].id, ids[1]);
  EXPECT_EQ(page.blocked_callers[0].number, "004930222");
  EXPECT_EQ(page.blocked_callers[0].note, "threats");
  EXPECT_EQ(page.blocked_callers[0].expires_at, this->At(500));
  EXPECT_EQ(page.blocked_callers[0].created_at, this->At(0));
  EXPECT_EQ(this->backend_.blocks.Delete(this->backend_.second, ids[0]).error().code,
            ErrorCode::kNotFound);
  EXPECT_TRUE(this->backend_.blocks.Delete(this->backend_.first, ids[0]).ok());
  EXPECT_EQ(this->backend_.blocks.Delete(this->backend_.first, ids[0]).error().code,
            ErrorCode::kNotFound);
  EXPECT_FALSE(*this->backend_.blocks.IsBlocked(this->backend_.first, "004930111", this->At(0)));
}

// Decision 0077: an expired block is not listed, and the purge deletes it (and nothing else).
TYPED_TEST(BlockedCallerRepositoryContract, ExpiredBlocksAreNotListedAndArePurged) {
  auto& blocks = this->backend_.blocks;
  ASSERT_TRUE(this->Block(this->backend_.first, "004930111").ok());
  ASSERT_TRUE(this->Block(this->backend_.first, "004930222", 100).ok());
  ASSERT_TRUE(this->Block(this->backend_.second, "004930333", 50).ok());
  EXPECT_EQ(blocks.List(this->backend_.first, this->At(99), 10, 0)->total, 2);
  const auto later = *blocks.List(this->backend_.first, this->At(100), 10, 0);
  EXPECT_EQ(later.total, 1);
  ASSERT_EQ(later.blocked_callers.size(), 1u);
  EXPECT_EQ(later.blocked_callers.front().number, "004930111");
  EXPECT_EQ(*blocks.PurgeExpired(this->At(99)), 1) << "the second organisation's";
  EXPECT_EQ(*blocks.PurgeExpired(this->At(100)), 1);
  EXPECT_EQ(*blocks.PurgeExpired(this->At(1'000'000)), 0) << "a block without an end stays";
  EXPECT_EQ(blocks.List(this->backend_.first, this->At(0), 10, 0)->total, 1);
  EXPECT_TRUE(*blocks.IsBlocked(this->backend_.first, "004930111", this->At(1'000'000)));
}

// On SQLite every write of the process takes its turn in the write gate (decision 0095); the
// purge and an unblock, single statements, through RunWrite, each counted as a member of a group.
TYPED_TEST(BlockedCallerRepositoryContract, OnSqliteThePurgeAndAnUnblockPassTheWriteGate) {
  if constexpr (!std::is_same_v<TypeParam, SociBackend<testing::SqliteStorage>>) {
    GTEST_SKIP() << "the write gate is SQLite's";
  } else {
    auto& blocks = this->backend_.blocks;
    const auto block = this->Block(this->backend_.first, "004930111");
    ASSERT_TRUE(block.ok());
    const auto before = this->backend_.database->write_group_counts().members;
    EXPECT_EQ(*blocks.PurgeExpired(this->At(100)), 0);
    ASSERT_TRUE(blocks.Delete(this->backend_.first, block->id).ok());
    EXPECT_EQ(this->backend_.database->write_group_counts().members - before, 2u);
  }
}

}  // namespace
}  // namespace fr
