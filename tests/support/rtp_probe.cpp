#include "support/rtp_probe.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <stdexcept>

namespace fr::testing {

namespace {

// A UDP socket on 127.0.0.1:`port` (0: any), or -1.
int BindLoopback(std::uint16_t port) {
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

std::uint16_t PortOf(int fd) {
  sockaddr_in address{};
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  return ntohs(address.sin_port);
}

// RTCP packet types (RFC 5761 section 4), which no RTP of ours uses.
bool IsRtcp(const std::uint8_t* datagram, ssize_t size) {
  return size >= 4 && datagram[1] >= 192 && datagram[1] <= 223;
}

}  // namespace

RtpProbe::RtpProbe() {
  socket_ = BindLoopback(0);
  if (socket_ < 0) throw std::runtime_error("RtpProbe: cannot bind");
  port_ = PortOf(socket_);
  receiver_ = std::thread([this] { Receive(); });
}

RtpProbe::RtpProbe(WithRtcpPort) {
  for (int attempt = 0; attempt < 200 && rtcp_socket_ < 0; ++attempt) {
    if (socket_ >= 0) close(socket_);
    socket_ = BindLoopback(0);
    if (socket_ < 0) continue;
    port_ = PortOf(socket_);
    if (port_ % 2 == 0 && port_ < 65534) rtcp_socket_ = BindLoopback(port_ + 1);
  }
  if (rtcp_socket_ < 0) throw std::runtime_error("RtpProbe: no free pair of ports");
  receiver_ = std::thread([this] { Receive(); });
}

RtpProbe::~RtpProbe() {
  stopping_ = true;
  receiver_.join();
  close(socket_);
  if (rtcp_socket_ >= 0) close(rtcp_socket_);
}

void RtpProbe::Receive() {
  while (!stopping_) {
    pollfd ready[2] = {{socket_, POLLIN, 0}, {rtcp_socket_, POLLIN, 0}};
    if (poll(ready, rtcp_socket_ >= 0 ? 2 : 1, 50) <= 0) continue;
    if (ready[0].revents & POLLIN) ReceiveRtp();
    if (rtcp_socket_ >= 0 && (ready[1].revents & POLLIN)) ReceiveRtcp();
  }
}

void RtpProbe::ReceiveRtcp() {
  std::uint8_t buffer[2048];
  const ssize_t size = recv(rtcp_socket_, buffer, sizeof buffer, 0);
  if (size <= 0) return;
  std::lock_guard lock(mutex_);
  rtcp_datagrams_.emplace_back(buffer, buffer + size);
}

std::vector<std::vector<std::uint8_t>> RtpProbe::RtcpDatagrams() const {
  std::lock_guard lock(mutex_);
  return rtcp_datagrams_;
}

void RtpProbe::SendRtcp(std::uint16_t port, const std::vector<std::uint8_t>& datagram) {
  sockaddr_in target{};
  target.sin_family = AF_INET;
  target.sin_port = htons(port);
  target.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  sendto(rtcp_socket_, datagram.data(), datagram.size(), 0, reinterpret_cast<sockaddr*>(&target),
         sizeof target);
}

void RtpProbe::ReceiveRtp() {
  std::uint8_t buffer[2048];
  sockaddr_in source{};
  socklen_t length = sizeof source;
  const ssize_t size = recvfrom(socket_, buffer, sizeof buffer, 0,
                                reinterpret_cast<sockaddr*>(&source), &length);
  if (size < 12 || IsRtcp(buffer, size)) return;
  Packet packet;
  packet.source_port = ntohs(source.sin_port);
  packet.marker = (buffer[1] & 0x80) != 0;
  packet.payload_type = buffer[1] & 0x7f;
  packet.sequence = static_cast<std::uint16_t>(buffer[2] << 8 | buffer[3]);
  packet.timestamp = static_cast<std::uint32_t>(buffer[4]) << 24 | buffer[5] << 16 | buffer[6] << 8 | buffer[7];
  packet.ssrc = static_cast<std::uint32_t>(buffer[8]) << 24 | buffer[9] << 16 | buffer[10] << 8 | buffer[11];
  const std::size_t header = 12 + 4 * (buffer[0] & 0x0f);
  if (static_cast<std::size_t>(size) > header) packet.payload.assign(buffer + header, buffer + size);
  std::lock_guard lock(mutex_);
  packets_.push_back(std::move(packet));
}

std::vector<RtpProbe::Packet> RtpProbe::Packets() const {
  std::lock_guard lock(mutex_);
  return packets_;
}

bool RtpProbe::WaitUntil(const std::function<bool(const std::vector<Packet>&)>& done,
                         std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done(Packets())) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done(Packets());
}

void RtpProbe::Send(std::uint16_t port, std::uint8_t fill, int count) {
  sockaddr_in target{};
  target.sin_family = AF_INET;
  target.sin_port = htons(port);
  target.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::uint8_t packet[12 + 160];
  // A phone's RTP timestamps follow its audio clock, which runs in real time. Stamping frame i
  // with i * 160 while sleeping 20 ms between sends made a busy machine's late wake-ups of this
  // test process look like network jitter to the service (a 1.6 s hold-up alone adds 100 ms to
  // the RFC 3550 estimate), and the tests compare the service's jitter figures exactly. So each
  // frame is stamped with the audio clock's 20 ms frame at the moment it is sent (one frame
  // after the last at least), and a late frame is not followed by a burst to catch up.
  using Clock = std::chrono::steady_clock;
  constexpr auto kFrame = std::chrono::milliseconds(20);
  const auto start = Clock::now();
  const std::uint32_t first_timestamp = timestamp_;
  std::int64_t frame = -1;
  auto next_send = start;
  for (int i = 0; i < count; ++i) {
    frame = std::max<std::int64_t>(frame + 1, (Clock::now() - start) / kFrame);
    const auto timestamp = static_cast<std::uint32_t>(first_timestamp + 160 * frame);
    packet[0] = 0x80;
    packet[1] = 0;  // PCMU
    packet[2] = static_cast<std::uint8_t>(sequence_ >> 8);
    packet[3] = static_cast<std::uint8_t>(sequence_);
    for (int b = 0; b < 4; ++b) packet[4 + b] = static_cast<std::uint8_t>(timestamp >> (24 - 8 * b));
    for (int b = 0; b < 4; ++b) packet[8 + b] = static_cast<std::uint8_t>(0x5eedf00d >> (24 - 8 * b));
    std::fill(packet + 12, packet + sizeof packet, fill);
    sendto(socket_, packet, sizeof packet, 0, reinterpret_cast<sockaddr*>(&target), sizeof target);
    ++sequence_;
    next_send = std::max(next_send + kFrame, Clock::now());
    std::this_thread::sleep_until(next_send);
  }
  timestamp_ = static_cast<std::uint32_t>(first_timestamp + 160 * (frame + 1));
}

void RtpProbe::SendKeys(std::uint16_t port, const std::string& keys, int payload_type) {
  sockaddr_in target{};
  target.sin_family = AF_INET;
  target.sin_port = htons(port);
  target.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  for (const char key : keys) {
    const std::uint8_t event = key == '*'   ? 10
                               : key == '#' ? 11
                                            : static_cast<std::uint8_t>(key - '0');
    for (int i = 0; i < 6; ++i) {
      const bool end = i >= 3;
      const std::uint16_t duration = static_cast<std::uint16_t>(160 * std::min(i + 1, 4));
      std::uint8_t packet[12 + 4];
      packet[0] = 0x80;
      packet[1] = static_cast<std::uint8_t>((i == 0 ? 0x80 : 0) | (payload_type & 0x7f));
      packet[2] = static_cast<std::uint8_t>(sequence_ >> 8);
      packet[3] = static_cast<std::uint8_t>(sequence_);
      for (int b = 0; b < 4; ++b)
        packet[4 + b] = static_cast<std::uint8_t>(timestamp_ >> (24 - 8 * b));
      for (int b = 0; b < 4; ++b)
        packet[8 + b] = static_cast<std::uint8_t>(0x5eedf00d >> (24 - 8 * b));
      packet[12] = event;
      packet[13] = static_cast<std::uint8_t>((end ? 0x80 : 0) | 10);  // volume -10 dBm0
      packet[14] = static_cast<std::uint8_t>(duration >> 8);
      packet[15] = static_cast<std::uint8_t>(duration);
      sendto(socket_, packet, sizeof packet, 0, reinterpret_cast<sockaddr*>(&target),
             sizeof target);
      ++sequence_;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    timestamp_ += 160 * 10;  // the event's 640 and the pause after it
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

}  // namespace fr::testing
