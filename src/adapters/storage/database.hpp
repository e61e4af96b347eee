#pragma once

#include <memory>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <utility>

#include <soci/soci.h>

#include "common/result.hpp"

namespace fr {

enum class Dialect { kSqlite, kPostgresql };

template <typename T>
struct AsResult {
  using type = Result<T>;
};
template <typename T>
struct AsResult<Result<T>> {
  using type = Result<T>;
};

// Turns any exception from SOCI or a backend into an Error: a unique violation becomes
// kAlreadyExists, a busy or locked database kUnavailable, anything else kInternal. The original
// message is logged with `operation`, never returned.
Error TranslateStorageError(const std::exception& error, const char* operation);

// The service's database: a pool of SOCI sessions (sessions are not thread-safe, the pool is),
// configured for durability, with the schema migrated to this binary's version.
class Database {
 public:
  // Opens `url` (`sqlite:PATH`) with `pool_size` sessions and applies pending migrations.
  // Errors: kInvalidArgument (unsupported URL), kFailedPrecondition (the schema is newer than
  // this binary), kUnavailable (cannot open or migrate).
  static Result<std::unique_ptr<Database>> Open(const std::string& url, std::size_t pool_size);

  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  Dialect dialect() const { return dialect_; }

  // Runs `work(soci::session&)` on a pooled session, blocking while all sessions are leased.
  // `work` may return a plain value, a Result (passed through) or nothing (Status). An exception
  // it throws becomes the translated error. Thread-safe.
  template <typename Work>
  auto Run(const char* operation, Work&& work) {
    using Returned = decltype(work(std::declval<soci::session&>()));
    using Out = typename AsResult<Returned>::type;
    try {
      const Lease lease(*pool_);
      soci::session& session = lease.session();
      if constexpr (std::is_void_v<Returned>) {
        work(session);
        return Out();
      } else {
        return Out(work(session));
      }
    } catch (const std::exception& error) {
      return Out(TranslateStorageError(error, operation));
    }
  }

  // A cheap query that proves the database answers (readiness).
  Status Ping();

  // The schema version this binary writes.
  static int LatestSchemaVersion();

  // The statement for `sql` kept prepared on `session` (one from Run); see PreparedStatement.
  soci::statement& Prepared(soci::session& session, const std::string& sql);

 private:
  // One pooled session, held for the duration of a Run: the session itself, not a proxy, so
  // that statements prepared on it stay valid across leases.
  class Lease {
   public:
    explicit Lease(soci::connection_pool& pool) : pool_(pool), position_(pool.lease()) {}
    ~Lease() { pool_.give_back(position_); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    soci::session& session() const { return pool_.at(position_); }

   private:
    soci::connection_pool& pool_;
    std::size_t position_;
  };
  using Statements = std::unordered_map<std::string, std::unique_ptr<soci::statement>>;

  Database(Dialect dialect, std::size_t pool_size);

  Dialect dialect_;
  std::size_t pool_size_;
  std::unique_ptr<soci::connection_pool> pool_;
  // Per pooled session, filled at Open and never resized: each inner map is used only by the
  // thread that holds its session's lease.
  std::unordered_map<const soci::session*, std::unique_ptr<Statements>> prepared_;
};

// A statement kept prepared for the life of its pooled session: SQLite parses each SQL text
// once per connection rather than once per query (issue #12). Bind with exchange(), then
// define_and_bind() and execute or fetch as with any soci::statement. The destructor drops the
// bindings and resets the statement, so no read transaction outlives the use. Only inside
// Database::Run, with the session it passed; `sql` must come from a small fixed set (each text
// is kept until the database closes).
class PreparedStatement {
 public:
  PreparedStatement(Database& database, soci::session& session, const std::string& sql)
      : statement_(database.Prepared(session, sql)),
        sqlite_(database.dialect() == Dialect::kSqlite) {}
  ~PreparedStatement();
  PreparedStatement(const PreparedStatement&) = delete;
  PreparedStatement& operator=(const PreparedStatement&) = delete;
  soci::statement& operator*() { return statement_; }
  soci::statement* operator->() { return &statement_; }

 private:
  soci::statement& statement_;
  bool sqlite_;
};

// `BEGIN` that takes the write lock at once on SQLite, so that two writers never deadlock
// upgrading read locks; a plain transaction elsewhere. Commits only when told; rolls back on
// destruction otherwise.
class WriteTransaction {
 public:
  WriteTransaction(soci::session& session, Dialect dialect);
  ~WriteTransaction();
  WriteTransaction(const WriteTransaction&) = delete;
  WriteTransaction& operator=(const WriteTransaction&) = delete;
  void Commit();

 private:
  soci::session& session_;
  bool open_ = true;
};

}  // namespace fr

