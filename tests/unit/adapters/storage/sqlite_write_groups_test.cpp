// Group commit on a real SQLite file (decision 0091), through Database::Write: concurrent writes
// all land in fewer commits, a member's own failure undoes only its writes, a failed commit
// fails every member of the group and stores none of them. The process's other write
// transactions pass the same gate (decision 0095), and a transaction left open does not go back
// to the pool.
#include "adapters/storage/sqlite_write_groups.hpp"

#include <gtest/gtest.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "adapters/storage/database.hpp"
#include "support/temp_dir.hpp"

namespace fr {
namespace {

class SqliteWriteGroupsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Database::Open("sqlite:" + (dir_.path() / "groups.db").string(), 4);
    ASSERT_TRUE(opened.ok()) << opened.error().detail;
    database_ = std::move(opened).value();
    ASSERT_TRUE(database_
                    ->Run("create test tables",
                          [](soci::session& session) {
                            session << "CREATE TABLE parents (id INTEGER PRIMARY KEY)";
                            session << "CREATE TABLE rows (id INTEGER PRIMARY KEY, parent INTEGER "
                                       "REFERENCES parents (id) DEFERRABLE INITIALLY DEFERRED)";
                          })
                    .ok());
  }

  // Inserts row `id` (with `parent`, whose existence is checked only at COMMIT).
  Status Insert(long long id, std::optional<long long> parent = std::nullopt) {
    return database_->Write("insert a row", [&](soci::session& session) {
      if (parent) {
        session << "INSERT INTO rows (id, parent) VALUES (:id, :parent)", soci::use(id),
            soci::use(*parent);
      } else {
        session << "INSERT INTO rows (id) VALUES (:id)", soci::use(id);
      }
    });
  }

  std::vector<long long> StoredIds() {
    return database_
        ->Run("read rows",
              [](soci::session& session) {
                std::vector<long long> ids;
                soci::rowset<long long> rows =
                    (session.prepare << "SELECT id FROM rows ORDER BY id");
                for (long long id : rows) ids.push_back(id);
                return ids;
              })
        .value();
  }

  // Starts a writer that inserts row 1 and then, still inside its work, waits until `joiners`
  // other writers wait for their turn in its group; returns once that writer's work runs, so
  // that the writers started next join its group. `status` receives its result.
  std::thread StartFirst(std::size_t joiners, Status& status) {
    std::atomic<bool> working{false};
    std::thread first([this, joiners, &status, &working] {
      status = database_->Write("first", [&](soci::session& session) {
        session << "INSERT INTO rows (id) VALUES (1)";
        working = true;
        // Bounded, so that writers that fail to join end in failed expectations, not a hang.
        const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        while (database_->write_group_counts().waiting < joiners &&
               std::chrono::steady_clock::now() < give_up) {
          std::this_thread::yield();
        }
      });
    });
    while (!working) std::this_thread::yield();
    return first;
  }

  // Replaces the busy timeout of every pooled session with a handler that counts its calls
  // (and otherwise waits as the timeout would): how often a writer of this process met the
  // write lock held.
  void CountBusyWaits() {
    std::function<void(int)> install = [&](int left) {
      if (left == 0) return;
      // Nested, so that each level leases another of the pool's four sessions.
      ASSERT_TRUE(database_
                      ->Run("count busy waits",
                            [&](soci::session& session) {
                              auto* backend = static_cast<soci::sqlite3_session_backend*>(
                                  session.get_backend());
                              sqlite_api::sqlite3_busy_handler(backend->conn_, &CountBusyWait,
                                                               &busy_waits_);
                              install(left - 1);
                            })
                      .ok());
    };
    install(4);
  }

  static int CountBusyWait(void* counter, int tries) {
    ++*static_cast<std::atomic<int>*>(counter);
    if (tries >= 5000) return 0;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return 1;
  }

  // Inserts row `id` in a transaction of its own (Run + WriteTransaction), as most repository
  // writes do.
  Status InsertAlone(long long id) {
    return database_->Run("insert a row alone", [&](soci::session& session) {
      WriteTransaction transaction(*database_, session);
      session << "INSERT INTO rows (id) VALUES (:id)", soci::use(id);
      transaction.Commit();
    });
  }

