#pragma once

#include <string>
#include <vector>

#include "adapters/storage/database.hpp"
#include "common/result.hpp"

namespace fr {

// Who uses a SQLite database file (decision 0045): every process that opens it through
// Database holds a shared advisory lock (flock) on "<path>.lock" for as long as it is open, and
// `admin restore` takes it exclusively, so a restore never replaces a file under a running
// server or admin command, and nothing opens the database while a restore replaces it. The
// lock file is created on first use and never removed (removing it would let two processes lock
// two different files). Movable, not copyable; the lock is released when the object dies or the
// process ends (a crash included). Not thread-safe; one object per holder.
class SqliteUseLock {
 public:
  enum class Mode { kShared, kExclusive };

  // Takes the lock without waiting. Errors: kFailedPrecondition when another process holds it
  // in a conflicting mode (the detail says which side is in the way); kUnavailable when the
  // lock file cannot be opened.
  static Result<SqliteUseLock> Acquire(const std::string& database_path, Mode mode);

  SqliteUseLock(SqliteUseLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  SqliteUseLock& operator=(SqliteUseLock&& other) noexcept;
  SqliteUseLock(const SqliteUseLock&) = delete;
  SqliteUseLock& operator=(const SqliteUseLock&) = delete;
  ~SqliteUseLock();

 private:
  explicit SqliteUseLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

// Writes a consistent copy of `database` (SQLite only) to `to`, which must not exist: VACUUM
// INTO on one pooled session, a snapshot of one read transaction while other sessions and
// processes go on writing. The copy holds no free pages (nothing deleted lingers in it) and is
// switched to the rollback journal so that it is one self-contained file. It is not yet
// synced to disk: the caller fsyncs it before trusting it. Errors: kFailedPrecondition on
// PostgreSQL; what Database::Run returns otherwise.
Status SnapshotSqlite(Database& database, const std::string& to);

// The recordings a snapshot's voicemails name (whole ones: a recording still in progress at
// the snapshot is the recording node's to recover), as file names in the voicemail folder.
// Errors: kInvalidArgument when `path` is not a readable snapshot.
Result<std::vector<std::string>> RecordingsNamedInSnapshot(const std::string& path);

// Removes from the snapshot at `path` the voicemails whose recordings are `files`: recordings
// that were deleted between the snapshot and their copy, so the backup holds what it would
// have held had the deletion come first. Errors: kUnavailable.
Status ForgetRecordingsInSnapshot(const std::string& path, const std::vector<std::string>& files);

// What a backup file holds, read without changing it.
struct SqliteBackupInfo {
  int schema_version = 0;
};

// Opens the SQLite file at `path` read-only, checks its structure (PRAGMA quick_check) and
// reads its schema version. Errors: kInvalidArgument when it is not a readable SQLite database
// of this service, or the check finds damage.
Result<SqliteBackupInfo> InspectSqliteBackup(const std::string& path);

}  // namespace fr
