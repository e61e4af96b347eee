#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "common/ids.hpp"

namespace fr::media {

// One RTP stream: a UDP socket of the engine and what it sends to its remote end.
using StreamId = Id<struct MediaStreamTag>;

struct MediaConfig {
  // Local address for the RTP sockets and for SDP (IPv4 or IPv6 literal).
  std::string bind_address = "127.0.0.1";
  // Each stream binds one even port of this range for RTP. Port + 1 (RTCP) is not bound:
  // RTCP sent there is refused by the kernel, which does no harm.
  std::uint16_t port_min = 20000;
  std::uint16_t port_max = 20999;
  // How long a stream with a remote may go without receiving RTP before OnInactive fires.
  std::chrono::milliseconds inactivity_timeout{30000};
};

// Counters of one stream, for tests, monitoring and benchmarks.
struct StreamStats {
  std::uint64_t packets_received = 0;  // accepted RTP packets (audio or telephone-event)
  std::uint64_t bytes_received = 0;    // their datagram sizes
  std::uint64_t packets_sent = 0;
  std::uint64_t bytes_sent = 0;
  // Datagrams ignored: no remote set yet, wrong source address or port, malformed RTP, a
  // payload type that was not negotiated, oversized.
  std::uint64_t packets_dropped = 0;
  std::uint64_t send_errors = 0;  // datagrams the socket refused (e.g. buffer full)
  std::optional<std::chrono::steady_clock::time_point> last_received;
};

}  // namespace fr::media
