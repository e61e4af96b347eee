#include "adapters/telephony/media/rtcp_packet.hpp"

#include <algorithm>
#include <cassert>

namespace fr::media {
namespace {

constexpr int kVersion = 2;
constexpr std::uint8_t kSenderReport = 200;
constexpr std::uint8_t kReceiverReport = 201;
constexpr std::uint8_t kSourceDescription = 202;
constexpr std::uint8_t kGoodbye = 203;
constexpr std::uint8_t kCnameItem = 1;
constexpr std::size_t kHeaderSize = 4;
constexpr std::size_t kSenderInfoSize = 20;
constexpr std::size_t kBlockSize = 24;

std::uint32_t ReadU32(std::span<const std::uint8_t> bytes, std::size_t at) {
  return static_cast<std::uint32_t>(bytes[at]) << 24 |
         static_cast<std::uint32_t>(bytes[at + 1]) << 16 |
         static_cast<std::uint32_t>(bytes[at + 2]) << 8 | bytes[at + 3];
}

void WriteU32(std::span<std::uint8_t> bytes, std::size_t at, std::uint32_t value) {
  for (int i = 0; i < 4; ++i) bytes[at + i] = static_cast<std::uint8_t>(value >> (24 - 8 * i));
}

// The common header: version 2, no padding, `count` in the low five bits, the length in 32-bit
// words minus one. `size` is the whole packet's, a multiple of four.
void WriteHeader(std::span<std::uint8_t> out, std::size_t at, int count, std::uint8_t type,
                 std::size_t size) {
  out[at] = static_cast<std::uint8_t>(kVersion << 6 | count);
  out[at + 1] = type;
  const auto words = static_cast<std::uint16_t>(size / 4 - 1);
  out[at + 2] = static_cast<std::uint8_t>(words >> 8);
  out[at + 3] = static_cast<std::uint8_t>(words);
}

void WriteBlock(const ReportBlock& block, std::span<std::uint8_t> out, std::size_t at) {
  WriteU32(out, at, block.ssrc);
  // The 24-bit two's complement of the count, clamped to what 24 bits hold.
  const std::int32_t lost = std::clamp(block.cumulative_lost, -0x800000, 0x7FFFFF);
  WriteU32(out, at + 4,
           static_cast<std::uint32_t>(block.fraction_lost) << 24 |
               (static_cast<std::uint32_t>(lost) & 0xFFFFFF));
  WriteU32(out, at + 8, block.extended_highest_sequence);
  WriteU32(out, at + 12, block.jitter);
  WriteU32(out, at + 16, block.last_sr);
  WriteU32(out, at + 20, block.delay_since_last_sr);
}

ReportBlock ReadBlock(std::span<const std::uint8_t> in, std::size_t at) {
  ReportBlock block;
  block.ssrc = ReadU32(in, at);
  const std::uint32_t loss = ReadU32(in, at + 4);
  block.fraction_lost = static_cast<std::uint8_t>(loss >> 24);
  // Sign-extend the 24-bit count.
  const std::uint32_t lost = loss & 0xFFFFFF;
  block.cumulative_lost = (lost & 0x800000) != 0 ? static_cast<std::int32_t>(lost) - 0x1000000
                                                 : static_cast<std::int32_t>(lost);
  block.extended_highest_sequence = ReadU32(in, at + 8);
  block.jitter = ReadU32(in, at + 12);
  block.last_sr = ReadU32(in, at + 16);
  block.delay_since_last_sr = ReadU32(in, at + 20);
  return block;
}

// SR or RR: sender info and blocks; returns the size written.
std::size_t WriteReport(const OutgoingReport& report, std::span<std::uint8_t> out) {
  const int blocks = report.block ? 1 : 0;
  const std::size_t size = 8 + (report.sender ? kSenderInfoSize : 0) + blocks * kBlockSize;
  WriteHeader(out, 0, blocks, report.sender ? kSenderReport : kReceiverReport, size);
  WriteU32(out, 4, report.ssrc);
  std::size_t at = 8;
  if (report.sender) {
    WriteU32(out, at, static_cast<std::uint32_t>(report.sender->ntp_time >> 32));
    WriteU32(out, at + 4, static_cast<std::uint32_t>(report.sender->ntp_time));
    WriteU32(out, at + 8, report.sender->rtp_timestamp);
    WriteU32(out, at + 12, report.sender->packet_count);
    WriteU32(out, at + 16, report.sender->octet_count);
    at += kSenderInfoSize;
  }
  if (report.block) WriteBlock(*report.block, out, at);
  return size;
}

// SDES with one chunk: our SSRC and the CNAME item, ended by at least one zero octet and
// padded to a 32-bit boundary (RFC 3550 section 6.5).
std::size_t WriteSdes(std::uint32_t ssrc, std::string_view cname, std::span<std::uint8_t> out) {
  const std::size_t items = 2 + cname.size() + 1;
  const std::size_t size = 8 + (items + 3) / 4 * 4;
  std::fill(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(size), std::uint8_t{0});
  WriteHeader(out, 0, 1, kSourceDescription, size);
  WriteU32(out, 4, ssrc);
  out[8] = kCnameItem;
  out[9] = static_cast<std::uint8_t>(cname.size());
  std::copy(cname.begin(), cname.end(), out.begin() + 10);
  return size;
}

std::size_t WriteBye(std::uint32_t ssrc, std::span<std::uint8_t> out) {
  WriteHeader(out, 0, 1, kGoodbye, 8);
  WriteU32(out, 4, ssrc);
  return 8;
}

// An SR or RR of `body_size` bytes (padding excluded) starting at `packet`; nullopt when its
// announced blocks do not fit.
std::optional<IncomingReport> ReadReport(std::span<const std::uint8_t> packet,
                                         std::size_t body_size) {
  const bool is_sender = packet[1] == kSenderReport;
  const std::size_t count = packet[0] & 0x1F;
  const std::size_t fixed = 8 + (is_sender ? kSenderInfoSize : 0);
  if (body_size < fixed + count * kBlockSize) return std::nullopt;
  IncomingReport report;
  report.ssrc = ReadU32(packet, 4);
  if (is_sender) {
    report.sender = SenderInfo{
        .ntp_time = static_cast<std::uint64_t>(ReadU32(packet, 8)) << 32 | ReadU32(packet, 12),
        .rtp_timestamp = ReadU32(packet, 16),
        .packet_count = ReadU32(packet, 20),
        .octet_count = ReadU32(packet, 24)};
  }
  for (std::size_t i = 0; i < count; ++i) {
    report.blocks.push_back(ReadBlock(packet, fixed + i * kBlockSize));
  }
  return report;
}

}  // namespace

std::size_t WriteRtcp(const OutgoingReport& report, std::span<std::uint8_t> out) {
  assert(out.size() >= kMaxOutgoingRtcpSize && report.cname.size() <= kMaxCname);
  std::size_t size = WriteReport(report, out);
  size += WriteSdes(report.ssrc, report.cname, out.subspan(size));
  if (report.bye) size += WriteBye(report.ssrc, out.subspan(size));
  return size;
}

std::optional<IncomingRtcp> ParseRtcp(std::span<const std::uint8_t> datagram) {
  if (datagram.size() < kHeaderSize) return std::nullopt;
  IncomingRtcp parsed;
  std::size_t at = 0;
  while (at < datagram.size()) {
    const std::span<const std::uint8_t> rest = datagram.subspan(at);
    if (rest.size() < kHeaderSize || (rest[0] >> 6) != kVersion) return std::nullopt;
    const std::size_t size = (static_cast<std::size_t>(rest[2]) << 8 | rest[3]) * 4 + 4;
    if (size > rest.size()) return std::nullopt;
    const std::span<const std::uint8_t> packet = rest.first(size);
    std::size_t body_size = size;
    if ((packet[0] & 0x20) != 0) {
      // Only the last packet of a compound may be padded; its last octet counts the padding.
      const std::size_t padding = packet.back();
      if (size != rest.size() || padding == 0 || padding > size - kHeaderSize) return std::nullopt;
      body_size -= padding;
    }
    if (packet[1] == kSenderReport || packet[1] == kReceiverReport) {
      auto report = ReadReport(packet, body_size);
      if (!report) return std::nullopt;
      parsed.reports.push_back(std::move(*report));
    } else if (packet[1] == kGoodbye) {
      parsed.bye = true;
    }
    at += size;
  }
  return parsed;
}

bool LooksLikeRtcp(std::span<const std::uint8_t> datagram) {
  return datagram.size() >= kHeaderSize && datagram[1] >= 192 && datagram[1] <= 223;
}

}  // namespace fr::media
