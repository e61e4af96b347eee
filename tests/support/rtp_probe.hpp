#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace fr::testing {

// A test's RTP endpoint on 127.0.0.1: it receives everything sent to its port (recording each
// packet) and sends RTP packets of a recognisable payload, standing in for a phone's audio.
class RtpProbe {
 public:
  struct Packet {
    std::uint16_t source_port = 0;
    int payload_type = -1;
    bool marker = false;
    std::uint16_t sequence = 0;
    std::uint32_t timestamp = 0;
    std::uint32_t ssrc = 0;
    std::vector<std::uint8_t> payload;
  };

  RtpProbe();
  ~RtpProbe();
  RtpProbe(const RtpProbe&) = delete;
  RtpProbe& operator=(const RtpProbe&) = delete;

  std::uint16_t port() const { return port_; }
  std::vector<Packet> Packets() const;
  // Waits until `done(packets so far)` holds; false after `timeout`.
  bool WaitUntil(const std::function<bool(const std::vector<Packet>&)>& done,
                 std::chrono::milliseconds timeout) const;
  // Sends `count` 20 ms PCMU packets whose 160 payload bytes are all `fill`, paced in real time,
  // from this probe's port to 127.0.0.1:`port`.
  void Send(std::uint16_t port, std::uint8_t fill, int count);

 private:
  void Receive();

  int socket_ = -1;
  std::uint16_t port_ = 0;
  std::uint16_t sequence_ = 1;
  std::uint32_t timestamp_ = 0;
  mutable std::mutex mutex_;
  std::vector<Packet> packets_;
  std::atomic<bool> stopping_{false};
  std::thread receiver_;
};

}  // namespace fr::testing
