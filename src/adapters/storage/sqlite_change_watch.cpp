#include "adapters/storage/sqlite_change_watch.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstring>

namespace fr {
namespace {

// The wal-index header (walformat.html §2.1): two copies of 48 bytes, in the host's byte order.
// A writer fills the second copy, then the first; a reader that finds both alike has a whole
// header.
constexpr std::size_t kHeaderCopyBytes = 48;
constexpr std::size_t kMappedBytes = 2 * kHeaderCopyBytes;
constexpr std::uint32_t kKnownVersion = 3007000;
constexpr std::size_t kIsInitOffset = 12;

void CopyOut(const volatile std::uint8_t* from, std::uint8_t* to) {
  for (std::size_t i = 0; i < kHeaderCopyBytes; ++i) to[i] = from[i];
}

bool IsKnownHeader(const std::uint8_t* header) {
  std::uint32_t version = 0;
  std::memcpy(&version, header, sizeof version);
  return version == kKnownVersion && header[kIsInitOffset] == 1;
}

}  // namespace

std::unique_ptr<SqliteChangeWatch> SqliteChangeWatch::Open(const std::string& database_path) {
  const std::string path = database_path + "-shm";
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return nullptr;
  struct stat status {};
  void* mapped = MAP_FAILED;
  if (::fstat(fd, &status) == 0 && static_cast<std::size_t>(status.st_size) >= kMappedBytes) {
    mapped = ::mmap(nullptr, kMappedBytes, PROT_READ, MAP_SHARED, fd, 0);
  }
  ::close(fd);
  if (mapped == MAP_FAILED) return nullptr;
  std::unique_ptr<SqliteChangeWatch> watch(
      new SqliteChangeWatch(static_cast<const volatile std::uint8_t*>(mapped), kMappedBytes));
  std::uint8_t header[kHeaderCopyBytes];
  CopyOut(watch->mapped_, header);
  if (!IsKnownHeader(header)) return nullptr;
  return watch;
}

SqliteChangeWatch::~SqliteChangeWatch() { ::munmap(const_cast<std::uint8_t*>(mapped_), length_); }

SqliteChangeWatch::Mark SqliteChangeWatch::Look() const {
  Mark mark;
  std::uint8_t second[kHeaderCopyBytes];
  CopyOut(mapped_, mark.header_.data());
  std::atomic_thread_fence(std::memory_order_acquire);
  CopyOut(mapped_ + kHeaderCopyBytes, second);
  mark.settled_ =
      std::memcmp(mark.header_.data(), second, kHeaderCopyBytes) == 0 && IsKnownHeader(second);
  return mark;
}

}  // namespace fr
