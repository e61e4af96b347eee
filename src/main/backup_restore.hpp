#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "adapters/storage/database.hpp"
#include "common/result.hpp"

namespace fr {

// `admin backup` and `admin restore` of a SQLite database and its voicemail recordings
// (decisions 0045, 0055). A backup at PATH is the database copy, PATH.voicemails/ with the
// recordings it names, and PATH.sha256 with the SHA-256 of each in sha256sum's format.

struct BackupDone {
  std::string path;
  std::string checksum_path;
  std::string sha256;  // of the database copy
  int schema_version = 0;
  std::int64_t voicemails = 0;
};

// Writes a consistent copy of `database` to `to` while others go on writing, with the
// recordings of `voicemail_folder` that the copy names (a recording deleted before it was
// copied is dropped from the copy too): each goes to a temporary name beside its final one, is
// synced, and is renamed into place, the checksum file last, so a backup is either whole or
// refused by restore, never trusted in part. Errors: kFailedPrecondition on PostgreSQL
// (pg_dump is the tool there); kUnavailable when a file cannot be read or written; what the
// snapshot returns.
Result<BackupDone> BackUp(Database& database, const std::string& to,
                          const std::filesystem::path& voicemail_folder);

struct RestoreDone {
  std::string sha256;
  int schema_version = 0;
  std::int64_t voicemails = 0;
};

// Replaces the SQLite database of `database_url` by the backup at `from`, and the recordings
// of `voicemail_folder` by the backup's: refuses while any process has the database open
// (SqliteUseLock), checks every copy against `from`.sha256 and the schema version against this
// binary's before replacing anything, then renames the copies into place, drops the old file's
// WAL and removes the recordings the restored database does not name. A missing folder is
// created. Errors: kFailedPrecondition (PostgreSQL, database in use, schema newer than this
// binary), kInvalidArgument (checksum missing or wrong, not a backup, damaged), kUnavailable
// (files cannot be read or written).
Result<RestoreDone> Restore(const std::string& database_url, const std::string& from,
                            const std::filesystem::path& voicemail_folder);

}  // namespace fr
