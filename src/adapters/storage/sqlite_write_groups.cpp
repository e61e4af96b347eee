#include "adapters/storage/sqlite_write_groups.hpp"

#include <spdlog/spdlog.h>

#include <utility>

#include "adapters/storage/database.hpp"

namespace fr {
namespace {

// One name serves every member: the savepoints of a group never nest, they follow each other.
constexpr const char* kSavepoint = "SAVEPOINT fr_group_member";
constexpr const char* kRelease = "RELEASE fr_group_member";
constexpr const char* kRollbackTo = "ROLLBACK TO fr_group_member";

// What a writer gets that waited in the gate past the wait limit: what a busy SQLite gives one
// that waited past its busy timeout (Classify in database.cpp), so that clients still get 503.
Error GateTimedOut(const char* operation) {
  spdlog::warn("storage: {}: waited for the write gate past the busy timeout", operation);
  return Error::Unavailable("The database is busy; try again.");
}

Error LostTransaction() {
  spdlog::error("storage: SQLite rolled back a group of writes by itself");
  return Error::Unavailable("The database cannot write right now; try again.");
}

}  // namespace

struct SqliteWriteGroups::Group {
  soci::session* session = nullptr;  // set once the group began
  std::size_t position = 0;          // of the session in the pool
  std::size_t members = 1;           // joined so far, its starter included
  std::size_t waiting = 0;           // joined, waiting for their turn
  bool busy = true;                  // a member holds the session (first: the starter)
  bool closed = false;               // takes no more members: its end is under way
  bool done = false;                 // ended; `failure` says how
  std::optional<Error> failure;      // set once the whole group failed
};

soci::session& SqliteWriteGroups::Turn::session() const { return *group_->session; }

SqliteWriteGroups::SqliteWriteGroups(soci::connection_pool& pool, SessionCleanup session_cleanup,
                                     std::chrono::milliseconds wait_limit, std::size_t max_members)
    : pool_(pool),
      session_cleanup_(std::move(session_cleanup)),
      wait_limit_(wait_limit),
      max_members_(max_members < 1 ? 1 : max_members) {}

SqliteWriteGroups::~SqliteWriteGroups() = default;

Result<SqliteWriteGroups::Turn> SqliteWriteGroups::Enter(const char* operation) {
  const auto deadline = std::chrono::steady_clock::now() + wait_limit_;
  std::shared_ptr<Group> group;
  // Leased before the gate is taken (see the class comment), given back when it goes unused.
  // A position in the pool, or kNotLeased (not an optional: g++ 12 then warns that it may be
  // read uninitialised).
  constexpr std::size_t kNotLeased = static_cast<std::size_t>(-1);
  std::size_t leased = kNotLeased;
  const auto give_back = [&](std::unique_lock<std::mutex>& lock) {
    lock.unlock();
    pool_.give_back(leased);
    leased = kNotLeased;
    lock.lock();
  };
  {
    std::unique_lock lock(mu_);
    // Every branch that let go of mu_ (a lease taken or given back) re-evaluates everything,
    // and every wait has its predicate: the state may have changed, and the notification gone
    // by, while mu_ was free.
    for (;;) {
      if (alone_ || alone_waiting_ > 0) {
        // A writer alone holds the gate or waits for it: it goes first, so that it is not kept
        // out by groups that follow each other.
        if (leased != kNotLeased) {
          give_back(lock);
          continue;
        }
        if (!gate_free_.wait_until(lock, deadline,
                                   [&] { return !alone_ && alone_waiting_ == 0; })) {
          return GateTimedOut(operation);
        }
        continue;
      }
      if (!open_ && leased != kNotLeased) {
        open_ = group = std::make_shared<Group>();
        group->position = leased;
        group->session = &pool_.at(leased);
        break;
      }
      if (!open_) {
        lock.unlock();
        leased = pool_.lease();  // may block: nothing is held meanwhile
        lock.lock();
        continue;  // the gate may have been taken meanwhile
      }
      if (leased != kNotLeased) {
        give_back(lock);
        continue;
      }
      if (!open_->closed && open_->members < max_members_) {
        group = open_;
        ++group->members;
        ++group->waiting;
        const bool turn = turn_passed_.wait_until(
            lock, deadline, [&] { return (!group->busy && !group->closed) || group->done; });
        --group->waiting;
        if (!turn) {
          // No turn was passed to it (the predicate is false): it leaves as if never joined.
          --group->members;
          return GateTimedOut(operation);
        }
        if (group->done) return *group->failure;  // it failed before this member's turn
        group->busy = true;
        break;
      }
      // The open group is ending (or full): it stays so until End replaces it, and the next
      // group begins after it.
      const std::shared_ptr<Group> ending = open_;
      if (!gate_free_.wait_until(lock, deadline, [&] { return open_ != ending; })) {
        return GateTimedOut(operation);
      }
    }
  }
  const bool starts = leased != kNotLeased;  // a member gave its lease back before joining
  std::optional<Error> failure;
  try {
    if (starts) *group->session << "BEGIN IMMEDIATE";
    *group->session << kSavepoint;
    return Turn(group);
  } catch (const std::exception& error) {
    failure = TranslateStorageError(error, operation);
  }
  // Without a transaction or a savepoint, nothing that follows can be told apart: the group
  // ends here, and the members waiting for it fail with this error. Closed first, so that no
  // writer joins a group that can only fail.
  {
    const std::lock_guard lock(mu_);
    group->closed = true;
  }
  End(*group, failure);
  return *failure;
}

Status SqliteWriteGroups::Leave(Turn turn, bool keep) {
  Group& group = *turn.group_;
  soci::session& session = *group.session;
  std::optional<Error> broken;
  try {
    if (keep) {
      session << kRelease;
    } else {
      session << kRollbackTo;
      session << kRelease;
    }
  } catch (const std::exception& error) {
    broken = TranslateStorageError(error, "end a member of a write group");
  }
  if (!broken && !SqliteInTransaction(session)) broken = LostTransaction();

  std::unique_lock lock(mu_);
  if (broken && !group.failure) group.failure = std::move(broken);
  group.busy = false;
  if (group.failure || group.waiting == 0) {
    // Nobody to pass the turn to, or nothing worth passing: this member ends the group.
    group.closed = true;
    std::optional<Error> failure = group.failure;
    lock.unlock();
    End(group, std::move(failure));
    lock.lock();
  } else {
    turn_passed_.notify_one();  // any waiting member may take it
    if (!keep) return Ok();
    group_ended_.wait(lock, [&] { return group.done; });
  }
  if (group.failure) return *group.failure;
  return Ok();
}

void SqliteWriteGroups::End(Group& group, std::optional<Error> failure) {
  if (group.session != nullptr) {
    soci::session& session = *group.session;
    if (!failure) {
      try {
        session << "COMMIT";
      } catch (const std::exception& error) {
        failure = TranslateStorageError(error, "commit a group of writes");
      }
    }
    // A failed COMMIT may leave the transaction open (a deferred foreign key), as may a member
    // whose savepoint could not be rolled back to: nothing of the group may stay.
    if (SqliteInTransaction(session)) {
      try {
        session << "ROLLBACK";
      } catch (const std::exception& error) {
        spdlog::error("storage: rollback of a group of writes failed: {}", error.what());
      }
      if (session_cleanup_) session_cleanup_(group.position);
    }
    pool_.give_back(group.position);
  }
  const std::lock_guard lock(mu_);
  group.closed = true;
  group.done = true;
  group.failure = std::move(failure);
  if (!group.failure) {
    ++counts_.commits;
    counts_.members += group.members;
  }
  if (open_.get() == &group) open_.reset();
  turn_passed_.notify_all();  // members still waiting learn the failure
  group_ended_.notify_all();
  gate_free_.notify_all();
}

Status SqliteWriteGroups::EnterAlone(const char* operation) {
  const auto deadline = std::chrono::steady_clock::now() + wait_limit_;
  std::unique_lock lock(mu_);
  ++alone_waiting_;
  const bool free = gate_free_.wait_until(lock, deadline, [&] { return !open_ && !alone_; });
  --alone_waiting_;
  if (!free) {
    gate_free_.notify_all();  // groups wait until no writer waits alone: this one no longer does
    return GateTimedOut(operation);
  }
  alone_ = true;
  ++counts_.alone;
  return Ok();
}

void SqliteWriteGroups::LeaveAlone() {
  const std::lock_guard lock(mu_);
  alone_ = false;
  gate_free_.notify_all();
}

SqliteWriteGroups::Counts SqliteWriteGroups::counts() const {
  const std::lock_guard lock(mu_);
  Counts counts = counts_;
  counts.waiting = open_ ? open_->waiting : 0;
  return counts;
}

}  // namespace fr
