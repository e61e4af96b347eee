#include "adapters/storage/voicemail_folder.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>

#include "adapters/storage/wav_file.hpp"
#include "domain/voicemail/voicemail.hpp"

namespace fr {
namespace {

class WavRecording final : public VoicemailRecording {
 public:
  explicit WavRecording(WavWriter writer) : writer_(std::move(writer)) {}
  ~WavRecording() override = default;
  Status Append(std::span<const std::int16_t> samples) override {
    return writer_.Append(samples);
  }
  Result<std::chrono::milliseconds> Commit() override { return writer_.Commit(); }
  void Abandon() override { writer_.Abandon(); }

 private:
  WavWriter writer_;
};

constexpr std::string_view kPartSuffix = ".part";

}  // namespace

Result<std::unique_ptr<VoicemailFolder>> VoicemailFolder::Open(
    const std::filesystem::path& folder) {
  std::error_code error;
  std::filesystem::create_directories(folder, error);
  if (error || !std::filesystem::is_directory(folder)) {
    return Error::InvalidArgument("--voicemail-dir " + folder.string() +
                                     " is not a folder that can be created: " + error.message());
  }
  std::filesystem::permissions(folder, std::filesystem::perms::owner_all,
                               std::filesystem::perm_options::replace, error);
  if (::access(folder.c_str(), W_OK | X_OK) != 0) {
    return Error::InvalidArgument("--voicemail-dir " + folder.string() + " is not writable");
  }
  return std::unique_ptr<VoicemailFolder>(new VoicemailFolder(folder));
}

Result<std::filesystem::path> VoicemailFolder::PathOf(const std::string& file) const {
  if (!IsVoicemailFileName(file)) return Error::InvalidArgument("not a voicemail file name");
  return folder_ / file;
}

Result<std::unique_ptr<VoicemailRecording>> VoicemailFolder::Create(const std::string& file) {
  FR_ASSIGN_OR_RETURN(const auto path, PathOf(file));
  FR_ASSIGN_OR_RETURN(WavWriter writer, WavWriter::Create(path));
  return std::unique_ptr<VoicemailRecording>(new WavRecording(std::move(writer)));
}

Result<std::optional<std::chrono::milliseconds>> VoicemailFolder::Recover(
    const std::string& file) {
  FR_ASSIGN_OR_RETURN(const auto path, PathOf(file));
  return RecoverWav(path);
}

Status VoicemailFolder::Remove(const std::string& file) {
  FR_ASSIGN_OR_RETURN(const auto path, PathOf(file));
  for (const auto& doomed : {PartPathOf(path), path}) {
    if (::unlink(doomed.c_str()) != 0 && errno != ENOENT) {
      return Error::Internal("cannot remove " + doomed.string() + ": " + std::strerror(errno));
    }
  }
  return Ok();
}

Result<std::vector<std::string>> VoicemailFolder::Files(std::string_view prefix) {
  std::set<std::string> names;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(folder_, error)) {
    std::string name = entry.path().filename().string();
    if (name.ends_with(kPartSuffix)) name.resize(name.size() - kPartSuffix.size());
    if (name.starts_with(prefix) && IsVoicemailFileName(name)) names.insert(std::move(name));
  }
  if (error) return Error::Internal("cannot list " + folder_.string() + ": " + error.message());
  return std::vector<std::string>(names.begin(), names.end());
}

Result<std::uint64_t> VoicemailFolder::Size(const std::string& file) {
  FR_ASSIGN_OR_RETURN(const auto path, PathOf(file));
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  if (error) return Error::NotFound("The voicemail's recording is missing.");
  return static_cast<std::uint64_t>(size);
}

Result<std::string> VoicemailFolder::Read(const std::string& file, std::uint64_t offset,
                                          std::uint64_t length) {
  FR_ASSIGN_OR_RETURN(const auto path, PathOf(file));
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error::NotFound("The voicemail's recording is missing.");
  std::string bytes(length, '\0');
  std::size_t filled = 0;
  while (filled < length) {
    const ssize_t got = ::pread(fd, bytes.data() + filled, length - filled,
                                static_cast<off_t>(offset + filled));
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    filled += static_cast<std::size_t>(got);
  }
  ::close(fd);
  bytes.resize(filled);
  return bytes;
}

}  // namespace fr
