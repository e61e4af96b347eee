#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "adapters/http/http_types.hpp"
#include "app/event_stream_service.hpp"

namespace fr::http {

struct EventStreamOptions {
  std::chrono::milliseconds poll_interval{250};  // how often each stream looks for new events
  // A comment line after this long without events; as often, whether the stream's token and
  // admin role still hold (EventStreamService::StillAllowed): a stream whose token was revoked,
  // or whose user was removed or demoted, ends within one heartbeat.
  std::chrono::milliseconds heartbeat{15000};
  // A stream ends after this long; the client's EventSource reconnects with Last-Event-ID and is
  // authenticated and authorised afresh (a session's idle timeout included).
  std::chrono::minutes max_age{30};
  // Open streams; one more is refused with 429. A user's count spans all their tokens and
  // sessions; an organisation's all streams of its events.
  int per_token = 5;
  int per_user = 10;
  int per_organization = 50;
  int total = 200;  // in this process
};

// Serves every open event stream (decision 0063) from one thread of its own: no HTTP thread
// waits for a stream. Each turn it reads each stream's new events from the database through
// EventStreamService, so a stream hears the events of every node, and writes them as
// Server-Sent Events ("id: <event id>", "event: <type>", "data: <the webhook body>"), or a
// heartbeat comment when it has been quiet. Thread-safe; Stop before the HTTP server stops.
class EventStreamHub {
 public:
  // The JSON of one event as a webhook would receive it (adapters/webhook's renderer, given by
  // main: adapters do not include each other).
  using Render = std::function<std::string(const WebhookEvent&, bool include_caller_number)>;

  // One stream's place in the bounds, held from the request until the stream ends.
  class Slot;

  EventStreamHub(EventStreamService& service, Render render, EventStreamOptions options = {});
  ~EventStreamHub();
  EventStreamHub(const EventStreamHub&) = delete;
  EventStreamHub& operator=(const EventStreamHub&) = delete;

  // A slot for one more stream of `principal` on `organization`'s events; null when its token,
  // its user (for a user), the organisation or the process has as many streams open as the
  // options allow, or after Stop.
  std::shared_ptr<Slot> Reserve(const Principal& principal, OrganizationId organization);

  // Serves `stream` from `start` until the client goes, the stream reaches max_age, or Stop.
  void Attach(std::shared_ptr<ResponseStream> stream, const EventStreamStart& start,
              std::shared_ptr<Slot> slot);

  // Ends every stream and stops the thread. Idempotent.
  void Stop();

 private:
  struct Counts;
  struct Open {
    std::shared_ptr<ResponseStream> stream;
    EventStreamStart start;
    std::shared_ptr<Slot> slot;
    WebhookEventId cursor;
    std::chrono::steady_clock::time_point opened, last_write, last_check;
  };

  void Run();
  // One turn for one stream: its new events, or a heartbeat. False when the stream is over.
  bool Serve(Open& open, std::chrono::steady_clock::time_point now);

  EventStreamService& service_;
  const Render render_;
  const EventStreamOptions options_;
  const std::shared_ptr<Counts> counts_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::vector<Open> arrived_;  // Guarded by mu_: attached, not yet taken by the thread.
  bool stopping_ = false;      // Guarded by mu_.
  std::thread thread_;         // started by the first Attach; guarded by mu_
};

}  // namespace fr::http
