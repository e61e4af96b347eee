// The reference for `PUT /v1/hotlines/{id}` in the HTTP benchmark (bench/http/run): how many
// durable commits of that hotline's row plain SQLite makes on this disk, with the connection set
// up as first-responder sets up its own (WAL, synchronous=FULL, foreign keys, busy timeout; see
// src/adapters/storage/database.cpp). One thread, statements prepared once, for SECONDS:
//   BEGIN IMMEDIATE; UPDATE hotlines SET name = ?, version = version + 1, updated_at = ?
//   WHERE id = ?; COMMIT
// It writes the row's current name back, so the hotline reads the same afterwards (only its
// version and updated_at move, as after a PUT). The benchmark runs it in turns with PUTs while
// our server has the database open but gets no requests.
//
// This is the one place outside src/adapters/storage that writes SQL against our schema: it
// must be the bare SQLite floor, without our storage layer, to tell what that layer costs.
//
//   fr_bench_raw_commits DATABASE_PATH HOTLINE_ID SECONDS
// prints {"commits":N,"seconds":S,"commitsPerSecond":R}
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

using Stopwatch = std::chrono::steady_clock;

[[noreturn]] void Fail(sqlite3* db, const char* what) {
  std::fprintf(stderr, "fr_bench_raw_commits: %s: %s\n", what, db ? sqlite3_errmsg(db) : "");
  std::exit(1);
}

sqlite3_stmt* Prepare(sqlite3* db, const char* sql) {
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &statement, nullptr) != SQLITE_OK) Fail(db, sql);
  return statement;
}

void Step(sqlite3* db, sqlite3_stmt* statement, int expected) {
  if (sqlite3_step(statement) != expected) Fail(db, sqlite3_sql(statement));
  sqlite3_reset(statement);
}

long long NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s DATABASE_PATH HOTLINE_ID SECONDS\n", argv[0]);
    return 2;
  }
  const long long hotline = std::atoll(argv[2]);
  const double seconds = std::atof(argv[3]);
  if (hotline <= 0 || seconds <= 0) {
    std::fprintf(stderr, "fr_bench_raw_commits: HOTLINE_ID and SECONDS must be positive\n");
    return 2;
  }
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    Fail(db, "cannot open the database");
  }
  for (const char* pragma : {"PRAGMA journal_mode = WAL", "PRAGMA foreign_keys = ON",
                             "PRAGMA busy_timeout = 5000", "PRAGMA synchronous = FULL"}) {
    if (sqlite3_exec(db, pragma, nullptr, nullptr, nullptr) != SQLITE_OK) Fail(db, pragma);
  }

  sqlite3_stmt* select_name = Prepare(db, "SELECT name FROM hotlines WHERE id = ?");
  sqlite3_bind_int64(select_name, 1, hotline);
  if (sqlite3_step(select_name) != SQLITE_ROW) Fail(db, "no such hotline");
  const std::string name(reinterpret_cast<const char*>(sqlite3_column_text(select_name, 0)));
  sqlite3_finalize(select_name);

  sqlite3_stmt* begin = Prepare(db, "BEGIN IMMEDIATE");
  sqlite3_stmt* update = Prepare(db,
                                 "UPDATE hotlines SET name = ?, version = version + 1,"
                                 " updated_at = ? WHERE id = ?");
  sqlite3_stmt* commit = Prepare(db, "COMMIT");
  sqlite3_bind_text(update, 1, name.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(update, 3, hotline);

  long long commits = 0;
  const auto started = Stopwatch::now();
  const auto deadline = started + std::chrono::duration_cast<Stopwatch::duration>(
                                      std::chrono::duration<double>(seconds));
  while (Stopwatch::now() < deadline) {
    Step(db, begin, SQLITE_DONE);
    sqlite3_bind_int64(update, 2, NowMillis());
    Step(db, update, SQLITE_DONE);
    Step(db, commit, SQLITE_DONE);
    ++commits;
  }
  const double elapsed = std::chrono::duration<double>(Stopwatch::now() - started).count();
  sqlite3_finalize(begin);
  sqlite3_finalize(update);
  sqlite3_finalize(commit);
  sqlite3_close(db);
  std::printf("{\"commits\":%lld,\"seconds\":%.3f,\"commitsPerSecond\":%.1f}\n", commits, elapsed,
              static_cast<double>(commits) / elapsed);
  return 0;
}