  // Inserts row `id` in one statement that needs no transaction of its own (RunWrite), as the
  // calls-in-progress and token writes do.
  Status InsertAutocommit(long long id) {
    return database_->RunWrite("insert a row in autocommit", [&](soci::session& session) {
      session << "INSERT INTO rows (id) VALUES (:id)", soci::use(id);
    });
  }

  testing::TempDir dir_;
  std::unique_ptr<Database> database_;
  std::atomic<int> busy_waits_{0};
};

TEST_F(SqliteWriteGroupsTest, ConcurrentWritesAllLandInFewerCommits) {
  constexpr int kThreads = 8;
  constexpr int kEach = 25;
  const auto before = database_->write_group_counts();
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        if (!Insert(t * 1000 + i).ok()) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(StoredIds().size(), static_cast<std::size_t>(kThreads * kEach));
  const auto after = database_->write_group_counts();
  EXPECT_EQ(after.members - before.members, static_cast<std::uint64_t>(kThreads * kEach));
  EXPECT_GE(after.commits - before.commits, 1u);
}

TEST_F(SqliteWriteGroupsTest, WritersArrivingDuringAMembersWorkShareItsCommit) {
  const auto before = database_->write_group_counts();
  Status first_status;
  std::thread first = StartFirst(2, first_status);
  std::thread second([&] { EXPECT_TRUE(Insert(2).ok()); });
  std::thread third([&] { EXPECT_TRUE(Insert(3).ok()); });
  for (auto* thread : {&first, &second, &third}) thread->join();
  EXPECT_TRUE(first_status.ok());
  const auto after = database_->write_group_counts();
  EXPECT_EQ(after.members - before.members, 3u);
  EXPECT_EQ(after.commits - before.commits, 1u) << "three writers, one commit";
  EXPECT_EQ(StoredIds(), (std::vector<long long>{1, 2, 3}));
}

TEST_F(SqliteWriteGroupsTest, AMembersOwnFailureUndoesOnlyItsWrites) {
  ASSERT_TRUE(Insert(7).ok());
  Status first_status, duplicate, refused;
  std::thread first = StartFirst(3, first_status);
  std::thread kept([&] { EXPECT_TRUE(Insert(2).ok()); });
  // Writes a row, then hits a unique violation: its first row goes too.
  std::thread violating([&] {
    duplicate = database_->Write("violating", [](soci::session& session) {
      session << "INSERT INTO rows (id) VALUES (3)";
      session << "INSERT INTO rows (id) VALUES (7)";
    });
  });
  // Writes a row, then decides against it.
  std::thread deciding([&] {
    refused = database_->Write("deciding", [](soci::session& session) -> Status {
      session << "INSERT INTO rows (id) VALUES (4)";
      return Error::Conflict("changed my mind");
    });
  });
  for (auto* thread : {&first, &kept, &violating, &deciding}) thread->join();
  EXPECT_TRUE(first_status.ok());
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.error().code, ErrorCode::kAlreadyExists);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kConflict);
  EXPECT_EQ(StoredIds(), (std::vector<long long>{1, 2, 7}));
}

TEST_F(SqliteWriteGroupsTest, AFailedCommitFailsEveryMemberAndStoresNone) {
  Status first_status, second_status, dangling_status;
  std::thread first = StartFirst(2, first_status);
  std::thread second([&] { second_status = Insert(2); });
  // Its parent does not exist: the deferred key fails the COMMIT, not the member's own work.
  std::thread dangling([&] { dangling_status = Insert(3, 99); });
  for (auto* thread : {&first, &second, &dangling}) thread->join();
  for (const Status* status : {&first_status, &second_status, &dangling_status}) {
    ASSERT_FALSE(status->ok());
    EXPECT_EQ(status->error().code, ErrorCode::kInternal);
  }
  EXPECT_TRUE(StoredIds().empty());

  // The next group starts afresh on a session with no transaction left open.
  ASSERT_TRUE(Insert(4).ok());
  EXPECT_EQ(StoredIds(), (std::vector<long long>{4}));
}

