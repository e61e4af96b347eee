#pragma once

#include <soci/soci.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

#include "common/result.hpp"

namespace fr {

// Group commit for SQLite write transactions (decision 0091): writers of this process that
// arrive together share one `BEGIN IMMEDIATE … COMMIT`, and so one fdatasync.
//
// A group is one open transaction on one session leased from the pool. Its members take turns
// on that session, each on its own thread (so thread-locals such as AuditedChange hold), each
// inside its own savepoint. The member that ends its turn while nobody waits for one commits
// the group. Every member learns the group's outcome only after that COMMIT returned: nothing
// is acknowledged before it is durable. The next group starts once the previous one ended; a
// writer waits for that here, on a condition variable, not in SQLite's busy handler.
//
// The other write transactions of this process (WriteTransaction, on a session the writer
// leased itself) pass the same gate alone (EnterAlone/LeaveAlone, decision 0095): a group
// waits for them as they wait for a group, and a writer waiting alone goes before the next
// group, so a flood of grouped writes cannot keep it out. Only other processes (the `admin`
// command) still meet the write lock through SQLite's busy handler (PollWhileBusy, database.cpp).
//
// Deadlock-free because whoever holds the gate never waits for a pooled session: a group's
// starter leases its session before it takes the gate, and holds none while it waits.
//
// Used through Database::Write, which pairs Enter and Leave, and WriteTransaction, which pairs
// EnterAlone and LeaveAlone; nothing else should need this. Thread-safe: any number of threads
// may be inside these at once.
class SqliteWriteGroups {
 public:
  struct Group;

  // One caller's turn in a group, between Enter and Leave: the group's session is the
  // caller's alone until it passes the turn to Leave.
  class Turn {
   public:
    soci::session& session() const;

   private:
    friend class SqliteWriteGroups;
    explicit Turn(std::shared_ptr<Group> group) : group_(std::move(group)) {}
    std::shared_ptr<Group> group_;
  };

  // How many groups committed and how many members they held, since construction (fewer
  // commits than members means groups formed), how many writers held the gate alone, and how
  // many members wait for their turn in the open group right now.
  struct Counts {
    std::uint64_t commits = 0;
    std::uint64_t members = 0;
    std::uint64_t alone = 0;
    std::size_t waiting = 0;
  };

  // Called with a session's position in the pool before a group gives it back: ends a
  // transaction still open on it (Database::EndOpenTransaction). Must not throw.
  using SessionCleanup = std::function<void(std::size_t)>;

  // `pool`'s sessions are SQLite connections to one file; it must outlive this object. A
  // writer waits in the gate at most `wait_limit` (the sessions' busy timeout, so that the gate
  // fails where SQLite's busy handler would have). A group takes at most `max_members`, so that
  // a steady stream of writers still commits. A group whose ROLLBACK failed hands its session to
  // `session_cleanup` before giving it back.
  explicit SqliteWriteGroups(soci::connection_pool& pool, SessionCleanup session_cleanup = nullptr,
                             std::chrono::milliseconds wait_limit = std::chrono::seconds(5),
                             std::size_t max_members = 32);
  // No caller may be between Enter and Leave.
  ~SqliteWriteGroups();
  SqliteWriteGroups(const SqliteWriteGroups&) = delete;
  SqliteWriteGroups& operator=(const SqliteWriteGroups&) = delete;

  // Blocks until it is the caller's turn: in the open group when that still takes members,
  // else in the next one, begun (lease, `BEGIN IMMEDIATE`) once the previous group ended. Then
  // opens the caller's savepoint on the group's session. Between Enter and Leave the caller
  // must not begin, commit or roll back a transaction, lease another pooled session, or wait
  // for anything another writer of this process may hold: the others wait for it, with the
  // write lock held, and it would deadlock.
  // Errors: kUnavailable when the caller waited in the gate longer than the wait limit; the
  // translated error of `BEGIN IMMEDIATE` or of the savepoint (kUnavailable when another
  // process held the write lock past the busy timeout), with which every member already waiting
  // for a turn in that group fails too.
  Result<Turn> Enter(const char* operation);

  // Ends the caller's turn: releases its savepoint when `keep`, else rolls back to it (undoing
  // exactly its own writes), and passes the session to the next waiting member, or commits the
  // group when none waits. With `keep`, returns once the group ended: Ok when it committed,
  // else the error that failed the whole group (a failed COMMIT, or a transaction SQLite
  // rolled back on an I/O error, a full disk…): then nothing of any member is stored. Without
  // `keep`, returns Ok as soon as the turn is passed on (or the group ended, when this caller
  // had to end it): its own error is the caller's answer.
  Status Leave(Turn turn, bool keep);

  // Blocks until no group is open and no other writer is alone, then holds the gate for the
  // caller, who runs its own write transaction on a session it leased, until LeaveAlone.
  // Writers that wait alone go before the next group. The caller must not Enter, EnterAlone or
  // lease another pooled session before LeaveAlone. Errors: kUnavailable when the caller waited
  // longer than the wait limit; it then does not hold the gate (no LeaveAlone).
  Status EnterAlone(const char* operation);
  // Gives the gate back after EnterAlone, once the caller's transaction ended (committed or
  // rolled back).
  void LeaveAlone();

  Counts counts() const;

 private:
  // Ends `group` on the calling thread: COMMIT when it has not failed, ROLLBACK when a
  // transaction is left open, the session given back; then wakes every waiter.
  void End(Group& group, std::optional<Error> failure);

  soci::connection_pool& pool_;
  const SessionCleanup session_cleanup_;
  const std::chrono::milliseconds wait_limit_;
  const std::size_t max_members_;
  mutable std::mutex mu_;
  // Separate, so that a turn passed wakes one member, not every thread that waits here (the
  // wake-ups of the others cost the member the lock and the core). Guarded by mu_.
  std::condition_variable turn_passed_;  // the open group's session is free for a member
  std::condition_variable group_ended_;  // a group committed or failed
  std::condition_variable gate_free_;    // no group is open, or no writer holds it alone
  // The group that takes members or is ending; null when none is open. Guarded by mu_.
  std::shared_ptr<Group> open_;
  Counts counts_;                  // all but `waiting`. Guarded by mu_.
  bool alone_ = false;             // a writer holds the gate alone. Guarded by mu_.
  std::size_t alone_waiting_ = 0;  // writers waiting to hold it alone. Guarded by mu_.
};

}  // namespace fr
