#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
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
  // Binds `port` of `address` (0: an ephemeral port). Throws std::runtime_error if it cannot.
  explicit UdpFarEnd(const char* address = "127.0.0.1", std::uint16_t port = 0);
  ~UdpFarEnd();

  UdpFarEnd(const UdpFarEnd&) = delete;
  UdpFarEnd& operator=(const UdpFarEnd&) = delete;

  std::uint16_t port() const { return port_; }

  // Sends `datagram` to 127.0.0.1:`port`.
  void SendTo(std::uint16_t port, std::span<const std::uint8_t> datagram) const;

  // The next datagram, or nullopt if none arrives within `timeout`.
  std::optional<std::vector<std::uint8_t>> Receive(std::chrono::milliseconds timeout) const;

  // The next `count` RTP packets, skipping RTCP; fewer if the deadline passes (generous: CI is
  // slow).
  std::vector<RtpCopy> ReceiveRtp(
      std::size_t count, std::chrono::milliseconds deadline = std::chrono::seconds(10)) const;

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
};

// A phone's media ports on 127.0.0.1: RTP on an even port, RTCP on the next one.
struct FarEndPair {
  std::unique_ptr<UdpFarEnd> rtp;
  std::unique_ptr<UdpFarEnd> rtcp;
};
FarEndPair BindFarEndPair();

// An RTP datagram with `header` and `payload`.
std::vector<std::uint8_t> MakeRtp(const RtpHeader& header, std::span<const std::uint8_t> payload);

// Polls `condition` until it holds or `timeout` passes; returns its last value.
bool WaitFor(const std::function<bool()>& condition,
             std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace fr::media::testing
