#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace fr::media {

// One reception report block (RFC 3550 section 6.4.1): what a receiver saw of one source.
struct ReportBlock {
  std::uint32_t ssrc = 0;            // the source reported on
  std::uint8_t fraction_lost = 0;    // since the previous report, in 1/256
  std::int32_t cumulative_lost = 0;  // 24-bit signed on the wire; negative with duplicates
  std::uint32_t extended_highest_sequence = 0;  // cycles << 16 | highest sequence received
  std::uint32_t jitter = 0;                     // interarrival jitter, RTP timestamp units
  std::uint32_t last_sr = 0;                    // middle 32 bits of the last SR's NTP time; 0: none
  std::uint32_t delay_since_last_sr = 0;        // in 1/65536 s

  bool operator==(const ReportBlock&) const = default;
};

// The sender info of a sender report (RFC 3550 section 6.4.1).
struct SenderInfo {
  std::uint64_t ntp_time = 0;       // seconds since 1900 in the high 32 bits, the fraction below
  std::uint32_t rtp_timestamp = 0;  // the same instant on the RTP clock
  std::uint32_t packet_count = 0;   // RTP packets sent since the start
  std::uint32_t octet_count = 0;    // their payload octets

  bool operator==(const SenderInfo&) const = default;
};

// What one compound packet of ours says: SR when `sender` is set, else RR; an SDES with the
// CNAME; a BYE when `bye`. We report on at most one source: the one far end of a stream.
struct OutgoingReport {
  std::uint32_t ssrc = 0;
  std::optional<SenderInfo> sender;
  std::optional<ReportBlock> block;
  std::string_view cname;  // at most kMaxCname bytes
  bool bye = false;
};

inline constexpr std::size_t kMaxCname = 255;
// SR with one block (52) + SDES with the longest CNAME (8 + 2 + 255, padded: 268) + BYE (8).
inline constexpr std::size_t kMaxOutgoingRtcpSize = 52 + 268 + 8;

// Writes `report` as one compound RTCP packet into `out` and returns its size.
// Preconditions: out.size() >= kMaxOutgoingRtcpSize, report.cname.size() <= kMaxCname.
std::size_t WriteRtcp(const OutgoingReport& report, std::span<std::uint8_t> out);

// A sender or receiver report found in an incoming compound packet.
struct IncomingReport {
  std::uint32_t ssrc = 0;            // the reporter's
  std::optional<SenderInfo> sender;  // set for an SR
  std::vector<ReportBlock> blocks;
};

// What we take from an incoming compound packet; everything else in it is skipped.
struct IncomingRtcp {
  std::vector<IncomingReport> reports;
  bool bye = false;
};

// Parses a datagram from the network as a compound RTCP packet. Returns nullopt unless it is a
// chain of version-2 RTCP packets whose lengths add up to the datagram exactly, padding only on
// the last one, and every SR/RR holds the report blocks its count announces. Packet types other
// than SR, RR and BYE (SDES, APP, feedback, XR, …) are skipped, and a compound need not start
// with a report (RFC 5506). Never reads outside `datagram`.
std::optional<IncomingRtcp> ParseRtcp(std::span<const std::uint8_t> datagram);

// True when the datagram's second byte is an RTCP packet type (RFC 5761 section 4: 192-223),
// so that it cannot be RTP of a payload type we negotiate: RTCP sent to the RTP port.
bool LooksLikeRtcp(std::span<const std::uint8_t> datagram);

// The middle 32 bits of an NTP time, as LSR and DLSR use them.
inline std::uint32_t NtpMiddle(std::uint64_t ntp_time) {
  return static_cast<std::uint32_t>(ntp_time >> 16);
}

}  // namespace fr::media
