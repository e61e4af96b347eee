#include "main/backup_restore.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <system_error>
#include <utility>
#include <vector>

#include "adapters/crypto/openssl_crypto.hpp"
#include "adapters/storage/database_url.hpp"
#include "adapters/storage/sqlite_files.hpp"

namespace fr {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kSha256HexLength = 64;

// Flushes a file or a folder (the names in it) to disk.
Status Sync(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return Error::Unavailable("Cannot open " + path.string() + ": " + std::strerror(errno));
  const int synced = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  if (synced != 0)
    return Error::Unavailable("Cannot sync " + path.string() + ": " + std::strerror(error));
  return Ok();
}

Status Rename(const fs::path& from, const fs::path& to) {
  std::error_code error;
  fs::rename(from, to, error);
  if (error) return Error::Unavailable("Cannot rename " + from.string() + ": " + error.message());
  return Ok();
}

// The folder of `path`, "." for a bare file name (fsync needs something to open).
fs::path FolderOf(const fs::path& path) {
  return path.has_parent_path() ? path.parent_path() : fs::path(".");
}

// A temporary file beside `path` that is removed unless kept.
class Partial {
 public:
  explicit Partial(fs::path final_path) : path_(final_path.string() + ".partial") {
    std::error_code ignored;
    fs::remove(path_, ignored);  // left by an earlier run that died
  }
  ~Partial() {
    if (kept_) return;
    std::error_code ignored;
    fs::remove(path_, ignored);
  }
  Partial(const Partial&) = delete;
  Partial& operator=(const Partial&) = delete;
  const fs::path& path() const { return path_; }
  void Keep() { kept_ = true; }

 private:
  fs::path path_;
  bool kept_ = false;
};

// One line of a checksum file: a file of the backup, named relative to the backup's folder.
struct Checksum {
  std::string sha256;
  std::string name;
};

// "<hex>  <name>\n" per file, as sha256sum writes them, so `sha256sum -c` checks a backup too:
// the database first, then its recordings.
Status WriteChecksums(const fs::path& path, const std::vector<Checksum>& sums) {
  std::ofstream out(path, std::ios::trunc);
  for (const Checksum& sum : sums) out << sum.sha256 << "  " << sum.name << "\n";
  if (!out.flush()) return Error::Unavailable("Cannot write " + path.string() + ".");
  return Ok();
}

Result<std::vector<Checksum>> ReadChecksums(const fs::path& path) {
  std::ifstream in(path);
  std::vector<Checksum> sums;
  std::string line;
  while (in && std::getline(in, line)) {
    const std::size_t gap = line.find("  ");
    if (gap != kSha256HexLength || line.size() <= gap + 2) {
      return Error::InvalidArgument("The checksum file " + path.string() + " is malformed.");
    }
    sums.push_back({line.substr(0, gap), line.substr(gap + 2)});
  }
  if (sums.empty()) {
    return Error::InvalidArgument("The backup has no checksum file " + path.string() +
                                  "; refusing to restore an unverified copy.");
  }
  return sums;
}

Status CopyFile(const fs::path& from, const fs::path& to) {
  std::error_code error;
  fs::copy_file(from, to, fs::copy_options::overwrite_existing, error);
  if (error) return Error::Unavailable("Cannot copy " + from.string() + ": " + error.message());
  return Ok();
}

// Checks `copy` of the backup's database against its checksum and its schema version against
// this binary's.
Result<RestoreDone> VerifyDatabase(const fs::path& from, const Checksum& expected,
                                   const fs::path& copy) {
  FR_ASSIGN_OR_RETURN(const std::string actual, Sha256HexOfFile(copy.string()));
  if (actual != expected.sha256) {
    return Error::InvalidArgument("The backup " + from.string() +
                                  " does not match its checksum: it is damaged or incomplete.");
  }
  FR_ASSIGN_OR_RETURN(const SqliteBackupInfo info, InspectSqliteBackup(copy.string()));
  if (info.schema_version > Database::LatestSchemaVersion()) {
    return Error::FailedPrecondition(
        "The backup's schema is version " + std::to_string(info.schema_version) +
        ", newer than this binary's " + std::to_string(Database::LatestSchemaVersion()) +
        ": restore it with a newer first-responder.");
  }
  return RestoreDone{actual, info.schema_version, 0};
}

// The folder of a backup's recordings, and how its checksum lines name one.
fs::path RecordingsFolderOf(const fs::path& backup) { return backup.string() + ".voicemails"; }
std::string RecordingName(const fs::path& backup, const std::string& file) {
  return RecordingsFolderOf(backup).filename().string() + "/" + file;
}

// A recording's file name as the database keeps it: one name in the voicemail folder. A
// checksum file is read from outside: "../" or a folder must not steer a restore elsewhere.
bool IsPlainFileName(const std::string& name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos;
}

// Copies the recordings `files` of `folder` into `copies` (created empty), each synced, with
// their checksums; the files that are gone (deleted since the snapshot named them) are listed
// in `vanished` instead.
Result<std::vector<Checksum>> CopyRecordings(const fs::path& folder,
                                             const std::vector<std::string>& files,
                                             const fs::path& copies, const fs::path& backup,
                                             std::vector<std::string>& vanished) {
  std::error_code error;
  fs::remove_all(copies, error);
  fs::create_directories(copies, error);
  if (error) return Error::Unavailable("Cannot create " + copies.string() + ": " + error.message());
  std::vector<Checksum> sums;
  for (const std::string& file : files) {
    const fs::path copy = copies / file;
    const Status copied = CopyFile(folder / file, copy);
    if (!copied.ok()) {
      if (fs::exists(folder / file)) return copied.error();
      vanished.push_back(file);
      continue;
    }
    FR_RETURN_IF_ERROR(Sync(copy));
    FR_ASSIGN_OR_RETURN(std::string sha256, Sha256HexOfFile(copy.string()));
    sums.push_back({std::move(sha256), RecordingName(backup, file)});
  }
  FR_RETURN_IF_ERROR(Sync(copies));
  return sums;
}

}  // namespace

