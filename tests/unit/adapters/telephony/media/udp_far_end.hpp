#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "adapters/telephony/media/rtp_packet.hpp"

namespace fr::media::testing {

// A received RTP packet, copied out of its datagram.
struct RtpCopy {
  RtpHeader header;
  std::vector<std::uint8_t> payload;
};

// The far end of a stream in tests: a plain POSIX UDP socket on an ephemeral port.
class UdpFarEnd {
 public:
  explicit UdpFarEnd(const char* address = "127.0.0.1");
  ~UdpFarEnd();

  UdpFarEnd(const UdpFarEnd&) = delete;
  UdpFarEnd& operator=(const UdpFarEnd&) = delete;

  std::uint16_t port() const { return port_; }

  // Sends `datagram` to 127.0.0.1:`port`.
  void SendTo(std::uint16_t port, std::span<const std::uint8_t> datagram) const;

  // The next datagram, or nullopt if none arrives within `timeout`.
  std::optional<std::vector<std::uint8_t>> Receive(std::chrono::milliseconds timeout) const;

  // The next `count` RTP packets; fewer if the deadline passes (generous: CI is slow).
  std::vector<RtpCopy> ReceiveRtp(
      std::size_t count, std::chrono::milliseconds deadline = std::chrono::seconds(10)) const;

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

// An RTP datagram with `header` and `payload`.
std::vector<std::uint8_t> MakeRtp(const RtpHeader& header, std::span<const std::uint8_t> payload);

// Polls `condition` until it holds or `timeout` passes; returns its last value.
bool WaitFor(const std::function<bool()>& condition,
             std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace fr::media::testing
