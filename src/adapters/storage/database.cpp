#include "adapters/storage/database.hpp"

#include <libpq-fe.h>
#include <soci/postgresql/soci-postgresql.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <mutex>
#include <thread>

#include "adapters/storage/migrations.hpp"
#include "adapters/storage/sqlite_change_watch.hpp"
#include "adapters/storage/sqlite_files.hpp"

namespace fr {
namespace {

// PRAGMAs are per connection, so every pooled session gets them. synchronous=FULL makes an
// acknowledged write survive power loss; secure_delete overwrites what a delete or an erasure
// frees, so that callers' numbers do not linger in free pages of the file (issue #18).
constexpr const char* kSqliteSessionSetup[] = {
    "PRAGMA foreign_keys = ON",
    "PRAGMA synchronous = FULL",
    "PRAGMA secure_delete = ON",
};
// How long a connection waits for another process's write lock (PollWhileBusy) before it fails
// with SQLITE_BUSY, so that writers queue instead of failing; also the longest wait in the write
// gate (SqliteWriteGroups): a writer of this process waits there, and gives up as it would have.
constexpr std::chrono::milliseconds kSqliteBusyTimeout{5000};
constexpr std::chrono::milliseconds kSqliteBusyPoll{1};

// The busy handler of every connection, instead of SQLite's `busy_timeout`, which sleeps up to
// 100 ms between tries: whoever waits here holds the process's write gate, and every writer of
// the process waits with it, so each of those sleeps lands on all of them once the other process
// (the `admin` command) let go. A try every millisecond costs one wake-up per millisecond only
// while another process writes. Gives up once the busy timeout passed since the first try, by
// the clock: counted tries would add up each sleep's overshoot.
int PollWhileBusy(void* /*unused*/, int tries_so_far) {
  // One statement at a time runs on a thread, so the thread's own start time is the wait's.
  thread_local std::chrono::steady_clock::time_point waiting_since;
  const auto now = std::chrono::steady_clock::now();
  if (tries_so_far == 0) waiting_since = now;
  if (now - waiting_since >= kSqliteBusyTimeout) return 0;
  std::this_thread::sleep_for(kSqliteBusyPoll);
  return 1;
}

void SetBusyHandler(soci::session& session) {
  auto* backend = static_cast<soci::sqlite3_session_backend*>(session.get_backend());
  sqlite_api::sqlite3_busy_handler(backend->conn_, &PollWhileBusy, nullptr);
}

bool MentionsUnique(const char* message) {
  return std::strstr(message, "UNIQUE") != nullptr || std::strstr(message, "unique") != nullptr ||
         std::strstr(message, "PRIMARY KEY") != nullptr;
}

// Before SQLite's first connection: each pooled connection is used by one thread at a time (the
// pool's lease), so SQLite need not lock a connection's mutex around every call, nor a global
// one around every allocation to keep statistics nobody reads (issue #12: 8 % of a list
// request's cycles). Too late, if something else already started SQLite: it then keeps its
// default, which is safe, only slower.
void ConfigureSqliteOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sqlite_api::sqlite3_config(SQLITE_CONFIG_MULTITHREAD) != SQLITE_OK ||
        sqlite_api::sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) != SQLITE_OK) {
      spdlog::debug("storage: SQLite was started before its threading mode could be set");
    }
  });
}

// Settings are per session on PostgreSQL too. synchronous_commit=on: a commit is acknowledged
// only once its WAL is flushed (a server configured otherwise would lose acknowledged writes
// in a crash). UTF-8 whatever the client's locale says. A lock wait gives up after 5 s like
// SQLite's busy timeout, so that a stuck writer turns into kUnavailable rather than a hang.
constexpr const char* kPostgresqlSessionSetup[] = {
    "SET synchronous_commit = on",
    "SET client_encoding = 'UTF8'",
    "SET lock_timeout = '5s'",
};

// SQLSTATEs (PostgreSQL's appendix A) after which the same operation may succeed later.
bool IsTransientSqlState(std::string_view state) {
  return state.starts_with("08") ||   // connection exception
         state.starts_with("53") ||   // insufficient resources (disk full, too many connections)
         state.starts_with("57P") ||  // the server shuts down, restarts or is starting
         state == "40001" ||          // serialization failure
         state == "40P01" ||          // deadlock detected
         state == "55P03";            // lock_timeout expired
}

