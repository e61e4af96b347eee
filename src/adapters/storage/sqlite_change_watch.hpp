#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

#include "common/result.hpp"

struct sqlite3;

namespace fr {

// Tells whether any connection, in this process or another (an `admin` command), may have
// committed to a SQLite database in WAL mode since an earlier look, without a transaction or a
// system call: it reads the wal-index header (the "-shm" file), which every commit rewrites (its
// change counter, frame count and checksum), the way SQLite itself decides whether its page
// cache is still good (https://www.sqlite.org/walformat.html, "The WAL-Index Header").
// Decision 0084: caches in front of hot reads are checked against it, so a revoked token or a
// changed hotline is seen by the very next request. Thread-safe.
class SqliteChangeWatch {
 public:
  // The header as one look saw it; equal marks mean no commit in between. A look that found the
  // header being rewritten gives a mark equal to none (not even itself).
  class Mark {
   public:
    friend bool operator==(const Mark& a, const Mark& b) {
      return a.settled_ && b.settled_ && a.header_ == b.header_;
    }

   private:
    friend class SqliteChangeWatch;
    std::array<std::uint8_t, 48> header_{};
    bool settled_ = false;
  };

  // Reads the wal-index through `connection`'s own mapping of it (the VFS's xShmMap), so no
  // file descriptor of ours touches "<path>-shm": closing one would drop every POSIX lock this
  // process holds on it, SQLite's included. `connection` must be in WAL mode, have read once
  // (which maps the wal-index), and stay open for as long as the watch is used. nullptr when
  // there is no mapping or its header is not one this code knows: callers then read the
  // database every time.
  static std::unique_ptr<SqliteChangeWatch> Open(sqlite3* connection);

  SqliteChangeWatch(const SqliteChangeWatch&) = delete;
  SqliteChangeWatch& operator=(const SqliteChangeWatch&) = delete;

  Mark Look() const;

 private:
  explicit SqliteChangeWatch(const volatile std::uint8_t* mapped) : mapped_(mapped) {}

  const volatile std::uint8_t* mapped_;  // SQLite's, valid while the connection is open
};

// Which page of whose list: the owner (an organisation, a hotline), limit and offset. A list page
// cached under it must be decided by these alone; the caller checks the principal first.
struct ListPageKey {
  std::int64_t owner = 0;
  std::int64_t limit = 0;
  std::int64_t offset = 0;

  friend bool operator==(const ListPageKey&, const ListPageKey&) = default;
  struct Hash {
    std::size_t operator()(const ListPageKey& key) const {
      std::size_t hash = std::hash<std::int64_t>()(key.owner);
      hash = hash * 31 + std::hash<std::int64_t>()(key.limit);
      return hash * 31 + std::hash<std::int64_t>()(key.offset);
    }
  };
};

// ChangeCheckedCache::ReadThrough's default: every value read is remembered.
struct KeepEveryValue {
  template <typename Value>
  bool operator()(const Value& /*value*/) const {
    return true;
  }
};

// Values read from the database, each kept with the mark of the look taken before its read and
// served while a new look gives the same mark. Bounded: at `capacity` entries a new key starts
// it over. Thread-safe. A large value is best kept as a shared_ptr to const, so that a hit copies
// it outside the lock.
template <typename Key, typename Value, typename Hash = std::hash<Key>>
class ChangeCheckedCache {
 public:
  explicit ChangeCheckedCache(std::size_t capacity) : capacity_(capacity) {}

  // The value under `key`: the one held while `watch` sees no commit since it was read, else
  // `read()` (a Result<Value>), remembered when `keep(value)` says so. The look is taken *before*
  // the read, so a commit during the read makes the next look differ and the value is read
  // again. Without a watch (PostgreSQL, or no wal-index this code knows) it reads every time.
  template <typename Read, typename Keep = KeepEveryValue>
  Result<Value> ReadThrough(const SqliteChangeWatch* watch, const Key& key, Read&& read,
                            Keep keep = {}) {
    if (watch == nullptr) return std::forward<Read>(read)();
    const SqliteChangeWatch::Mark before = watch->Look();
    if (auto held = Find(key, before)) return std::move(*held);
    Result<Value> value = std::forward<Read>(read)();
    if (value.ok() && keep(*value)) Remember(key, before, *value);
    return value;
  }

  std::optional<Value> Find(const Key& key, const SqliteChangeWatch::Mark& now) const {
    std::lock_guard lock(mu_);
    const auto found = entries_.find(key);
    if (found == entries_.end() || !(found->second.mark == now)) return std::nullopt;
    return found->second.value;
  }

  // `mark` is the look taken before `value` was read: a commit in between gives the next look
  // another mark, so the value is read again.
  void Remember(const Key& key, const SqliteChangeWatch::Mark& mark, Value value) {
    std::lock_guard lock(mu_);
    if (entries_.size() >= capacity_ && !entries_.contains(key)) entries_.clear();
    entries_.insert_or_assign(key, Entry{mark, std::move(value)});
  }

 private:
  struct Entry {
    SqliteChangeWatch::Mark mark;
    Value value;
  };
  mutable std::mutex mu_;
  std::unordered_map<Key, Entry, Hash> entries_;  // Guarded by mu_.
  const std::size_t capacity_;
};

}  // namespace fr
