#include "adapters/storage/sqlite_change_watch.hpp"

#include <sqlite3.h>

#include <atomic>
#include <cstring>

namespace fr {
namespace {

// The wal-index header (walformat.html §2.1): two copies of 48 bytes, in the host's byte order.
// A writer fills the second copy, then the first; a reader that finds both alike has a whole
// header.
constexpr std::size_t kHeaderCopyBytes = 48;
constexpr int kWalIndexRegionBytes = 32768;  // the size SQLite maps the wal-index in
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

std::unique_ptr<SqliteChangeWatch> SqliteChangeWatch::Open(sqlite3* connection) {
  sqlite3_file* file = nullptr;
  if (connection == nullptr ||
      sqlite3_file_control(connection, "main", SQLITE_FCNTL_FILE_POINTER, &file) != SQLITE_OK ||
      file == nullptr || file->pMethods == nullptr || file->pMethods->iVersion < 2 ||
      file->pMethods->xShmMap == nullptr) {
    return nullptr;
  }
  // Region 0, as the connection mapped it; bExtend 0: nothing is created or grown here.
  volatile void* region = nullptr;
  if (file->pMethods->xShmMap(file, 0, kWalIndexRegionBytes, 0, &region) != SQLITE_OK ||
      region == nullptr) {
    return nullptr;
  }
  std::unique_ptr<SqliteChangeWatch> watch(
      new SqliteChangeWatch(static_cast<const volatile std::uint8_t*>(region)));
  std::uint8_t header[kHeaderCopyBytes];
  CopyOut(watch->mapped_, header);
  if (!IsKnownHeader(header)) return nullptr;
  return watch;
}

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
