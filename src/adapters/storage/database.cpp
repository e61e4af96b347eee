#include "adapters/storage/database.hpp"

#include <soci/sqlite3/soci-sqlite3.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstring>
#include <mutex>

#include "adapters/storage/migrations.hpp"

namespace fr {
namespace {

constexpr std::string_view kSqliteScheme = "sqlite:";

// PRAGMAs are per connection, so every pooled session gets them. synchronous=FULL makes an
// acknowledged write survive power loss; the busy timeout lets writers queue instead of failing.
constexpr const char* kSqliteSessionSetup[] = {
    "PRAGMA foreign_keys = ON",
    "PRAGMA busy_timeout = 5000",
    "PRAGMA synchronous = FULL",
};

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

void OpenSqliteSession(soci::session& session, const std::string& path) {
  session.open(soci::sqlite3, "db=\"" + path + "\"");
  for (const char* statement : kSqliteSessionSetup) session << statement;
}

// SOCI appends the bound values to its messages ("… with :name=…"): personal data that must
// not reach the log.
std::string WithoutBoundValues(const char* message) {
  std::string text(message);
  const auto values = text.find(" with :");
  if (values != std::string::npos) text.resize(values);
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

Error TranslateStorageError(const std::exception& error, const char* operation) {
  return Logged(Classify(error), operation, error.what());
}

Database::Database(Dialect dialect, std::size_t pool_size)
    : dialect_(dialect),
      pool_size_(pool_size),
      pool_(std::make_unique<soci::connection_pool>(pool_size)) {}

Result<std::unique_ptr<Database>> Database::Open(const std::string& url, std::size_t pool_size) {
  if (!url.starts_with(kSqliteScheme) || url.size() == kSqliteScheme.size()) {
    return Error::InvalidArgument("Unsupported database URL '" + url +
                                  "': expected sqlite:PATH.");
  }
  const std::string path = url.substr(kSqliteScheme.size());
  pool_size = std::max<std::size_t>(pool_size, 1);
  std::unique_ptr<Database> database(new Database(Dialect::kSqlite, pool_size));
  ConfigureSqliteOnce();
  try {
    {
      // WAL is a property of the file: set it once, before the pool opens its sessions.
      soci::session first;
      OpenSqliteSession(first, path);
      std::string mode;
      first << "PRAGMA journal_mode = WAL", soci::into(mode);
    }
    for (std::size_t i = 0; i < pool_size; ++i) {
      OpenSqliteSession(database->pool_->at(i), path);
      database->prepared_.emplace(&database->pool_->at(i), std::make_unique<Statements>());
    }
  } catch (const std::exception& error) {
    spdlog::error("storage: cannot open {}: {}", path, error.what());
    return Error::Unavailable("Cannot open the database at '" + path + "': " + error.what());
  }
  FR_RETURN_IF_ERROR(ApplyMigrations(*database));
  return database;
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

WriteTransaction::WriteTransaction(soci::session& session, Dialect dialect) : session_(session) {
  session_ << (dialect == Dialect::kSqlite ? "BEGIN IMMEDIATE" : "BEGIN");
}

WriteTransaction::~WriteTransaction() {
  if (!open_) return;
  try {
    session_ << "ROLLBACK";
  } catch (const std::exception& error) {
    spdlog::error("storage: rollback failed: {}", error.what());
  }
}

void WriteTransaction::Commit() {
  session_ << "COMMIT";
  open_ = false;
}

}  // namespace fr
