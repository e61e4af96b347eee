#include "main/backup_restore.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <system_error>

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

// "<hex>  <name>\n", as sha256sum writes it, so `sha256sum -c` checks a backup too.
Status WriteChecksum(const fs::path& path, const std::string& sha256, const fs::path& of) {
  std::ofstream out(path, std::ios::trunc);
  out << sha256 << "  " << of.filename().string() << "\n";
  if (!out.flush()) return Error::Unavailable("Cannot write " + path.string() + ".");
  return Ok();
}

Result<std::string> ReadChecksum(const fs::path& path) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) {
    return Error::InvalidArgument("The backup has no checksum file " + path.string() +
                                  "; refusing to restore an unverified copy.");
  }
  const std::string sha256 = line.substr(0, line.find_first_of(" \t"));
  if (sha256.size() != kSha256HexLength) {
    return Error::InvalidArgument("The checksum file " + path.string() + " is malformed.");
  }
  return sha256;
}

Status CopyFile(const fs::path& from, const fs::path& to) {
  std::error_code error;
  fs::copy_file(from, to, fs::copy_options::overwrite_existing, error);
  if (error) return Error::Unavailable("Cannot copy " + from.string() + ": " + error.message());
  return Ok();
}

// The copy at `copy` is what `from`.sha256 promises, a database of this service, and not newer
// than this binary.
Result<RestoreDone> Verify(const fs::path& from, const fs::path& copy) {
  FR_ASSIGN_OR_RETURN(const std::string expected, ReadChecksum(from.string() + ".sha256"));
  FR_ASSIGN_OR_RETURN(const std::string actual, Sha256HexOfFile(copy.string()));
  if (actual != expected) {
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
  return RestoreDone{actual, info.schema_version};
}

}  // namespace

Result<BackupDone> BackUp(Database& database, const std::string& to) {
  const fs::path target(to);
  std::error_code ignored;
  if (target.has_parent_path()) fs::create_directories(target.parent_path(), ignored);
  const Partial partial(target);
  const Partial checksum(target.string() + ".sha256");
  FR_RETURN_IF_ERROR(SnapshotSqlite(database, partial.path().string()));
  FR_RETURN_IF_ERROR(Sync(partial.path()));
  FR_ASSIGN_OR_RETURN(const std::string sha256, Sha256HexOfFile(partial.path().string()));
  FR_ASSIGN_OR_RETURN(const SqliteBackupInfo info, InspectSqliteBackup(partial.path().string()));
  FR_RETURN_IF_ERROR(WriteChecksum(checksum.path(), sha256, target));
  FR_RETURN_IF_ERROR(Sync(checksum.path()));
  // The database first: a crash between the renames leaves a backup whose checksum does not
  // match, which restore refuses, never a checksum that vouches for a partial file.
  FR_RETURN_IF_ERROR(Rename(partial.path(), target));
  FR_RETURN_IF_ERROR(Rename(checksum.path(), target.string() + ".sha256"));
  FR_RETURN_IF_ERROR(Sync(FolderOf(target)));
  return BackupDone{target.string(), target.string() + ".sha256", sha256, info.schema_version};
}

Result<RestoreDone> Restore(const std::string& database_url, const std::string& from) {
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
  Partial copy(target);
  FR_RETURN_IF_ERROR(CopyFile(from, copy.path()));
  FR_RETURN_IF_ERROR(Sync(copy.path()));
  FR_ASSIGN_OR_RETURN(const RestoreDone done, Verify(from, copy.path()));
  // The old file's WAL holds pages of the old database: replayed onto the new one, they would
  // corrupt it. Nobody has it open (the lock), so it can go.
  for (const char* suffix : {"-wal", "-shm", "-journal"}) {
    fs::remove(target.string() + suffix, ignored);
  }
  FR_RETURN_IF_ERROR(Rename(copy.path(), target));
  copy.Keep();
  FR_RETURN_IF_ERROR(Sync(FolderOf(target)));
  return done;
}

namespace {

constexpr std::string_view kRecordingSuffix = ".wav";

bool IsWholeRecording(const fs::directory_entry& entry) {
  return entry.is_regular_file() && entry.path().filename().string().ends_with(kRecordingSuffix);
}

}  // namespace

Result<std::int64_t> BackUpVoicemails(const fs::path& folder, const std::string& to) {
  const fs::path target = to + ".voicemails";
  const fs::path partial = to + ".voicemails.partial";
  std::error_code error;
  fs::remove_all(partial, error);
  fs::create_directories(partial, error);
  if (error) return Error::Unavailable("Cannot create " + partial.string() + ": " + error.message());
  std::int64_t copied = 0;
  if (fs::is_directory(folder)) {
    for (const auto& entry : fs::directory_iterator(folder, error)) {
      if (!IsWholeRecording(entry)) continue;
      const fs::path copy = partial / entry.path().filename();
      FR_RETURN_IF_ERROR(CopyFile(entry.path(), copy));
      FR_RETURN_IF_ERROR(Sync(copy));
      ++copied;
    }
    if (error) return Error::Unavailable("Cannot list " + folder.string() + ": " + error.message());
  }
  FR_RETURN_IF_ERROR(Sync(partial));
  fs::remove_all(target, error);
  FR_RETURN_IF_ERROR(Rename(partial, target));
  FR_RETURN_IF_ERROR(Sync(FolderOf(target)));
  return copied;
}

Result<std::int64_t> RestoreVoicemails(const std::string& from, const fs::path& folder) {
  const fs::path source = from + ".voicemails";
  if (!fs::is_directory(source)) return std::int64_t{0};
  std::error_code error;
  fs::create_directories(folder, error);
  // Recordings the restored database does not know would be orphans.
  for (const auto& entry : fs::directory_iterator(folder, error)) {
    if (!fs::exists(source / entry.path().filename())) fs::remove(entry.path(), error);
  }
  std::int64_t restored = 0;
  for (const auto& entry : fs::directory_iterator(source, error)) {
    if (!IsWholeRecording(entry)) continue;
    const fs::path target = folder / entry.path().filename();
    const fs::path partial = target.string() + ".restoring";
    FR_RETURN_IF_ERROR(CopyFile(entry.path(), partial));
    FR_RETURN_IF_ERROR(Sync(partial));
    FR_RETURN_IF_ERROR(Rename(partial, target));
    ++restored;
  }
  if (error) return Error::Unavailable("Cannot restore " + source.string() + ": " + error.message());
  FR_RETURN_IF_ERROR(Sync(folder));
  return restored;
}

}  // namespace fr