// SOCI's own PostgreSQL factory rewrites the connect string as `key=value` pairs and so
// mangles a URL (and any value with a space); this one hands it to libpq's PQconnectdb as it
// is, which reads URLs and key=value strings alike. Single-row mode stays off, as by default.
class PostgresqlUrlFactory final : public soci::backend_factory {
 public:
  soci::details::session_backend* make_session(
      const soci::connection_parameters& parameters) const override {
    return new soci::postgresql_session_backend(parameters, false);
  }
};
const PostgresqlUrlFactory kPostgresqlUrl;

// The server's notices ("relation … already exists, skipping", "terminating connection due to
// administrator command") go to our log rather than libpq's stderr.
void LogNotice(void*, const char* message) {
  std::string_view text(message);
  while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  spdlog::debug("storage: PostgreSQL says: {}", text);
}

// Whether libpq still holds a working connection: its own state, no round trip.
bool IsConnected(soci::session& session) {
  // Only called for PostgreSQL sessions; SOCI's backends export no RTTI to check it with.
  auto* backend = static_cast<soci::postgresql_session_backend*>(session.get_backend());
  return backend != nullptr && backend->conn_ != nullptr &&
         PQstatus(backend->conn_) == CONNECTION_OK;
}

// SOCI appends the bound values to its messages ("… with :name=…"), and PostgreSQL's DETAIL
// line quotes the row ("Key (user_id, phone)=(2, 0049…) already exists."): personal data that
// must not reach the log.
std::string WithoutBoundValues(const char* message) {
  std::string text(message);
  const auto values = text.find(" with :");
  if (values != std::string::npos) text.resize(values);
  for (auto detail = text.find("DETAIL:"); detail != std::string::npos;
       detail = text.find("DETAIL:", detail)) {
    const auto end = text.find('\n', detail);
    text.erase(detail, end == std::string::npos ? std::string::npos : end - detail + 1);
  }
  return text;
}

Error Logged(Error error, const char* operation, const char* message) {
  if (error.code == ErrorCode::kAlreadyExists) {
    spdlog::debug("storage: {}: {}", operation, WithoutBoundValues(message));
  } else {
    spdlog::error("storage: {} failed: {}", operation, WithoutBoundValues(message));
  }
  return error;
}

Error Classify(const std::exception& error) {
  if (const auto* sqlite = dynamic_cast<const soci::sqlite3_soci_error*>(&error)) {
    const int primary = sqlite->result() & 0xFF;
    if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
      return Error::Unavailable("The database is busy; try again.");
    }
    // A full disk, an I/O error or a file that became read-only: the operation may succeed
    // once an operator fixes it, so callers keep what they wanted to write and retry.
    if (primary == SQLITE_FULL || primary == SQLITE_IOERR || primary == SQLITE_READONLY ||
        primary == SQLITE_CANTOPEN || primary == SQLITE_NOMEM) {
      return Error::Unavailable("The database cannot write right now; try again.");
    }
    if (primary == SQLITE_CONSTRAINT && MentionsUnique(error.what())) {
      return Error::AlreadyExists("The object already exists.");
    }
  }
  if (const auto* postgresql = dynamic_cast<const soci::postgresql_soci_error*>(&error)) {
    const std::string state = postgresql->sqlstate();
    if (state == "23505") return Error::AlreadyExists("The object already exists.");
    if (IsTransientSqlState(state)) {
      return Error::Unavailable("The database is unavailable or busy; try again.");
    }
  }
  if (const auto* soci_error = dynamic_cast<const soci::soci_error*>(&error)) {
    if (soci_error->get_error_category() == soci::soci_error::constraint_violation &&
        MentionsUnique(error.what())) {
      return Error::AlreadyExists("The object already exists.");
    }
    if (soci_error->get_error_category() == soci::soci_error::connection_error) {
      return Error::Unavailable("The database is unavailable; try again.");
    }
  }
  return Error::Internal("A storage operation failed.");
}

}  // namespace

bool SqliteInTransaction(soci::session& session) {
  auto* backend = static_cast<soci::sqlite3_session_backend*>(session.get_backend());
  return backend != nullptr && sqlite_api::sqlite3_get_autocommit(backend->conn_) == 0;
}

Error TranslateStorageError(const std::exception& error, const char* operation) {
  return Logged(Classify(error), operation, error.what());
}

Database::Database(DatabaseUrl url, std::size_t pool_size)
    : url_(std::move(url)),
      dialect_(url_.dialect),
      pool_size_(pool_size),
      pool_(std::make_unique<soci::connection_pool>(pool_size)) {}

// use_lock_ is declared before pool_, so the sessions close before the lock goes.
Database::~Database() = default;

