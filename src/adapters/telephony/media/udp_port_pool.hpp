#pragma once

#include <asio.hpp>
#include <cstdint>

#include "common/result.hpp"

namespace fr::media {

// The sockets of one stream: RTP on an even port, RTCP on the odd port above it.
struct StreamSockets {
  asio::ip::udp::socket rtp;
  asio::ip::udp::socket rtcp;
};

// Hands out pairs of non-blocking UDP sockets: RTP on an even port of a range, RTCP on the
// next port (RFC 3550 section 11; peers send RTCP there unless told otherwise), both within
// the range. Pairs are tried round robin from after the last one given, so a port just closed
// is reused as late as possible (late packets of an old call do not reach a new one); a pair
// is skipped when either port is taken by anyone. Not thread-safe.
class UdpPortPool {
 public:
  // Precondition: the range holds at least one pair (checked by the engine's Start).
  UdpPortPool(asio::ip::address address, std::uint16_t port_min, std::uint16_t port_max);

  // Errors: kResourceExhausted when no pair of the range can be bound.
  Result<StreamSockets> Bind(asio::io_context& io);

 private:
  Result<asio::ip::udp::socket> TryBind(asio::io_context& io, std::uint16_t port) const;

  asio::ip::address address_;
  std::uint16_t first_port_;
  std::uint32_t pair_count_;
  std::uint32_t next_index_ = 0;
};

// The number of even ports p in [port_min, port_max] with p + 1 in it too.
std::uint32_t PortPairCount(std::uint16_t port_min, std::uint16_t port_max);

}  // namespace fr::media