Result<BackupDone> BackUp(Database& database, const std::string& to,
                          const fs::path& voicemail_folder) {
  const fs::path target(to);
  std::error_code ignored;
  if (target.has_parent_path()) fs::create_directories(target.parent_path(), ignored);
  const Partial partial(target);
  const Partial checksum(target.string() + ".sha256");
  const fs::path recordings = RecordingsFolderOf(target);
  const fs::path partial_recordings = recordings.string() + ".partial";
  FR_RETURN_IF_ERROR(SnapshotSqlite(database, partial.path().string()));
  // The snapshot says which recordings belong to the backup: one finished later is not in
  // it, and one deleted since is dropped from it, as if the deletion had come first.
  FR_ASSIGN_OR_RETURN(const std::vector<std::string> named,
                      RecordingsNamedInSnapshot(partial.path().string()));
  std::vector<std::string> vanished;
  FR_ASSIGN_OR_RETURN(
      std::vector<Checksum> recording_sums,
      CopyRecordings(voicemail_folder, named, partial_recordings, target, vanished));
  FR_RETURN_IF_ERROR(ForgetRecordingsInSnapshot(partial.path().string(), vanished));
  FR_RETURN_IF_ERROR(Sync(partial.path()));
  FR_ASSIGN_OR_RETURN(const std::string sha256, Sha256HexOfFile(partial.path().string()));
  FR_ASSIGN_OR_RETURN(const SqliteBackupInfo info, InspectSqliteBackup(partial.path().string()));
  std::vector<Checksum> sums{{sha256, target.filename().string()}};
  sums.insert(sums.end(), recording_sums.begin(), recording_sums.end());
  FR_RETURN_IF_ERROR(WriteChecksums(checksum.path(), sums));
  FR_RETURN_IF_ERROR(Sync(checksum.path()));
  // The recordings, then the database, then the checksum file that vouches for both: a crash
  // between the renames leaves files that do not match the checksums, which restore refuses,
  // never a checksum that vouches for a part.
  fs::remove_all(recordings, ignored);
  FR_RETURN_IF_ERROR(Rename(partial_recordings, recordings));
  FR_RETURN_IF_ERROR(Rename(partial.path(), target));
  FR_RETURN_IF_ERROR(Rename(checksum.path(), target.string() + ".sha256"));
  FR_RETURN_IF_ERROR(Sync(FolderOf(target)));
  return BackupDone{target.string(), target.string() + ".sha256", sha256, info.schema_version,
                    static_cast<std::int64_t>(recording_sums.size())};
}

