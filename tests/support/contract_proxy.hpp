#pragma once

#include <memory>
#include <mutex>
#include <string>

namespace fr::testing {

class ChildProcess;

// Prism's validating proxy (`prism proxy --errors docs/openapi.json`, issue #18 §4) in front of
// every server this test process starts, so that each request and response an HttpClient
// exchanges is checked against the OpenAPI document by a tool we did not write.
//
// Prism forwards to one upstream, fixed when it starts (several seconds), while the tests start
// a server per test: so one Prism serves the whole process, and its upstream is a relay here
// that sends each connection to the server named by the request's X-FR-Test-Upstream header
// (Prism opens one upstream connection per request: node-fetch's Connection: close).
//
// On only when the environment names Prism (FR_TEST_PRISM: its executable); the ctest entries
// `contract.*` set it. Thread-safe.
class ContractProxy {
 public:
  // The proxy of this process, started at first use; nullptr when FR_TEST_PRISM is unset.
  // Throws when Prism cannot start.
  static ContractProxy* Instance();

  // Prism's address, "http://127.0.0.1:PORT".
  const std::string& base_url() const { return base_url_; }
  // The header that sends a request through the relay to `upstream_port`.
  static std::string UpstreamHeader(int upstream_port);

  ~ContractProxy();

 private:
  ContractProxy();
  void RelayLoop();

  int relay_fd_ = -1;
  std::string base_url_;
  std::unique_ptr<ChildProcess> prism_;
};

}  // namespace fr::testing
