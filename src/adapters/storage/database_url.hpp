#pragma once

#include <string>
#include <string_view>

#include "common/result.hpp"

namespace fr {

enum class Dialect { kSqlite, kPostgresql };

// What a --database URL names, checked once at start.
struct DatabaseUrl {
  Dialect dialect = Dialect::kSqlite;
  // SQLite: the file's path. PostgreSQL: the URL itself, as libpq reads it.
  std::string target;
  // The URL with any password replaced by "***": the only form logs and messages may show.
  std::string redacted;
};

// Parses `sqlite:PATH` or `postgresql://[user[:password]@][host][:port][/dbname][?param=value…]`
// (also `postgres://`; every libpq URI parameter, such as `sslmode` or `host=/run/postgresql`
// for a Unix socket, is accepted). Errors: kInvalidArgument naming the accepted forms; the
// message never contains the password.
Result<DatabaseUrl> ParseDatabaseUrl(std::string_view url);

}  // namespace fr