Result<RestoreDone> Restore(const std::string& database_url, const std::string& from,
                            const fs::path& voicemail_folder) {
  FR_ASSIGN_OR_RETURN(const DatabaseUrl url, ParseDatabaseUrl(database_url));
  if (url.dialect != Dialect::kSqlite) {
    return Error::FailedPrecondition(
        "admin restore writes SQLite databases only; restore PostgreSQL with pg_restore (see "
        "'Running on PostgreSQL' in the README).");
  }
  const fs::path target(url.target);
  std::error_code ignored;
  if (target.has_parent_path()) fs::create_directories(target.parent_path(), ignored);
  if (!fs::exists(from)) return Error::InvalidArgument("No backup at " + from + ".");
  // Held until the new file is in place: no server opens the database meanwhile.
  FR_ASSIGN_OR_RETURN(const SqliteUseLock lock,
                      SqliteUseLock::Acquire(url.target, SqliteUseLock::Mode::kExclusive));
  FR_ASSIGN_OR_RETURN(const std::vector<Checksum> sums, ReadChecksums(from + ".sha256"));
  Partial copy(target);
  FR_RETURN_IF_ERROR(CopyFile(from, copy.path()));
  FR_RETURN_IF_ERROR(Sync(copy.path()));
  FR_ASSIGN_OR_RETURN(RestoreDone done, VerifyDatabase(from, sums.front(), copy.path()));

  // Every recording is copied and checked before anything is replaced.
  fs::create_directories(voicemail_folder, ignored);
  std::vector<std::pair<fs::path, fs::path>> placed;  // checked copy, final name
  std::set<std::string> restored;
  for (auto sum = sums.begin() + 1; sum != sums.end(); ++sum) {
    // "<backup>.voicemails/<file>"; the backup may have been renamed since, with its folder.
    const std::size_t slash = sum->name.find('/');
    const std::string file =
        slash == std::string::npos || !sum->name.substr(0, slash).ends_with(".voicemails")
            ? std::string()
            : sum->name.substr(slash + 1);
    if (!IsPlainFileName(file)) {
      return Error::InvalidArgument("The checksum file " + from + ".sha256 names " + sum->name +
                                    ", which is not a recording of this backup.");
    }
    const fs::path final_path = voicemail_folder / file;
    const fs::path checked = final_path.string() + ".restoring";
    FR_RETURN_IF_ERROR(CopyFile(RecordingsFolderOf(from) / file, checked));
    placed.emplace_back(checked, final_path);
    FR_RETURN_IF_ERROR(Sync(checked));
    FR_ASSIGN_OR_RETURN(const std::string actual, Sha256HexOfFile(checked.string()));
    if (actual != sum->sha256) {
      for (const auto& [each, unused] : placed) fs::remove(each, ignored);
      return Error::InvalidArgument("The recording " + sum->name +
                                    " does not match its checksum: the backup is damaged.");
    }
    restored.insert(file);
  }
  for (const auto& [checked, final_path] : placed) {
    FR_RETURN_IF_ERROR(Rename(checked, final_path));
  }
  FR_RETURN_IF_ERROR(Sync(voicemail_folder));

  // The old file's WAL holds pages of the old database: replayed onto the new one, they would
  // corrupt it. Nobody has it open (the lock), so it can go.
  for (const char* suffix : {"-wal", "-shm", "-journal"}) {
    fs::remove(target.string() + suffix, ignored);
  }
  FR_RETURN_IF_ERROR(Rename(copy.path(), target));
  copy.Keep();
  FR_RETURN_IF_ERROR(Sync(FolderOf(target)));
  // Recordings the restored database does not name would be orphans; they go last, so that a
  // restore cut short leaves the old database with all its recordings.
  for (const auto& entry : fs::directory_iterator(voicemail_folder, ignored)) {
    if (entry.is_regular_file() && !restored.contains(entry.path().filename().string())) {
      fs::remove(entry.path(), ignored);
    }
  }
  done.voicemails = static_cast<std::int64_t>(restored.size());
  return done;
}

}  // namespace fr
