#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace fr::testing {

// A plain-HTTP webhook receiver on 127.0.0.1 (an ephemeral port) for the tests: it records
// every request it reads and answers 204, or 500 for the first `FailNext(n)` requests, or 503
// to every request while `SetRefusing(true)`. One connection at a time, on its own thread;
// stopped and joined when destroyed.
class WebhookReceiver {
 public:
  struct Delivery {
    std::map<std::string, std::string> headers;  // names lower-cased
    std::string body;
    int answered = 0;  // the status the receiver answered with
  };

  WebhookReceiver();
  ~WebhookReceiver();
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  std::string url(const std::string& path = "/hook") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  void FailNext(int requests) { fail_next_ = requests; }
  void SetRefusing(bool refusing) { refusing_ = refusing; }
  // Every request so far, in the order read.
  std::vector<Delivery> Received() const;
  // Waits until `count` requests were answered with 2xx; false on timeout.
  bool WaitForAccepted(std::size_t count, std::chrono::milliseconds timeout) const;

 private:
  void Serve();
  void Handle(int connection);

  int listener_ = -1;
  int port_ = 0;
  std::atomic<int> fail_next_{0};
  std::atomic<bool> refusing_{false};
  std::atomic<bool> stopping_{false};
  mutable std::mutex mu_;
  std::vector<Delivery> received_;  // Guarded by mu_.
  std::thread thread_;
};

}  // namespace fr::testing
