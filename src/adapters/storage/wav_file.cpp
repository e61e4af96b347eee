#include "adapters/storage/wav_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace fr {
namespace {

constexpr std::uint16_t kChannels = 1;
constexpr std::uint16_t kBitsPerSample = 16;
constexpr std::uint16_t kBlockAlign = kChannels * kBitsPerSample / 8;
constexpr std::uint64_t kMaxDataBytes = 0xFFFFFFFFull - (kWavHeaderBytes - 8);

Error FileError(const std::string& what, const std::filesystem::path& path) {
  return Error::Internal(what + " " + path.string() + ": " + std::strerror(errno));
}

void PutLittleEndian(std::uint8_t* at, std::uint32_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) at[i] = static_cast<std::uint8_t>(value >> (8 * i));
}

std::uint32_t GetLittleEndian(const std::uint8_t* at, int bytes) {
  std::uint32_t value = 0;
  for (int i = bytes - 1; i >= 0; --i) value = (value << 8) | at[i];
  return value;
}

Status WriteAll(int fd, const void* data, std::size_t size, off_t offset,
                const std::filesystem::path& path) {
  const auto* bytes = static_cast<const std::uint8_t*>(data);
  while (size > 0) {
    const ssize_t written = offset >= 0 ? ::pwrite(fd, bytes, size, offset)
                                        : ::write(fd, bytes, size);
    if (written < 0) {
      if (errno == EINTR) continue;
      return FileError("cannot write", path);
    }
    bytes += written;
    size -= static_cast<std::size_t>(written);
    if (offset >= 0) offset += written;
  }
  return Ok();
}

// A rename or an unlink is durable once the folder's own entry list is synced.
Status SyncFolderOf(const std::filesystem::path& path) {
  const std::filesystem::path folder =
      path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return FileError("cannot open folder", folder);
  const int synced = ::fsync(fd);
  ::close(fd);
  if (synced != 0) return FileError("cannot sync folder", folder);
  return Ok();
}

// Writes the header for `data_bytes`, fsyncs, renames `part` to `final_path`, syncs the folder.
Status Seal(int fd, std::uint64_t data_bytes, const std::filesystem::path& part,
            const std::filesystem::path& final_path) {
  const auto header = WavHeader(static_cast<std::uint32_t>(data_bytes));
  FR_RETURN_IF_ERROR(WriteAll(fd, header.data(), header.size(), 0, part));
  if (::fsync(fd) != 0) return FileError("cannot sync", part);
  if (::rename(part.c_str(), final_path.c_str()) != 0) return FileError("cannot rename", part);
  return SyncFolderOf(final_path);
}

Result<std::chrono::milliseconds> DurationOfWhole(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return FileError("cannot open", path);
  std::array<std::uint8_t, kWavHeaderBytes> header{};
  const ssize_t read = ::pread(fd, header.data(), header.size(), 0);
  ::close(fd);
  if (read != static_cast<ssize_t>(header.size()) || !IsOurWavHeader(header)) {
    return Error::Internal("not a voicemail recording: " + path.string());
  }
  return WavDurationOf(GetLittleEndian(header.data() + 40, 4) / kBlockAlign);
}

}  // namespace

bool IsOurWavHeader(std::span<const std::uint8_t> header) {
  if (header.size() < kWavHeaderBytes) return false;
  const auto expected = WavHeader(GetLittleEndian(header.data() + 40, 4));
  // The RIFF length (bytes 4..7) follows from the data length in a file we wrote whole; in a
  // part file both are still zero, so only the fixed fields are compared besides the data.
  return std::memcmp(header.data(), expected.data(), 4) == 0 &&
         std::memcmp(header.data() + 8, expected.data() + 8, 32) == 0;
}

std::chrono::milliseconds WavDurationOf(std::uint64_t samples) {
  return std::chrono::milliseconds(samples * 1000 / kWavSampleRate);
}

std::filesystem::path PartPathOf(const std::filesystem::path& final_path) {
  std::filesystem::path part = final_path;
  part += ".part";
  return part;
}

Result<WavWriter> WavWriter::Create(const std::filesystem::path& final_path) {
  std::error_code error;
  if (std::filesystem::exists(final_path, error)) {
    return Error::AlreadyExists("the recording exists already: " + final_path.string());
  }
  const std::filesystem::path part = PartPathOf(final_path);
  const int fd = ::open(part.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return Error::AlreadyExists("a recording is in progress: " + part.string());
    return FileError("cannot create", part);
  }
  WavWriter writer(final_path, fd);
  const auto header = WavHeader(0);
  FR_RETURN_IF_ERROR(WriteAll(fd, header.data(), header.size(), -1, part));
  return writer;
}

