#include "adapters/telephony/media/udp_port_pool.hpp"

#include <cassert>
#include <string>

namespace fr::media {
namespace {

std::uint16_t FirstEvenPort(std::uint16_t port_min) {
  return static_cast<std::uint16_t>(port_min + (port_min % 2));
}

}  // namespace

std::uint32_t PortPairCount(std::uint16_t port_min, std::uint16_t port_max) {
  const std::uint32_t first = FirstEvenPort(port_min);
  return first + 1 > port_max ? 0 : (port_max - first - 1) / 2 + 1;
}

UdpPortPool::UdpPortPool(asio::ip::address address, std::uint16_t port_min, std::uint16_t port_max)
    : address_(std::move(address)),
      first_port_(FirstEvenPort(port_min)),
      pair_count_(PortPairCount(port_min, port_max)) {
  assert(pair_count_ > 0);
}

Result<StreamSockets> UdpPortPool::Bind(asio::io_context& io) {
  for (std::uint32_t attempt = 0; attempt < pair_count_; ++attempt) {
    const std::uint32_t index = next_index_;
    next_index_ = (next_index_ + 1) % pair_count_;
    const auto port = static_cast<std::uint16_t>(first_port_ + 2 * index);
    auto rtp = TryBind(io, port);
    if (!rtp.ok()) continue;
    auto rtcp = TryBind(io, static_cast<std::uint16_t>(port + 1));
    if (rtcp.ok()) return StreamSockets{std::move(*rtp), std::move(*rtcp)};
  }
  return Error::ResourceExhausted(
      "no free pair of UDP ports for RTP and RTCP in the configured range");
}

Result<asio::ip::udp::socket> UdpPortPool::TryBind(asio::io_context& io, std::uint16_t port) const {
  const asio::ip::udp::endpoint endpoint(address_, port);
  asio::ip::udp::socket socket(io);
  asio::error_code error;
  socket.open(endpoint.protocol(), error);
  if (!error) socket.bind(endpoint, error);
  // Sends happen on the media thread, which must never block on a full socket buffer.
  if (!error) socket.non_blocking(true, error);
  if (error) return Error::Unavailable("cannot bind UDP port " + std::to_string(port));
  return socket;
}

}  // namespace fr::media
