#pragma once

// The engines of deploy/ run by a test on loopback: nginx from deploy/nginx.conf in front of the
// nodes' HTTP APIs, and Kamailio from deploy/kamailio.cfg and deploy/dispatcher.list in front of
// their SIP ports. The test uses the real files with only addresses, ports, certificate paths and
// the probing interval replaced, so that the files are what is tested (deploy/README.md).
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "support/peer_process.hpp"
#include "support/temp_dir.hpp"

namespace fr::testing {

// The text of deploy/<name> with each `from` replaced by its `to`. Every `from` must occur
// exactly once: a change to the file that the test does not know of fails the test (std::
// runtime_error) instead of quietly testing something else.
std::string DeployFile(const std::string& name,
                       const std::vector<std::pair<std::string, std::string>>& replacements);

// Whether `program` can be run; the reason it cannot otherwise ("nginx is not installed (…)").
std::string MissingProgram(const std::string& name, const std::string& path);

// nginx as the current user with deploy/nginx.conf included in a minimal main configuration:
// TLS on a free loopback port with a fresh self-signed certificate for 127.0.0.1, the upstream
// servers the given API ports, pid, logs and temporary files in a temporary folder. Stopped and
// its folder removed when the object dies. Not thread-safe.
class NginxProcess {
 public:
  // Starts nginx and returns once it accepts connections; throws std::runtime_error with its
  // error log when it does not within 10 s.
  explicit NginxProcess(const std::vector<int>& api_ports);
  ~NginxProcess();
  NginxProcess(const NginxProcess&) = delete;
  NginxProcess& operator=(const NginxProcess&) = delete;

  std::string base_url() const { return "https://127.0.0.1:" + std::to_string(port_); }
  // The certificate nginx presents (PEM); a client trusts it to reach base_url().
  std::filesystem::path certificate() const { return dir_.path() / "nginx-cert.pem"; }
  // nginx's error log and its access log so far.
  std::string Log() const;

 private:
  TempDir dir_;
  std::uint16_t port_ = 0;
  std::unique_ptr<PeerProcess> process_;
};

// Kamailio with deploy/kamailio.cfg on a free loopback port (UDP and TCP), its dispatcher set the
// given SIP ports (deploy/dispatcher.list with the addresses replaced), probing every
// `ping_interval_seconds`; in the foreground, logging to a file in a temporary folder. Stopped and
// its folder removed when the object dies. Not thread-safe.
class DispatcherProcess {
 public:
  // Starts Kamailio and returns once it answers an OPTIONS; throws std::runtime_error with its
  // log when it does not within 10 s.
  DispatcherProcess(const std::vector<std::uint16_t>& sip_ports, int ping_interval_seconds);
  ~DispatcherProcess();
  DispatcherProcess(const DispatcherProcess&) = delete;
  DispatcherProcess& operator=(const DispatcherProcess&) = delete;

  std::uint16_t port() const { return port_; }
  std::string Log() const;
  // The "dispatcher: …" lines of the log (deploy/kamailio.cfg lists them), in order, each from
  // "dispatcher:" on.
  std::vector<std::string> Lines() const;
  // Waits until a line of Lines() contains `text`; false after `timeout`.
  bool WaitForLine(const std::string& text, std::chrono::milliseconds timeout) const;

 private:
  bool AnswersOptions(std::chrono::milliseconds timeout);

  TempDir dir_;
  std::uint16_t port_ = 0;
  std::unique_ptr<PeerProcess> process_;
};

}  // namespace fr::testing
