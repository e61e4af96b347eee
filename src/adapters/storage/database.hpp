#pragma once

#include <soci/soci.h>

#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <utility>

#include "adapters/storage/database_url.hpp"
#include "adapters/storage/sqlite_write_groups.hpp"
#include "common/result.hpp"

namespace fr {

class SqliteChangeWatch;
class SqliteUseLock;

template <typename T>
struct AsResult {
  using type = Result<T>;
};
template <typename T>
struct AsResult<Result<T>> {
  using type = Result<T>;
};

namespace detail {
// work(session) as an `Out` (Result<T> or Status), whatever `work` returns.
template <typename Out, typename Work>
Out InvokeWork(Work& work, soci::session& session) {
  if constexpr (std::is_void_v<decltype(work(session))>) {
    work(session);
    return Out();
  } else {
    return Out(work(session));
  }
}
}  // namespace detail

// Turns any exception from SOCI or a backend into an Error: a unique violation becomes
// kAlreadyExists; a busy or locked database, a lost connection, a lock wait that timed out, a
// deadlock or a server that is starting or shutting down kUnavailable; anything else kInternal.
// The original message is logged with `operation` (without bound values), never returned.
Error TranslateStorageError(const std::exception& error, const char* operation);

// Whether SQLite `session` has a transaction open: a local check, no round trip. After an error
// SQLite may have rolled back the whole transaction by itself (an I/O error, a full disk, out of
// memory), so this, not the statements run, tells whether one is still open.
bool SqliteInTransaction(soci::session& session);

// The service's database: a pool of SOCI sessions (sessions are not thread-safe, the pool is),
// configured for durability, with the schema migrated to this binary's version.
class Database {
 public:
  // Opens `url` (`sqlite:PATH` or `postgresql://…`, see ParseDatabaseUrl) with `pool_size`
  // sessions and applies pending migrations (on PostgreSQL under an advisory lock, so that
  // nodes starting together migrate once). Every session commits durably: SQLite with
  // synchronous=FULL, PostgreSQL with synchronous_commit=on. SQLite sessions overwrite deleted
  // content with zeros (secure_delete), and the file is held with a shared SqliteUseLock until
  // the Database dies, so that `admin restore` cannot replace it meanwhile.
  // Errors: kInvalidArgument (unsupported URL), kFailedPrecondition (the schema is newer than
  // this binary, or a restore holds the file), kUnavailable (cannot connect, open or migrate).
  // No message carries a password.
  static Result<std::unique_ptr<Database>> Open(const std::string& url, std::size_t pool_size);

  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  Dialect dialect() const { return dialect_; }

  // Runs `work(soci::session&)` on a pooled session, blocking while all sessions are leased.
  // `work` may return a plain value, a Result (passed through) or nothing (Status). An exception
  // it throws becomes the translated error. Thread-safe. On SQLite, work that writes belongs in
  // Write or RunWrite, or opens a WriteTransaction: a write outside them meets the write lock in
  // SQLite's busy handler while a group of writes holds it (decision 0095).
  template <typename Work>
  auto Run(const char* operation, Work&& work) {
    using Out = typename AsResult<decltype(work(std::declval<soci::session&>()))>::type;
    const Lease lease(*this);
    try {
      return detail::InvokeWork<Out>(work, lease.session());
    } catch (const std::exception& error) {
      return Out(Failed(error, operation, lease.session()));
    }
  }

  // Runs `work(soci::session&)` inside a write transaction and returns once that committed
  // durably: `work` returns like Run's, an exception it throws becomes the translated error.
  // Its writes are kept only when it returns a value (or Ok); an Error result or an exception
  // undoes exactly its own writes, and is the answer. On SQLite, writers that arrive together
  // share one transaction and one commit (SqliteWriteGroups, decision 0091): `work` may then
  // see writes of other members committed with it, and when that commit fails every member
  // gets its error (kUnavailable…) and nothing of any is stored. On PostgreSQL, one
  // transaction per call (it groups commits itself: commit_delay).
  // `work` runs on the calling thread, so thread-locals (AuditedChange) hold. It must not
  // begin, commit or roll back a transaction, call Run or Write, or wait for anything another
  // writer of this process may hold: on SQLite the group's other writers wait for it with the
  // write lock held, and that would deadlock. A SELECT … ForUpdate() is fine. Thread-safe.
  template <typename Work>
  auto Write(const char* operation, Work&& work);