WavWriter::WavWriter(WavWriter&& other) noexcept
    : final_path_(std::move(other.final_path_)),
      fd_(std::exchange(other.fd_, -1)),
      samples_(other.samples_),
      committed_(other.committed_) {}

WavWriter& WavWriter::operator=(WavWriter&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    final_path_ = std::move(other.final_path_);
    fd_ = std::exchange(other.fd_, -1);
    samples_ = other.samples_;
    committed_ = other.committed_;
  }
  return *this;
}

WavWriter::~WavWriter() {
  if (fd_ >= 0) ::close(fd_);
}

Status WavWriter::Append(std::span<const std::int16_t> samples) {
  if (fd_ < 0 || committed_) return Error::FailedPrecondition("the recording is closed");
  if ((samples_ + samples.size()) * kBlockAlign > kMaxDataBytes) {
    return Error::ResourceExhausted("a WAV file holds at most 4 GiB");
  }
  std::vector<std::uint8_t> bytes(samples.size() * kBlockAlign);
  for (std::size_t i = 0; i < samples.size(); ++i) {
    PutLittleEndian(bytes.data() + i * kBlockAlign, static_cast<std::uint16_t>(samples[i]), 2);
  }
  FR_RETURN_IF_ERROR(WriteAll(fd_, bytes.data(), bytes.size(), -1, PartPathOf(final_path_)));
  samples_ += samples.size();
  return Ok();
}

Result<std::chrono::milliseconds> WavWriter::Commit() {
  if (fd_ < 0 || committed_) return Error::FailedPrecondition("the recording is closed");
  FR_RETURN_IF_ERROR(Seal(fd_, samples_ * kBlockAlign, PartPathOf(final_path_), final_path_));
  committed_ = true;
  ::close(std::exchange(fd_, -1));
  return WavDurationOf(samples_);
}

void WavWriter::Abandon() {
  if (fd_ >= 0) ::close(std::exchange(fd_, -1));
  if (committed_) return;
  const std::filesystem::path part = PartPathOf(final_path_);
  if (::unlink(part.c_str()) == 0) (void)SyncFolderOf(part);
}

Result<std::optional<std::chrono::milliseconds>> RecoverWav(
    const std::filesystem::path& final_path) {
  const std::filesystem::path part = PartPathOf(final_path);
  std::error_code error;
  if (std::filesystem::exists(final_path, error)) {
    // The crash came after the rename: the final file is whole; a part file cannot be beside
    // it (rename replaced it), but one is removed all the same.
    ::unlink(part.c_str());
    FR_ASSIGN_OR_RETURN(const auto duration, DurationOfWhole(final_path));
    return std::optional(duration);
  }
  const int fd = ::open(part.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::optional<std::chrono::milliseconds>();
    return FileError("cannot open", part);
  }
  struct stat status {};
  std::array<std::uint8_t, kWavHeaderBytes> header{};
  const bool readable = ::fstat(fd, &status) == 0 &&
                        ::pread(fd, header.data(), header.size(), 0) ==
                            static_cast<ssize_t>(header.size()) &&
                        IsOurWavHeader(header);
  if (!readable) {
    // Cut short before its header was whole: nothing of the message can be played.
    ::close(fd);
    if (::unlink(part.c_str()) != 0) return FileError("cannot remove", part);
    FR_RETURN_IF_ERROR(SyncFolderOf(part));
    return std::optional<std::chrono::milliseconds>();
  }
  std::uint64_t data_bytes = static_cast<std::uint64_t>(status.st_size) - kWavHeaderBytes;
  data_bytes = std::min(data_bytes - data_bytes % kBlockAlign, kMaxDataBytes - 1);
  if (::ftruncate(fd, static_cast<off_t>(kWavHeaderBytes + data_bytes)) != 0) {
    ::close(fd);
    return FileError("cannot truncate", part);
  }
  const Status sealed = Seal(fd, data_bytes, part, final_path);
  ::close(fd);
  FR_RETURN_IF_ERROR(sealed);
  return std::optional(WavDurationOf(data_bytes / kBlockAlign));
}

}  // namespace fr
