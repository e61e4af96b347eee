#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "adapters/storage/database.hpp"
#include "common/result.hpp"

namespace fr {

// `admin backup` and `admin restore` of a SQLite database (decision 0045). A backup is two
// files: the database copy at PATH and PATH.sha256, its SHA-256 in sha256sum's format.

struct BackupDone {
  std::string path;
  std::string checksum_path;
  std::string sha256;
  int schema_version = 0;
};

// Writes a consistent copy of `database` to `to` while others go on writing: the snapshot goes
// to a temporary file beside `to`, is synced, and is renamed into place with its checksum file,
// so `to` is either the old file or the whole new backup, never a part. Errors:
// kFailedPrecondition on PostgreSQL (pg_dump is the tool there); kUnavailable when a file
// cannot be written; what the snapshot returns.
Result<BackupDone> BackUp(Database& database, const std::string& to);

struct RestoreDone {
  std::string sha256;
  int schema_version = 0;
};

// Replaces the SQLite database of `database_url` by the backup at `from`: refuses while any
// process has the database open (SqliteUseLock), checks the copy against `from`.sha256 and its
// schema version against this binary's, then renames the copy into place and drops the old
// file's WAL. A missing folder is created. Errors: kFailedPrecondition (PostgreSQL, database in
// use, schema newer than this binary), kInvalidArgument (checksum missing or wrong, not a
// backup, damaged), kUnavailable (files cannot be read or written).
Result<RestoreDone> Restore(const std::string& database_url, const std::string& from);

// The voicemail recordings beside a backup (decision 0055): the whole WAV files of `folder`
// (not recordings in progress) copied to `to`.voicemails/, each synced, through a temporary
// folder renamed into place. Returns how many. Errors: kUnavailable.
Result<std::int64_t> BackUpVoicemails(const std::filesystem::path& folder, const std::string& to);

// After Restore: `folder` holds exactly the recordings of `from`.voicemails/ (nothing changes
// when the backup has none). Returns how many. Errors: kUnavailable.
Result<std::int64_t> RestoreVoicemails(const std::string& from,
                                       const std::filesystem::path& folder);

}  // namespace fr
