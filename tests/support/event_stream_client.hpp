#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace fr::testing {

// One Server-Sent Event as received.
struct ReceivedEvent {
  std::string id;
  std::string type;  // the "event:" field
  std::string data;
};

// A Server-Sent Events client on a raw socket, for the event stream tests: sends one GET to
// 127.0.0.1:`port`, reads the status and headers, then decodes the chunked body on a thread of
// its own into events and comments as they arrive. Closes the connection when destroyed.
class EventStreamClient {
 public:
  // `headers` are "Name: value" lines.
  EventStreamClient(std::uint16_t port, const std::string& path,
                    const std::vector<std::string>& headers);
  ~EventStreamClient();
  EventStreamClient(const EventStreamClient&) = delete;
  EventStreamClient& operator=(const EventStreamClient&) = delete;

  // The status and head of the response ("" head: no answer within `timeout`).
  int WaitForStatus(std::chrono::milliseconds timeout);
  std::string head() const;
  // Whether `count` events arrived within `timeout`.
  bool WaitForEvents(std::size_t count, std::chrono::milliseconds timeout);
  std::vector<ReceivedEvent> events() const;
  std::vector<std::string> comments() const;  // ": …" lines, without the colon
  // Whether the server ended the response (the final chunk) or closed the connection.
  bool WaitForEnd(std::chrono::milliseconds timeout);

 private:
  void Read();
  void Feed(const std::string& text);  // body text: SSE lines; guarded by mu_

  int socket_ = -1;
  mutable std::mutex mu_;
  std::condition_variable changed_;
  int status_ = 0;                     // Guarded by mu_.
  std::string head_;                   // Guarded by mu_.
  std::string line_;                   // Guarded by mu_: the SSE line being read
  ReceivedEvent pending_;              // Guarded by mu_: the event being read
  std::vector<ReceivedEvent> events_;  // Guarded by mu_.
  std::vector<std::string> comments_;  // Guarded by mu_.
  bool ended_ = false;                 // Guarded by mu_.
  std::thread reader_;
};

}  // namespace fr::testing