  // For work that PostgreSQL may run in autocommit (one statement, or statements each safe on
  // its own): runs it as Run there, and on SQLite as Write, so that the write passes the
  // process's write gate rather than meet the write lock in SQLite's busy handler (decision
  // 0095). The same rules for `work` as Write's.
  template <typename Work>
  auto RunWrite(const char* operation, Work&& work) {
    return write_groups_ ? Write(operation, std::forward<Work>(work))
                         : Run(operation, std::forward<Work>(work));
  }

  // SQLite: the write gate's counts (SqliteWriteGroups::Counts); zeros on PostgreSQL. For
  // /metrics, tests and diagnostics.
  SqliteWriteGroups::Counts write_group_counts() const {
    return write_groups_ ? write_groups_->counts() : SqliteWriteGroups::Counts{};
  }

  // A cheap query that proves the database answers (readiness).
  Status Ping();

  // SQLite: tells whether anything was committed since an earlier look (decision 0084), for
  // caches in front of hot reads. nullptr on PostgreSQL, or when the wal-index cannot be
  // watched: then there is nothing to check a cache against, and callers read every time.
  const SqliteChangeWatch* change_watch() const { return change_watch_.get(); }

  // The schema version this binary writes.
  static int LatestSchemaVersion();

  // The statement for `sql` kept prepared on `session` (one from Run); see PreparedStatement.
  soci::statement& Prepared(soci::session& session, const std::string& sql);

 private:
  friend class WriteTransaction;  // passes the write gate (write_groups_)

  // One pooled session, held for the duration of a Run: the session itself, not a proxy, so
  // that statements prepared on it stay valid across leases. A PostgreSQL session whose
  // connection broke is reconnected when leased.
  class Lease {
   public:
    explicit Lease(Database& database)
        : database_(database), pool_(*database.pool_), position_(pool_.lease()) {
      database.ReviveIfBroken(pool_.at(position_));
    }
    ~Lease() {
      database_.EndOpenTransaction(position_);
      pool_.give_back(position_);
    }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    soci::session& session() const { return pool_.at(position_); }

   private:
    Database& database_;
    soci::connection_pool& pool_;
    std::size_t position_;
  };
  using Statements = std::unordered_map<std::string, std::unique_ptr<soci::statement>>;

  Database(DatabaseUrl url, std::size_t pool_size);

  // Opens pooled session `i`, or reopens it after its connection broke (its kept statements are
  // dropped first: they belong to the old connection). Throws what SOCI throws.
  void OpenSession(std::size_t i);
  // Translates `error` (TranslateStorageError) and, when it left `session`'s connection broken,
  // tries to reconnect it for the next lease.
  Error Failed(const std::exception& error, const char* operation, soci::session& session);
  // Whether pooled session `i` has a transaction open: a local check, no round trip.
  bool InTransaction(std::size_t i);
  // Before pooled session `i` goes back to the pool: a transaction its user left open (a
  // ROLLBACK that failed) is rolled back, and when even that fails the session is closed and
  // opened again, so that the next user does not find it, nor its locks. Never throws.
  void EndOpenTransaction(std::size_t i) noexcept;
  // The same for pooled `session`, found by address (WriteTransaction knows no position).
  void EndOpenTransaction(soci::session& session) noexcept;
  // Reconnects `session` when its PostgreSQL connection is known to be broken (a local check,
  // no round trip); a failure is logged and left for the next lease. Never throws.
  void ReviveIfBroken(soci::session& session) noexcept;

