#pragma once

#include <asio.hpp>
#include <cstdint>

#include "common/result.hpp"

namespace fr::media {

// Hands out non-blocking UDP sockets bound to even ports of a range. Ports are tried round
// robin from after the last one given, so a port just closed is reused as late as possible
// (late packets of an old call do not reach a new one); ports taken by anyone are skipped.
// Not thread-safe.
class UdpPortPool {
 public:
  // Precondition: the range holds at least one even port (checked by the engine's Start).
  UdpPortPool(asio::ip::address address, std::uint16_t port_min, std::uint16_t port_max);

  // Errors: kResourceExhausted when no even port in the range can be bound.
  Result<asio::ip::udp::socket> Bind(asio::io_context& io);

 private:
  Result<asio::ip::udp::socket> TryBind(asio::io_context& io, std::uint16_t port) const;

  asio::ip::address address_;
  std::uint16_t first_port_;
  std::uint32_t port_count_;
  std::uint32_t next_index_ = 0;
};

// The number of even ports in [port_min, port_max].
std::uint32_t EvenPortCount(std::uint16_t port_min, std::uint16_t port_max);

}  // namespace fr::media
