#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace fr::http {

struct ExportRunnerOptions {
  int max_running = 2;  // exports at once in this process; one more is refused with 429
  // Exports at once for one requester (a user, or an organisation's token), so that one slow
  // reader cannot hold every place.
  int max_running_per_requester = 1;
  // How long one chunk may wait for a client that does not read before the export gives up.
  std::chrono::milliseconds write_timeout{30000};
  std::size_t chunk_bytes = 64 * 1024;  // what an export holds before it writes
};

// Runs the streamed exports (GET /v1/organizations/{id}/export, /v1/me/export; decision 0047)
// on threads of their own: an export reads the database page by page for as long as the
// organisation is large, which must hold neither an I/O thread nor a worker. At most
// `max_running` at once, so the database and memory they use stay bounded. Thread-safe; Stop
// before the HTTP server stops and before the services the jobs use go.
class ExportRunner {
 public:
  // One export's place, held from the request until its job ends.
  class Slot;

  explicit ExportRunner(ExportRunnerOptions options = {});
  ~ExportRunner();
  ExportRunner(const ExportRunner&) = delete;
  ExportRunner& operator=(const ExportRunner&) = delete;

  const ExportRunnerOptions& options() const { return options_; }

  // A place for one more export of `requester`; null when `max_running` run already, or as
  // many as a requester may of `requester`'s, or after Stop.
  std::shared_ptr<Slot> Reserve(const std::string& requester);
  // Runs `job` on a thread of its own, holding `slot` until it returns. After Stop, `job` is
  // dropped unrun.
  void Run(std::shared_ptr<Slot> slot, std::function<void()> job);
  // True once Stop began: jobs end at their next write.
  bool stopping() const;
  // Tells the jobs to end and waits for them. Idempotent.
  void Stop();

 private:
  struct Places;  // shared with the slots, which may outlive the runner
  struct Running {
    std::thread thread;
    bool done = false;  // Guarded by mu_.
  };
  // Joins the threads whose jobs ended. Requires mu_ not held.
  void Reap();

  const ExportRunnerOptions options_;
  const std::shared_ptr<Places> places_;
  mutable std::mutex mu_;
  std::list<Running> running_;  // Guarded by mu_.
  bool stopping_ = false;       // Guarded by mu_.
};

}  // namespace fr::http
