#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace fr::media {

// The fixed RTP header (RFC 3550 section 5.1); we never send CSRCs or extensions.
constexpr std::size_t kRtpHeaderSize = 12;

struct RtpHeader {
  bool marker = false;
  std::uint8_t payload_type = 0;
  std::uint16_t sequence = 0;
  std::uint32_t timestamp = 0;
  std::uint32_t ssrc = 0;

  bool operator==(const RtpHeader&) const = default;
};

// A parsed packet; `payload` points into the datagram it was parsed from.
struct RtpPacketView {
  RtpHeader header;
  std::span<const std::uint8_t> payload;
};

// Parses a datagram from the network. Returns nullopt for anything that is not a well-formed
// RTP version 2 packet: shorter than the fixed header, another version, CSRC list, header
// extension or padding running past the end. Never reads outside `datagram`.
std::optional<RtpPacketView> ParseRtp(std::span<const std::uint8_t> datagram);

// Writes `header` as the 12-byte fixed header (version 2, no padding, extension or CSRC).
void WriteRtpHeader(const RtpHeader& header, std::span<std::uint8_t, kRtpHeaderSize> out);

}  // namespace fr::media
