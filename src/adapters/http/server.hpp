#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "adapters/http/client_address.hpp"
#include "adapters/http/metrics.hpp"
#include "adapters/http/pipeline.hpp"
#include "common/random.hpp"
#include "common/result.hpp"

namespace fr::http {

// One I/O thread per core: reads are answered on them (see HttpServer).
inline std::size_t DefaultIoThreads() {
  return std::clamp<std::size_t>(std::thread::hardware_concurrency(), 1, 16);
}

// Writes wait for the disk more than for a core: a PUT spends most of its time waiting for its
// group's turn and commit (SqliteWriteGroups), and the writes waiting together share one commit.
// With 4 workers a group held at most 4 writes; 16 commit about twice as many PUTs a second on
// the benchmark's machine (decision 0098). Each worker adds one pooled database connection.
inline constexpr std::size_t kDefaultWorkers = 16;

struct ServerConfig {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;  // 0: any free port (see HttpServer::Start)
  // Threads that run the connections, and answer reads (GET, HEAD) themselves.
  std::size_t io_threads = DefaultIoThreads();
  std::size_t workers = kDefaultWorkers;
  std::size_t queue_capacity = 512;
  std::size_t max_body_bytes = 1 << 20;
  std::chrono::seconds read_timeout{30};
  std::chrono::seconds write_timeout{30};
  std::chrono::seconds handle_timeout{60};
  std::chrono::seconds drain_timeout{20};
  // Proxies whose X-Forwarded-For names the client (`--trusted-proxy`); none by default.
  TrustedProxies trusted_proxies;
};

// The RESTinio adapter: accepts connections on I/O threads, copies each request into an
// http::Request, runs the Pipeline, writes the response, and logs one JSON access-log line per
// request. Reads (GET, HEAD) run on the I/O thread that parsed them: they are short, and two
// thread hand-offs cost more than the request (issue #12). Writes, which may wait for the
// database's write lock, go to the worker pool, whose bounded queue answers 503 when full. Not
// copyable; Start, then Stop, from one thread.
class HttpServer {
 public:
  HttpServer(ServerConfig config, const Pipeline& pipeline, HttpMetrics& metrics,
             SecureRandom& random);
  ~HttpServer();

  // Binds and starts accepting. Returns the bound port. Errors: kUnavailable (cannot bind).
  Result<std::uint16_t> Start();

  // Stops accepting, lets in-flight requests finish (up to drain_timeout), and closes every
  // connection. Until then every request is served; signals are the caller's business (the
  // service drains its calls first, decision 0033). Call once, from the thread that started it.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fr::http