TEST_F(SqliteWriteGroupsTest, WriteTransactionsUnderAFloodOfGroupedWritesWaitInTheGate) {
  CountBusyWaits();
  std::atomic<bool> stop{false};
  std::atomic<long long> next_id{1};
  std::atomic<int> grouped{0}, failures{0};
  std::vector<std::thread> flood;
  for (int t = 0; t < 4; ++t) {
    flood.emplace_back([&] {
      // Bounded, so that a writer kept out ends in failed expectations, not a hang.
      const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(120);
      while (!stop && std::chrono::steady_clock::now() < give_up) {
        if (Insert(next_id++).ok()) {
          ++grouped;
        } else {
          ++failures;
        }
      }
    });
  }
  while (grouped < 20 && failures == 0) std::this_thread::yield();
  constexpr int kAlone = 20;
  std::vector<Status> alone;
  for (int i = 0; i < kAlone; ++i) {
    alone.push_back(InsertAutocommit(900'000 + i));
    alone.push_back(InsertAlone(1'000'000 + i));
  }
  stop = true;
  for (auto& thread : flood) thread.join();

  for (const Status& status : alone) EXPECT_TRUE(status.ok()) << status.error().detail;
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(busy_waits_.load(), 0) << "a writer of this process met the write lock held";
  const std::vector<long long> stored = StoredIds();
  EXPECT_EQ(stored.size(), static_cast<std::size_t>(grouped.load() + 2 * kAlone));
  EXPECT_EQ(stored.back(), 1'000'000 + kAlone - 1);
}

// The gate's waits end like SQLite's busy timeout would: kUnavailable (503 to a client), the
// gate left as it was.
TEST(SqliteWriteGroupsWaitLimitTest, AWriterKeptOutPastTheLimitGetsUnavailable) {
  testing::TempDir dir;
  soci::connection_pool pool(2);
  for (std::size_t i = 0; i < 2; ++i) {
    pool.at(i).open(soci::sqlite3, "db=\"" + (dir.path() / "limit.db").string() + "\"");
  }
  SqliteWriteGroups gate(pool, nullptr, std::chrono::milliseconds(20));
  ASSERT_TRUE(gate.EnterAlone("hold the gate").ok());
  Status alone;
  Result<SqliteWriteGroups::Turn> grouped = Error::Internal("not run");
  std::thread others([&] {
    alone = gate.EnterAlone("wait alone");
    grouped = gate.Enter("wait in a group");
  });
  others.join();
  gate.LeaveAlone();
  ASSERT_FALSE(alone.ok());
  EXPECT_EQ(alone.error().code, ErrorCode::kUnavailable);
  ASSERT_FALSE(grouped.ok());
  EXPECT_EQ(grouped.error().code, ErrorCode::kUnavailable);

  // Nothing of the writers that gave up stays in the gate.
  auto turn = gate.Enter("write once the gate is free");
  ASSERT_TRUE(turn.ok()) << turn.error().detail;
  EXPECT_TRUE(gate.Leave(std::move(turn).value(), true).ok());
  ASSERT_TRUE(gate.EnterAlone("alone once the gate is free").ok());
  gate.LeaveAlone();
}

TEST_F(SqliteWriteGroupsTest, ATransactionLeftOpenDoesNotGoBackToThePool) {
  // A user that leaves its transaction open, write lock and all (as a failed ROLLBACK would).
  ASSERT_TRUE(database_
                  ->Run("leave a transaction open",
                        [](soci::session& session) {
                          session << "BEGIN IMMEDIATE";
                          session << "INSERT INTO rows (id) VALUES (1)";
                        })
                  .ok());
  // The next writers find neither the transaction nor its lock.
  EXPECT_TRUE(InsertAlone(2).ok());
  EXPECT_TRUE(Insert(3).ok());
  EXPECT_EQ(StoredIds(), (std::vector<long long>{2, 3}));
}

}  // namespace
}  // namespace fr
