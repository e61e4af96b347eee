#pragma once

#include <filesystem>
#include <memory>
#include <string>

namespace fr::testing {

// A throwaway PostgreSQL 15 cluster for tests (decision 0037): `initdb` in a temporary folder,
// the server started with `pg_ctl` on a free loopback port (TCP only, trust authentication,
// superuser `fr`), no system service. Run as root, the server and its tools run as `nobody`
// (initdb refuses root); the folder is then owned by `nobody`. Not thread-safe.
class PostgresCluster {
 public:
  // initdb and start a new cluster in a new folder under $TMPDIR. Throws on failure, with the
  // server's log in the message.
  static std::unique_ptr<PostgresCluster> Create();
  // The cluster whose folder is `folder` (one a CTest fixture made: see SharedPostgresCluster),
  // not owned: the destructor leaves it running. Throws when it is not there.
  static std::unique_ptr<PostgresCluster> Attach(const std::filesystem::path& folder);

  // An owned cluster is stopped (immediately: it is thrown away) and its folder removed.
  ~PostgresCluster();
  PostgresCluster(const PostgresCluster&) = delete;
  PostgresCluster& operator=(const PostgresCluster&) = delete;

  // From now on the destructor leaves the cluster running and its folder in place: for the
  // CTest fixture, whose cluster outlives the process that made it.
  void KeepRunning() { owned_ = false; }
  // Takes over a cluster Attach found: the destructor stops it and removes its folder.
  void TakeOwnership() { owned_ = true; }

  // `postgresql://fr@127.0.0.1:PORT/DATABASE`.
  std::string Url(const std::string& database) const;
  const std::filesystem::path& folder() const { return folder_; }

  // Runs one SQL statement on database `database` (no result rows). Throws on failure.
  void Execute(const std::string& sql, const std::string& database = "postgres") const;
  // The first column of the first row of `sql`, as text ("" for none or null). Throws on failure.
  std::string Query(const std::string& sql, const std::string& database = "postgres") const;

  // `pg_ctl stop -m MODE` ("fast", or "immediate" as a crash would: no checkpoint) and
  // `pg_ctl start` again on the same port. Throw on failure.
  void Stop(const std::string& mode);
  void Start();

 private:
  PostgresCluster(std::filesystem::path folder, int port, bool owned)
      : folder_(std::move(folder)), port_(port), owned_(owned) {}

  std::filesystem::path folder_;  // data/ and server.log inside
  int port_ = 0;
  bool owned_ = false;
};

// The cluster this test process uses. Under CTest it is the one the `postgres` fixture started
// for all test processes (FR_TEST_POSTGRES_CLUSTER names the file that holds its folder); run
// alone, a test binary starts its own at the first call and removes it at exit. Throws when
// neither works.
PostgresCluster& SharedPostgresCluster();

// A new, empty database on the shared cluster for one test, dropped when the object dies.
class PostgresDatabase {
 public:
  PostgresDatabase();
  ~PostgresDatabase();
  PostgresDatabase(const PostgresDatabase&) = delete;
  PostgresDatabase& operator=(const PostgresDatabase&) = delete;

  const std::string& name() const { return name_; }
  std::string url() const { return SharedPostgresCluster().Url(name_); }

  // Replaces the database with a copy of `template_name` (no session may be connected to
  // either). Throws on failure.
  void CopyFrom(const std::string& template_name);

 private:
  std::string name_;
};

// Whether this run's server processes use PostgreSQL: CTest sets FR_TEST_POSTGRES_CLUSTER only
// for the tests it runs on PostgreSQL (the integration tests' second run, named
// `postgresql.…`); by hand, FR_TEST_DATABASE=postgresql does it with a cluster of its own.
bool ServersUsePostgresql();

}  // namespace fr::testing