void Database::OpenSession(std::size_t i) {
  soci::session& session = pool_->at(i);
  // Filled here while Open runs alone; a reopened session only empties its own map, through a
  // lookup (other threads read prepared_ meanwhile: an insertion there would be a data race).
  if (const auto found = prepared_.find(&session); found != prepared_.end()) {
    found->second->clear();
  } else {
    prepared_.emplace(&session, std::make_unique<Statements>());
  }
  if (dialect_ == Dialect::kSqlite) {
    session.open(soci::sqlite3, "db=\"" + url_.target + "\"");
    SetBusyHandler(session);
    for (const char* statement : kSqliteSessionSetup) session << statement;
  } else {
    if (session.get_backend() != nullptr) {
      session.reconnect();
    } else {
      session.open(kPostgresqlUrl, url_.target);
    }
    auto* backend = static_cast<soci::postgresql_session_backend*>(session.get_backend());
    PQsetNoticeProcessor(backend->conn_, &LogNotice, nullptr);
    for (const char* statement : kPostgresqlSessionSetup) session << statement;
  }
}

Result<std::unique_ptr<Database>> Database::Open(const std::string& url, std::size_t pool_size) {
  FR_ASSIGN_OR_RETURN(DatabaseUrl parsed, ParseDatabaseUrl(url));
  pool_size = std::max<std::size_t>(pool_size, 1);
  std::unique_ptr<Database> database(new Database(std::move(parsed), pool_size));
  const std::string& shown = database->url_.redacted;
  bool in_wal_mode = false;
  try {
    if (database->dialect_ == Dialect::kSqlite) {
      auto lock = SqliteUseLock::Acquire(database->url_.target, SqliteUseLock::Mode::kShared);
      if (!lock.ok()) return lock.error();
      database->use_lock_ = std::make_unique<SqliteUseLock>(std::move(lock).value());
      ConfigureSqliteOnce();
      // WAL is a property of the file: set it once, before the pool opens its sessions.
      soci::session first;
      first.open(soci::sqlite3, "db=\"" + database->url_.target + "\"");
      std::string mode;
      first << "PRAGMA journal_mode = WAL", soci::into(mode);
      in_wal_mode = mode == "wal";
    }
    for (std::size_t i = 0; i < pool_size; ++i) database->OpenSession(i);
  } catch (const std::exception& error) {
    // libpq's messages name the host and user, never the password.
    spdlog::error("storage: cannot open {}: {}", shown, error.what());
    return Error::Unavailable("Cannot open the database at '" + shown + "': " + error.what());
  }
  FR_RETURN_IF_ERROR(ApplyMigrations(*database));
  if (database->dialect_ == Dialect::kSqlite) {
    Database& opened = *database;
    database->write_groups_ = std::make_unique<SqliteWriteGroups>(
        *database->pool_, [&opened](std::size_t i) { opened.EndOpenTransaction(i); },
        kSqliteBusyTimeout);
  }
  if (database->dialect_ == Dialect::kSqlite && in_wal_mode) {
    // Through a pooled session, open as long as the Database: a read maps its wal-index.
    auto watch = database->Run("watch for commits", [&opened = *database](soci::session& session) {
      int tables = 0;
      session << "SELECT COUNT(*) FROM sqlite_master", soci::into(tables);
      auto* backend = static_cast<soci::sqlite3_session_backend*>(session.get_backend());
      opened.watched_session_ = &session;
      // SOCI declares SQLite's API inside namespace sqlite_api: the same opaque handle.
      return SqliteChangeWatch::Open(reinterpret_cast<::sqlite3*>(backend->conn_));
    });
    if (watch.ok()) database->change_watch_ = std::move(watch).value();
    if (!database->change_watch_) {
      spdlog::warn("storage: cannot watch {}-shm for commits; hot reads are not cached",
                   database->url_.redacted);
    }
  }
  return database;
}

Error Database::Failed(const std::exception& error, const char* operation, soci::session& session) {
  Error translated = TranslateStorageError(error, operation);
  if (dialect_ == Dialect::kPostgresql && !IsConnected(session)) {
    // Whatever SOCI made of it ("no connection to the server", "Session is not connected"):
    // the server went away, and the operation may succeed once it is back.
    translated = Error::Unavailable("The database is unavailable; try again.");
    ReviveIfBroken(session);
  }
  return translated;
}

void Database::ReviveIfBroken(soci::session& session) noexcept {
  if (dialect_ != Dialect::kPostgresql || IsConnected(session)) return;
  for (std::size_t i = 0; i < pool_size_; ++i) {
    if (&pool_->at(i) != &session) continue;
    try {
      OpenSession(i);
      spdlog::info("storage: reconnected to {}", url_.redacted);
    } catch (const std::exception& error) {
      spdlog::warn("storage: cannot reconnect to {}: {}", url_.redacted, error.what());
    }
  }
}

