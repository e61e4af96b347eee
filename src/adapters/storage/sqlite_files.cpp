#include "adapters/storage/sqlite_files.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

namespace fr {
namespace {

constexpr const char* kVacuumInto = "VACUUM INTO :path";
constexpr const char* kRollbackJournal = "PRAGMA journal_mode = DELETE";
constexpr const char* kQuickCheck = "PRAGMA quick_check";
constexpr const char* kSchemaVersion = "SELECT COALESCE(MAX(version), 0) FROM schema_version";

struct SqliteCloser {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};
using SqliteHandle = std::unique_ptr<sqlite3, SqliteCloser>;

// The first column of the first row of `sql` as text; nullopt when there is no row or the
// statement fails.
std::optional<std::string> FirstText(sqlite3* db, const char* sql) {
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &statement, nullptr) != SQLITE_OK) return std::nullopt;
  std::optional<std::string> text;
  if (sqlite3_step(statement) == SQLITE_ROW) {
    const auto* value = sqlite3_column_text(statement, 0);
    text = value != nullptr ? reinterpret_cast<const char*>(value) : "";
  }
  sqlite3_finalize(statement);
  return text;
}

// A statement on `db` that is finalised when it goes.
struct StatementFinalizer {
  void operator()(sqlite3_stmt* statement) const { sqlite3_finalize(statement); }
};
using SqliteStatement = std::unique_ptr<sqlite3_stmt, StatementFinalizer>;

SqliteStatement Prepare(sqlite3* db, const char* sql) {
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &statement, nullptr) != SQLITE_OK) return nullptr;
  return SqliteStatement(statement);
}

// The voicemails' SQL lives with their repository; these two statements read and edit a
// backup's own copy, which no repository opens.
constexpr const char* kRecordedFiles =
    "SELECT file FROM voicemails WHERE state = 'recorded' ORDER BY file";
constexpr const char* kForgetRecording = "DELETE FROM voicemails WHERE file = ?1";
// The delete trigger queued the file for removal; there is no file to remove.
constexpr const char* kUnqueueRecording = "DELETE FROM voicemail_files_removed WHERE file = ?1";

}  // namespace

Result<SqliteUseLock> SqliteUseLock::Acquire(const std::string& database_path, Mode mode) {
  const std::string lock_path = database_path + ".lock";
  const int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Error::Unavailable("Cannot open the lock file " + lock_path + ": " +
                              std::strerror(errno));
  }
  const int operation = (mode == Mode::kShared ? LOCK_SH : LOCK_EX) | LOCK_NB;
  int result = 0;
  do {
    result = ::flock(fd, operation);
  } while (result != 0 && errno == EINTR);
  if (result != 0) {
    const int error = errno;
    ::close(fd);
    if (error == EWOULDBLOCK) {
      return Error::FailedPrecondition(mode == Mode::kShared
                                           ? "The database " + database_path +
                                                 " is being restored; try again when the "
                                                 "restore has finished."
                                           : "The database " + database_path +
                                                 " is in use (a server or an admin command "
                                                 "has it open); stop it before restoring.");
    }
    return Error::Unavailable("Cannot lock " + lock_path + ": " + std::strerror(error));
  }
  return SqliteUseLock(fd);
}

SqliteUseLock& SqliteUseLock::operator=(SqliteUseLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

SqliteUseLock::~SqliteUseLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the last descriptor releases the flock
}

Status SnapshotSqlite(Database& database, const std::string& to) {
  if (database.dialect() != Dialect::kSqlite) {
    return Error::FailedPrecondition(
        "admin backup copies SQLite databases only; back up PostgreSQL with pg_dump (see "
        "'Running on PostgreSQL' in the README).");
  }
  // A plain Run, not RunWrite: VACUUM cannot run inside a transaction, and VACUUM INTO only reads
  // this database (it writes the copy).
  FR_RETURN_IF_ERROR(database.Run("back up", [&](soci::session& session) {
    std::string path = to;
    session << kVacuumInto, soci::use(path);
  }));
  // The copy inherits WAL mode; a backup is one file, so it gets the rollback journal. The
  // server that later opens the restored file switches it back to WAL.
  sqlite3* raw = nullptr;
  const int opened = sqlite3_open_v2(to.c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr);
  const SqliteHandle copy(raw);
  if (opened != SQLITE_OK || FirstText(copy.get(), kRollbackJournal) != "delete") {
    return Error::Unavailable("Cannot prepare the backup copy " + to + ".");
  }
  return Ok();
}

Result<std::vector<std::string>> RecordingsNamedInSnapshot(const std::string& path) {
  sqlite3* raw = nullptr;
  const int opened = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  const SqliteHandle db(raw);
  const SqliteStatement statement =
      opened == SQLITE_OK ? Prepare(db.get(), kRecordedFiles) : nullptr;
  if (!statement) {
    return Error::InvalidArgument("Cannot read the voicemails of the snapshot " + path + ".");
  }
  std::vector<std::string> files;
  int step = SQLITE_ROW;
  while ((step = sqlite3_step(statement.get())) == SQLITE_ROW) {
    files.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(statement.get(), 0)));
  }
  if (step != SQLITE_DONE) {
    return Error::InvalidArgument("Cannot read the voicemails of the snapshot " + path + ".");
  }
  return files;
}

Status ForgetRecordingsInSnapshot(const std::string& path, const std::vector<std::string>& files) {
  if (files.empty()) return Ok();
  sqlite3* raw = nullptr;
  const int opened = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr);
  const SqliteHandle db(raw);
  const auto failed = [&] {
    return Error::Unavailable("Cannot update the snapshot " + path + ": " +
                              (db ? sqlite3_errmsg(db.get()) : "not opened") + ".");
  };
  if (opened != SQLITE_OK) return failed();
  if (sqlite3_exec(db.get(), "BEGIN", nullptr, nullptr, nullptr) != SQLITE_OK) return failed();
  for (const char* sql : {kForgetRecording, kUnqueueRecording}) {
    const SqliteStatement statement = Prepare(db.get(), sql);
    if (!statement) return failed();
    for (const std::string& file : files) {
      sqlite3_reset(statement.get());
      sqlite3_bind_text(statement.get(), 1, file.c_str(), static_cast<int>(file.size()),
                        SQLITE_TRANSIENT);
      if (sqlite3_step(statement.get()) != SQLITE_DONE) return failed();
    }
  }
  if (sqlite3_exec(db.get(), "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) return failed();
  return Ok();
}

Result<SqliteBackupInfo> InspectSqliteBackup(const std::string& path) {
  sqlite3* raw = nullptr;
  const int opened = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  SqliteHandle db(raw);
  if (opened != SQLITE_OK) {
    return Error::InvalidArgument("Cannot open the backup " + path + " as a SQLite database.");
  }
  const auto check = FirstText(db.get(), kQuickCheck);
  if (!check || *check != "ok") {
    return Error::InvalidArgument("The backup " + path +
                                  " is damaged: " + check.value_or("not a SQLite database") + ".");
  }
  const auto version = FirstText(db.get(), kSchemaVersion);
  if (!version) {
    return Error::InvalidArgument("The backup " + path +
                                  " is not a first-responder database (no schema_version).");
  }
  return SqliteBackupInfo{std::atoi(version->c_str())};
}

}  // namespace fr
