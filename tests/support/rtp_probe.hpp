#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace fr::testing {

// A test's RTP endpoint on 127.0.0.1: it receives everything sent to its port (recording each
// packet) and sends RTP packets of a recognisable payload, standing in for a phone's audio.
// RTCP that reaches the RTP port (another probe's neighbour port) is not taken for RTP.
class RtpProbe {
 public:
  struct WithRtcpPort {};
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
  // Binds an even port for RTP and the next one for RTCP, as phones do (RFC 3550).
  explicit RtpProbe(WithRtcpPort);
  ~RtpProbe();
  RtpProbe(const RtpProbe&) = delete;
  RtpProbe& operator=(const RtpProbe&) = delete;

  std::uint16_t port() const { return port_; }
  std::vector<Packet> Packets() const;
  // Waits until `done(packets so far)` holds; false after `timeout`.
  bool WaitUntil(const std::function<bool(const std::vector<Packet>&)>& done,
                 std::chrono::milliseconds timeout) const;
  // Sends `count` 20 ms PCMU packets whose 160 payload bytes are all `fill`, paced in real time,
  // from this probe's port to 127.0.0.1:`port`. Each carries the RTP timestamp of the moment it
  // is sent, as a phone's audio clock gives it: a late send is late in its timestamp too.
  void Send(std::uint16_t port, std::uint8_t fill, int count);
  // Presses `keys` (0-9, '*', '#') as a phone's keypad does by RFC 4733: per key, one event
  // (a new timestamp, the marker on its first packet) of three packets and three final ones,
  // 20 ms apart, with payload type `payload_type`, then 100 ms of pause.
  void SendKeys(std::uint16_t port, const std::string& keys, int payload_type = 101);

  // With WithRtcpPort: the datagrams that arrived on the RTCP port, and sending from it.
  std::vector<std::vector<std::uint8_t>> RtcpDatagrams() const;
  void SendRtcp(std::uint16_t port, const std::vector<std::uint8_t>& datagram);

 private:
  void Receive();
  void ReceiveRtp();
  void ReceiveRtcp();

  int socket_ = -1;
  int rtcp_socket_ = -1;
  std::uint16_t port_ = 0;
  std::uint16_t sequence_ = 1;
  std::uint32_t timestamp_ = 0;
  mutable std::mutex mutex_;
  std::vector<Packet> packets_;                          // guarded by mutex_
  std::vector<std::vector<std::uint8_t>> rtcp_datagrams_;  // guarded by mutex_
  std::atomic<bool> stopping_{false};
  std::thread receiver_;
};

}  // namespace fr::testing