bool Database::InTransaction(std::size_t i) {
  soci::session& session = pool_->at(i);
  if (dialect_ == Dialect::kSqlite) return SqliteInTransaction(session);
  auto* backend = static_cast<soci::postgresql_session_backend*>(session.get_backend());
  if (backend == nullptr || backend->conn_ == nullptr) return false;
  const PGTransactionStatusType status = PQtransactionStatus(backend->conn_);
  return status == PQTRANS_INTRANS || status == PQTRANS_INERROR;
}

void Database::EndOpenTransaction(std::size_t i) noexcept {
  if (!InTransaction(i)) return;
  soci::session& session = pool_->at(i);
  spdlog::error("storage: a transaction was left open; rolling it back");
  try {
    session << "ROLLBACK";
    if (!InTransaction(i)) return;
  } catch (const std::exception& error) {
    spdlog::error("storage: rollback failed: {}", error.what());
  }
  if (&session == watched_session_) return;  // the change watch reads its mapping: kept open
  // Closing the connection ends its transaction; the session is opened again for the next user
  // (its statements first: a connection with statements left does not close).
  try {
    prepared_.at(&session)->clear();
    session.close();
    OpenSession(i);
  } catch (const std::exception& error) {
    spdlog::error("storage: cannot reopen a session after a failed rollback: {}", error.what());
  }
}

void Database::EndOpenTransaction(soci::session& session) noexcept {
  for (std::size_t i = 0; i < pool_size_; ++i) {
    if (&pool_->at(i) == &session) return EndOpenTransaction(i);
  }
}

Status Database::Ping() {
  return Run("ping", [](soci::session& session) {
    int one = 0;
    session << "SELECT 1", soci::into(one);
  });
}

soci::statement& Database::Prepared(soci::session& session, const std::string& sql) {
  Statements& statements = *prepared_.at(&session);
  auto found = statements.find(sql);
  if (found == statements.end()) {
    auto statement = std::make_unique<soci::statement>(session);
    statement->alloc();
    statement->prepare(sql);
    found = statements.emplace(sql, std::move(statement)).first;
  }
  return *found->second;
}

PreparedStatement::~PreparedStatement() {
  try {
    statement_.bind_clean_up();
    // A one-row query leaves SQLite's statement open, and with it a read transaction that
    // would pin this connection to an old snapshot.
    if (sqlite_) {
      // The backend's own reset() is not exported by Debian's libsoci-sqlite3.
      auto* backend = static_cast<soci::sqlite3_statement_backend*>(statement_.get_backend());
      if (backend != nullptr && backend->stmt_ != nullptr) sqlite3_reset(backend->stmt_);
    }
  } catch (const std::exception& error) {
    spdlog::error("storage: could not release a prepared statement: {}", error.what());
  }
}

WriteTransaction::WriteTransaction(Database& database, soci::session& session)
    : database_(database), session_(session), gate_(database.write_groups_.get()) {
  if (gate_ != nullptr) {
    const Status entered = gate_->EnterAlone("begin a write transaction");
    if (!entered.ok()) {
      gate_ = nullptr;  // not held
      // What BEGIN IMMEDIATE throws when the write lock stayed taken past the busy timeout:
      // the caller's Run translates it to kUnavailable, as it would have.
      throw soci::sqlite3_soci_error(entered.error().detail, SQLITE_BUSY);
    }
  }
  try {
    session_ << (database.dialect() == Dialect::kSqlite ? "BEGIN IMMEDIATE" : "BEGIN");
  } catch (...) {
    LeaveGate();
    throw;
  }
}

WriteTransaction::~WriteTransaction() {
  if (open_) {
    try {
      session_ << "ROLLBACK";
    } catch (const std::exception& error) {
      spdlog::error("storage: rollback failed: {}", error.what());
    }
    // Ended before the gate is left, so that the next writer of the gate does not meet its
    // write lock (a no-op when the ROLLBACK worked).
    if (gate_ != nullptr) database_.EndOpenTransaction(session_);
  }
  LeaveGate();
}

void WriteTransaction::Commit() {
  session_ << "COMMIT";
  open_ = false;
  LeaveGate();  // at once: the writers waiting for the gate need not wait for the caller's rest
}

void WriteTransaction::LeaveGate() noexcept {
  if (gate_ == nullptr) return;
  gate_->LeaveAlone();
  gate_ = nullptr;
}

const char* ForUpdate(Dialect dialect) {
  return dialect == Dialect::kPostgresql ? " FOR UPDATE" : "";
}

}  // namespace fr
