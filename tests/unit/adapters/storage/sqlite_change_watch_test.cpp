// The wal-index watch against real SQLite files: another connection's commit changes the mark,
// a read or a rolled-back write does not (decision 0084).
#include "adapters/storage/sqlite_change_watch.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "adapters/storage/database.hpp"

namespace fr {
namespace {

class SqliteChangeWatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = std::filesystem::temp_directory_path() /
                 ("fr-change-watch-" + std::to_string(::getpid()) + "-" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(directory_);
    std::filesystem::create_directories(directory_);
    path_ = (directory_ / "watched.db").string();
    auto opened = Database::Open("sqlite:" + path_, 2);
    ASSERT_TRUE(opened.ok()) << opened.error().detail;
    database_ = std::move(opened).value();
    ASSERT_EQ(sqlite3_open(path_.c_str(), &other_), SQLITE_OK);
    sqlite3_busy_timeout(other_, 10000);
  }
  void TearDown() override {
    sqlite3_close(other_);
    database_.reset();
    std::filesystem::remove_all(directory_);
  }
  void Execute(const char* sql) {
    char* message = nullptr;
    ASSERT_EQ(sqlite3_exec(other_, sql, nullptr, nullptr, &message), SQLITE_OK)
        << (message ? message : "");
  }

  std::filesystem::path directory_;
  std::string path_;
  std::unique_ptr<Database> database_;
  sqlite3* other_ = nullptr;  // another connection, as an admin command would have
};

TEST_F(SqliteChangeWatchTest, ACommitElsewhereChangesTheMarkAndReadsDoNot) {
  const SqliteChangeWatch* watch = database_->change_watch();
  ASSERT_NE(watch, nullptr);
  const auto first = watch->Look();
  EXPECT_TRUE(first == watch->Look());
  Execute("SELECT COUNT(*) FROM hotlines");
  EXPECT_TRUE(first == watch->Look()) << "a read is no change";

  Execute("CREATE TABLE watched (value INTEGER)");
  const auto created = watch->Look();
  EXPECT_FALSE(first == created);
  Execute("BEGIN IMMEDIATE; INSERT INTO watched VALUES (1); ROLLBACK");
  EXPECT_TRUE(created == watch->Look()) << "a rolled-back write is no change";
  for (int i = 0; i < 3; ++i) {
    const auto before = watch->Look();
    Execute("INSERT INTO watched VALUES (2)");
    EXPECT_FALSE(before == watch->Look()) << "insert " << i;
  }
}

TEST_F(SqliteChangeWatchTest, ACheckpointThatRestartsTheLogStillChangesTheMarkOnTheNextCommit) {
  const SqliteChangeWatch* watch = database_->change_watch();
  ASSERT_NE(watch, nullptr);
  Execute("CREATE TABLE watched (value INTEGER)");
  Execute("PRAGMA wal_checkpoint(TRUNCATE)");
  const auto checkpointed = watch->Look();
  Execute("INSERT INTO watched VALUES (1)");
  EXPECT_FALSE(checkpointed == watch->Look());
}

// Another process, as the `admin` command is, that opens, writes and closes the database: each
// commit changes the mark, the wal-index keeps its size, and this process reads on.
TEST_F(SqliteChangeWatchTest, AnotherProcessesCommitsChangeTheMarkAndTheDatabaseStaysReadable) {
  const SqliteChangeWatch* watch = database_->change_watch();
  ASSERT_NE(watch, nullptr);
  Execute("CREATE TABLE watched (value INTEGER)");
  const std::uintmax_t shm_bytes = std::filesystem::file_size(path_ + "-shm");
  for (int i = 0; i < 3; ++i) {
    const auto before = watch->Look();
    const std::string command =
        "sqlite3 '" + path_ + "' 'PRAGMA busy_timeout = 10000; INSERT INTO watched VALUES (1);'";
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
    EXPECT_EQ(std::filesystem::file_size(path_ + "-shm"), shm_bytes);
    EXPECT_FALSE(before == watch->Look()) << "write " << i;
  }
  auto counted = database_->Run("count", [](soci::session& session) {
    int rows = 0;
    session << "SELECT COUNT(*) FROM watched", soci::into(rows);
    return rows;
  });
  ASSERT_TRUE(counted.ok());
  EXPECT_EQ(counted.value(), 3);
}

// ChangeCheckedCache::ReadThrough: the value is read once and served while nothing commits; a
// commit made during the read (after the look it is remembered with) makes the next call read
// again; a value `keep` refuses and an error are never held.
TEST_F(SqliteChangeWatchTest, ReadThroughHoldsAValueUntilACommitAlsoOneMadeDuringItsRead) {
  const SqliteChangeWatch* watch = database_->change_watch();
  ASSERT_NE(watch, nullptr);
  ChangeCheckedCache<int, int> cache(4);
  int reads = 0;
  const auto read = [&]() -> Result<int> { return ++reads; };
  EXPECT_EQ(*cache.ReadThrough(watch, 1, read), 1);
  EXPECT_EQ(*cache.ReadThrough(watch, 1, read), 1) << "held";
  EXPECT_EQ(*cache.ReadThrough(watch, 2, read), 2) << "another key is read";

  Execute("CREATE TABLE watched (value INTEGER)");
  EXPECT_EQ(*cache.ReadThrough(watch, 1, read), 3) << "a commit since the read";
  const auto commit_during_read = [&]() -> Result<int> {
    Execute("INSERT INTO watched VALUES (1)");
    return ++reads;
  };
  EXPECT_EQ(*cache.ReadThrough(watch, 5, commit_during_read), 4);
  EXPECT_EQ(*cache.ReadThrough(watch, 5, read), 5) << "the mark was taken before that read";
  EXPECT_EQ(*cache.ReadThrough(watch, 5, read), 5);

  const auto never = [](int) { return false; };
  EXPECT_EQ(*cache.ReadThrough(watch, 3, read, never), 6);
  EXPECT_EQ(*cache.ReadThrough(watch, 3, read, never), 7) << "not kept, read again";
  const auto failing = []() -> Result<int> { return Error::Unavailable("busy"); };
  EXPECT_FALSE(cache.ReadThrough(watch, 4, failing).ok());
  EXPECT_EQ(*cache.ReadThrough(watch, 4, read), 8) << "an error is not held";
}

TEST(ChangeCheckedCacheTest, WithoutAWatchEveryCallReads) {
  ChangeCheckedCache<int, int> cache(4);
  int reads = 0;
  const auto read = [&]() -> Result<int> { return ++reads; };
  EXPECT_EQ(*cache.ReadThrough(nullptr, 1, read), 1);
  EXPECT_EQ(*cache.ReadThrough(nullptr, 1, read), 2);
}

TEST(SqliteChangeWatchOpenTest, NoWalIndexMeansNoWatch) {
  EXPECT_EQ(SqliteChangeWatch::Open(nullptr), nullptr);
  sqlite3* in_memory = nullptr;
  ASSERT_EQ(sqlite3_open(":memory:", &in_memory), SQLITE_OK);
  EXPECT_EQ(SqliteChangeWatch::Open(in_memory), nullptr);
  sqlite3_close(in_memory);
}

}  // namespace
}  // namespace fr