  DatabaseUrl url_;
  Dialect dialect_;
  // SQLite only. Declared before the pool, so that it is released after the sessions close.
  std::unique_ptr<SqliteUseLock> use_lock_;
  std::size_t pool_size_;
  std::unique_ptr<soci::connection_pool> pool_;
  // Per pooled session, filled at Open and never resized: each inner map is used only by the
  // thread that holds its session's lease, or by the member whose turn it is in a write group
  // (SqliteWriteGroups hands the session from member to member under its lock).
  std::unordered_map<const soci::session*, std::unique_ptr<Statements>> prepared_;
  // After the pool: gone before the sessions close (it reads one session's mapping).
  std::unique_ptr<SqliteChangeWatch> change_watch_;
  const soci::session* watched_session_ = nullptr;  // the session change_watch_ maps, if any
  // SQLite only; after the pool, whose sessions its groups lease.
  std::unique_ptr<SqliteWriteGroups> write_groups_;
};

// A statement kept prepared for the life of its pooled session: SQLite parses each SQL text
// once per connection rather than once per query (issue #12). Bind with exchange(), then
// define_and_bind() and execute or fetch as with any soci::statement. The destructor drops the
// bindings and resets the statement, so no read transaction outlives the use. Only inside
// Database::Run, with the session it passed; `sql` must come from a small fixed set (each text
// is kept until the database closes).
class PreparedStatement {
 public:
  PreparedStatement(Database& database, soci::session& session, const std::string& sql)
      : statement_(database.Prepared(session, sql)),
        sqlite_(database.dialect() == Dialect::kSqlite) {}
  ~PreparedStatement();
  PreparedStatement(const PreparedStatement&) = delete;
  PreparedStatement& operator=(const PreparedStatement&) = delete;
  soci::statement& operator*() { return statement_; }
  soci::statement* operator->() { return &statement_; }

 private:
  soci::statement& statement_;
  bool sqlite_;
};

// `BEGIN` that takes the write lock at once on SQLite, so that two writers never deadlock
// upgrading read locks; a plain READ COMMITTED transaction on PostgreSQL, where a statement that
// reads rows it then writes on says so with ForUpdate(). Commits only when told; rolls back on
// destruction otherwise. `session` is the one `database.Run` passed.
// On SQLite it first waits for its turn in the process's write gate (SqliteWriteGroups::
// EnterAlone, decision 0095), on a condition variable rather than in SQLite's sleeping busy
// handler, and holds it until the transaction ended: a flood of grouped writes (Database::Write)
// cannot keep it out. A wait there longer than the busy timeout throws what BEGIN IMMEDIATE
// throws on SQLITE_BUSY (kUnavailable once translated). So the same rule as for Write's work holds
// between constructor and Commit: no other write transaction, Write or lease of another session on
// this thread.
class WriteTransaction {
 public:
  WriteTransaction(Database& database, soci::session& session);
  ~WriteTransaction();
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;
  void Commit();

 private:
  void LeaveGate() noexcept;

  Database& database_;
  soci::session& session_;
  SqliteWriteGroups* gate_;  // null on PostgreSQL, and while migrations run
  bool open_ = true;
};

template <typename Work>
auto Database::Write(const char* operation, Work&& work) {
  using Out = typename AsResult<decltype(work(std::declval<soci::session&>()))>::type;
  if (!write_groups_) {
    return Run(operation, [&](soci::session& session) -> Out {
      WriteTransaction transaction(*this, session);
      Out out = detail::InvokeWork<Out>(work, session);
      if (out.ok()) transaction.Commit();
      return out;
    });
  }
  auto turn = write_groups_->Enter(operation);
  if (!turn.ok()) return Out(std::move(turn).error());
  std::optional<Out> out;
  try {
    out.emplace(detail::InvokeWork<Out>(work, turn->session()));
  } catch (const std::exception& error) {
    out.emplace(TranslateStorageError(error, operation));
  } catch (...) {
    // The turn must end whatever was thrown: the group's other writers wait for it, with the
    // write lock held.
    out.emplace(Error::Internal("An unexpected error occurred."));
  }
  Status group = write_groups_->Leave(std::move(turn).value(), out->ok());
  if (out->ok() && !group.ok()) return Out(std::move(group).error());
  return std::move(*out);
}

// " FOR UPDATE" on PostgreSQL, appended to a SELECT inside a WriteTransaction whose later
// writes depend on the rows it read: they stay locked, as read, until the commit. Empty on
// SQLite, whose write transaction already excludes every other writer.
const char* ForUpdate(Dialect dialect);

}  // namespace fr

