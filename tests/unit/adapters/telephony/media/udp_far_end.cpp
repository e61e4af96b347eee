#include "unit/adapters/telephony/media/udp_far_end.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

#include "adapters/telephony/media/rtcp_packet.hpp"
#include <thread>

namespace fr::media::testing {
namespace {

sockaddr_in LoopbackAddress(const char* address, std::uint16_t port) {
  sockaddr_in result{};
  result.sin_family = AF_INET;
  result.sin_port = htons(port);
  inet_pton(AF_INET, address, &result.sin_addr);
  return result;
}

}  // namespace

UdpFarEnd::UdpFarEnd(const char* address, std::uint16_t port)
    : fd_(socket(AF_INET, SOCK_DGRAM, 0)) {
  sockaddr_in local = LoopbackAddress(address, port);
  if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
    if (fd_ >= 0) close(fd_);
    throw std::runtime_error("cannot bind the far end's UDP socket");
  }
  socklen_t length = sizeof local;
  getsockname(fd_, reinterpret_cast<sockaddr*>(&local), &length);
  port_ = ntohs(local.sin_port);
}

UdpFarEnd::~UdpFarEnd() { close(fd_); }

void UdpFarEnd::SendTo(std::uint16_t port, std::span<const std::uint8_t> datagram) const {
  const sockaddr_in to = LoopbackAddress("127.0.0.1", port);
  sendto(fd_, datagram.data(), datagram.size(), 0, reinterpret_cast<const sockaddr*>(&to),
         sizeof to);
}

std::optional<std::vector<std::uint8_t>> UdpFarEnd::Receive(
    std::chrono::milliseconds timeout) const {
  pollfd readable{.fd = fd_, .events = POLLIN, .revents = 0};
  if (poll(&readable, 1, static_cast<int>(timeout.count())) != 1) return std::nullopt;
  std::vector<std::uint8_t> datagram(4096);
  const ssize_t size = recv(fd_, datagram.data(), datagram.size(), 0);
  if (size < 0) return std::nullopt;
  datagram.resize(static_cast<std::size_t>(size));
  return datagram;
}

std::vector<RtpCopy> UdpFarEnd::ReceiveRtp(std::size_t count,
                                           std::chrono::milliseconds deadline) const {
  std::vector<RtpCopy> packets;
  const auto end = std::chrono::steady_clock::now() + deadline;
  while (packets.size() < count) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        end - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    const auto datagram = Receive(left);
    if (!datagram) break;
    if (LooksLikeRtcp(*datagram)) continue;
    if (const auto rtp = ParseRtp(*datagram)) {
      packets.push_back({rtp->header, {rtp->payload.begin(), rtp->payload.end()}});
    }
  }
  return packets;
}

FarEndPair BindFarEndPair() {
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto rtp = std::make_unique<UdpFarEnd>();
    if (rtp->port() % 2 != 0 || rtp->port() == 65534) continue;
    try {
      auto rtcp = std::make_unique<UdpFarEnd>("127.0.0.1", static_cast<std::uint16_t>(rtp->port() + 1));
      return FarEndPair{std::move(rtp), std::move(rtcp)};
    } catch (const std::runtime_error&) {
      // The odd neighbour is taken: try another pair.
    }
  }
  throw std::runtime_error("no free pair of UDP ports for a far end");
}

std::vector<std::uint8_t> MakeRtp(const RtpHeader& header, std::span<const std::uint8_t> payload) {
  std::vector<std::uint8_t> datagram(kRtpHeaderSize);
  WriteRtpHeader(header, std::span<std::uint8_t, kRtpHeaderSize>(datagram.data(), kRtpHeaderSize));
  datagram.insert(datagram.end(), payload.begin(), payload.end());
  return datagram;
}

bool WaitFor(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

}  // namespace fr::media::testing
