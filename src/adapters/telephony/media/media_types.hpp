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
  // Each stream binds an even port of this range for RTP and the odd port above it for RTCP
  // (RFC 3550 section 11); both must lie in the range.
  std::uint16_t port_min = 20000;
  std::uint16_t port_max = 20999;
  // How long a stream with a remote may go without receiving RTP before OnInactive fires.
  std::chrono::milliseconds inactivity_timeout{30000};
  // The nominal time between a stream's RTCP reports (RFC 3550 section 6.2: 5 s); each interval
  // is drawn from 0.5 to 1.5 times it, the first from half that.
  std::chrono::milliseconds rtcp_interval{5000};
};

// Counters of one stream, for tests, monitoring and benchmarks.
struct StreamStats {
  std::uint64_t packets_received = 0;  // accepted RTP packets (audio or telephone-event)
  std::uint64_t bytes_received = 0;    // their datagram sizes
  // Of the accepted packets: those sent on to the bridged stream.
  std::uint64_t packets_relayed = 0;
  // The far end's packets that never arrived (gaps in its sequence numbers, over the whole
  // stream, at least 0), and those that arrived after one it sent later (reordered).
  std::uint64_t packets_lost = 0;
  std::uint64_t packets_late = 0;
  std::uint64_t packets_sent = 0;
  std::uint64_t bytes_sent = 0;
  // Datagrams ignored: no remote set yet, wrong source address or port, malformed RTP, a
  // payload type that was not negotiated, oversized.
  std::uint64_t packets_dropped = 0;
  std::uint64_t send_errors = 0;  // RTP or RTCP datagrams a socket refused (e.g. buffer full)
  std::uint64_t rtcp_sent = 0;      // our compound RTCP packets
  std::uint64_t rtcp_received = 0;  // well-formed RTCP from the remote's address
  std::uint64_t rtcp_dropped = 0;   // RTCP datagrams from elsewhere or malformed
  std::optional<std::chrono::steady_clock::time_point> last_received;
};

}  // namespace fr::media
