#pragma once

// The SQL databases every storage contract suite runs against, a fresh migrated one per test:
// SQLite in a temporary folder, and PostgreSQL on the shared test cluster (decision 0037).

#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "adapters/storage/database.hpp"
#include "support/postgres_cluster.hpp"
#include "support/temp_dir.hpp"

namespace fr::testing {

struct SqliteStorage {
  TempDir dir;
  std::string url() const { return "sqlite:" + (dir.path() / "contract.db").string(); }
};

struct PostgresqlStorage {
  PostgresDatabase database;
  std::string url() const { return database.url(); }
};

// Opens (and so migrates) the storage's database with `pool_size` sessions; throws on failure.
template <typename Storage>
std::unique_ptr<Database> OpenDatabase(const Storage& storage, std::size_t pool_size = 2) {
  auto opened = Database::Open(storage.url(), pool_size);
  if (!opened.ok()) throw std::runtime_error(opened.error().detail);
  return std::move(opened).value();
}

// Names the typed tests by backend (`…/Sqlite.Name`) rather than by index. A backend type is
// named by the storage it holds (`storage`), or is the in-memory fake.
struct BackendNames {
  template <typename Backend>
  static std::string GetName(int) {
    if constexpr (std::is_same_v<Backend, SqliteStorage>) {
      return "Sqlite";
    } else if constexpr (std::is_same_v<Backend, PostgresqlStorage>) {
      return "Postgresql";
    } else if constexpr (requires { typename Backend::Storage; }) {
      return GetName<typename Backend::Storage>(0);
    } else {
      return "InMemory";
    }
  }
};

}  // namespace fr::testing
