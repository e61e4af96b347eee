#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

// Running third-party SIP software (Kamailio, baresip) beside a test: the process, its log, and
// free loopback ports for it.
namespace fr::testing {

// A port number that was free on 127.0.0.1 a moment ago for UDP and TCP alike (and, with
// `also_next`, port + 1 for TCP too: baresip puts its TLS listener there). Another process may
// still take it before the peer binds it; the peers' helpers retry their start on that.
std::uint16_t FreeUdpAndTcpPort(bool also_next = false);
// A TCP port on 127.0.0.1 that was free a moment ago.
std::uint16_t FreeTcpPort();

// One peer program run for a test: started in its own process group with stdout and stderr in
// `log`, and the whole group ended (SIGTERM, then SIGKILL) by Stop() or when the object dies. A
// small guardian process leads the group and kills all of it if the test process dies first
// (killed by a CTest timeout, say), so no daemon outlives its test. Not thread-safe: one test
// thread owns it.
class PeerProcess {
 public:
  PeerProcess(const std::vector<std::string>& argv, const std::filesystem::path& log,
              const std::filesystem::path& working_dir);
  ~PeerProcess();
  PeerProcess(const PeerProcess&) = delete;
  PeerProcess& operator=(const PeerProcess&) = delete;

  // False once the program has exited (the guardian exits with it and is reaped then).
  bool Running();
  // SIGTERM to the group; after `grace` SIGKILL to what is left. Returns the program's exit code
  // (128 + n if signal n ended it; -9 if it had to be killed).
  int Stop(std::chrono::milliseconds grace = std::chrono::milliseconds(2000));
  // Waits for the leader to exit by itself, at most `timeout` (then Stop()); returns as Stop().
  int WaitForExit(std::chrono::milliseconds timeout);
  // The log so far.
  std::string Log() const;
  pid_t pid() const { return pid_; }

 private:
  std::filesystem::path log_;
  pid_t pid_ = -1;
  int exit_code_ = 0;
};

// The whole file, or "" if it cannot be read.
std::string ReadTextFile(const std::filesystem::path& path);

}  // namespace fr::testing
