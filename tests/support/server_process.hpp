#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/postgres_cluster.hpp"
#include "support/temp_dir.hpp"

namespace fr::testing {

// The real `first-responder` binary in a temporary directory with its own database: SQLite in
// that directory, or, when the run is on PostgreSQL (ServersUsePostgresql), a new database on
// the shared test cluster. `Admin(...)` runs admin subcommands on that database, `Start()` runs
// `serve` on an ephemeral loopback port. The server is stopped (SIGTERM, then SIGKILL) and the
// directory (or database) removed when the object dies.
class ServerProcess {
 public:
  ServerProcess();
  // On the database at `database_url` (another server's, say), whatever the run's backend.
  explicit ServerProcess(std::string database_url);
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Runs `first-responder admin --json --database … <args>` and returns its stdout as JSON.
  // Throws when it exits non-zero.
  nlohmann::json Admin(const std::vector<std::string>& args) const;
  // The same, but returns the exit code and keeps stdout in `output`.
  int AdminRaw(const std::vector<std::string>& args, std::string& output) const;

  // Fills the still unused database with what `build` makes (admin commands, typically), or
  // with a copy of what it made before: the first test to ask for `name` runs `build` and keeps
  // the database and `build`'s answer in the build tree; later tests of the same binaries and
  // backend (and, on PostgreSQL, the same cluster) copy that database and get the same answer.
  // Dozens of admin processes per test became one file copy (or a CREATE DATABASE … TEMPLATE).
  nlohmann::json Seed(const std::string& name, const std::function<nlohmann::json()>& build);

  // Starts `serve` with `extra_args` and waits until it listens (on an ephemeral loopback port,
  // unless `extra_args` has --listen 127.0.0.1:PORT). Throws on failure.
  void Start(const std::vector<std::string>& extra_args = {});
  // Sends SIGTERM and waits for the exit status (the process's exit code, or -signal).
  int Stop();
  // Sends SIGTERM (again on each call) and returns at once; Stop() then only waits for the
  // exit.
  void Terminate();
  // Waits up to `timeout` for the process to exit; its exit code (or -signal), or nullopt if it
  // still runs.
  std::optional<int> WaitForExit(std::chrono::milliseconds timeout);
  // SIGKILL, as a crash would.
  void Kill();

  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }
  const std::string& database_url() const { return database_url_; }
  const std::filesystem::path& dir() const { return dir_.path(); }
  // What the server wrote to stdout (the access log) and stderr so far.
  std::string Stdout() const;
  std::string Stderr() const;

 private:
  TempDir dir_;
  std::unique_ptr<PostgresDatabase> postgresql_;  // when the run is on PostgreSQL
  std::string database_url_;
  pid_t pid_ = -1;
  int port_ = 0;
  bool terminated_ = false;  // SIGTERM sent by Terminate(), not yet reaped
};

// Any other program run in the background for a test, its stdout and stderr in `dir`. Killed
// (SIGKILL) when the object dies if still running.
class ChildProcess {
 public:
  ChildProcess(const std::vector<std::string>& argv, const std::filesystem::path& dir,
               const std::string& name);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Waits until stdout contains `text`; false when the process exits or `timeout` passes first.
  bool WaitForStdout(const std::string& text, std::chrono::milliseconds timeout);
  // Waits for the exit and returns the exit code (or -signal).
  int Wait();
  // SIGKILL, as a crash would; then reaps the process.
  void Kill();
  std::string Stdout() const;
  std::string Stderr() const;

 private:
  std::filesystem::path out_, err_;
  pid_t pid_ = -1;
};

// The binary under test (set by CMake).
std::string BinaryPath();

// Runs `argv` to completion; returns its exit code and stores stdout in `output`.
int RunProcess(const std::vector<std::string>& argv, std::string& output);

}  // namespace fr::testing
