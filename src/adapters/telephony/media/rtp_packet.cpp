#include "adapters/telephony/media/rtp_packet.hpp"

namespace fr::media {
namespace {

constexpr int kRtpVersion = 2;
constexpr std::size_t kCsrcSize = 4;
constexpr std::size_t kExtensionHeaderSize = 4;

std::uint16_t ReadU16(std::span<const std::uint8_t> bytes, std::size_t at) {
  return static_cast<std::uint16_t>((bytes[at] << 8) | bytes[at + 1]);
}

std::uint32_t ReadU32(std::span<const std::uint8_t> bytes, std::size_t at) {
  return (static_cast<std::uint32_t>(ReadU16(bytes, at)) << 16) | ReadU16(bytes, at + 2);
}

void WriteU16(std::span<std::uint8_t> bytes, std::size_t at, std::uint16_t value) {
  bytes[at] = static_cast<std::uint8_t>(value >> 8);
  bytes[at + 1] = static_cast<std::uint8_t>(value);
}

void WriteU32(std::span<std::uint8_t> bytes, std::size_t at, std::uint32_t value) {
  WriteU16(bytes, at, static_cast<std::uint16_t>(value >> 16));
  WriteU16(bytes, at + 2, static_cast<std::uint16_t>(value));
}

// The size of the header including CSRCs and extension, or nullopt if it runs past the end.
std::optional<std::size_t> HeaderSize(std::span<const std::uint8_t> datagram) {
  const std::size_t csrc_count = datagram[0] & 0x0F;
  const bool has_extension = (datagram[0] & 0x10) != 0;
  std::size_t size = kRtpHeaderSize + csrc_count * kCsrcSize;
  if (has_extension) {
    if (size + kExtensionHeaderSize > datagram.size()) return std::nullopt;
    const std::size_t extension_words = ReadU16(datagram, size + 2);
    size += kExtensionHeaderSize + extension_words * 4;
  }
  if (size > datagram.size()) return std::nullopt;
  return size;
}

}  // namespace

std::optional<RtpPacketView> ParseRtp(std::span<const std::uint8_t> datagram) {
  if (datagram.size() < kRtpHeaderSize || (datagram[0] >> 6) != kRtpVersion) return std::nullopt;
  const std::optional<std::size_t> header_size = HeaderSize(datagram);
  if (!header_size) return std::nullopt;
  std::size_t payload_end = datagram.size();
  const bool has_padding = (datagram[0] & 0x20) != 0;
  if (has_padding) {
    // The last byte counts the padding, itself included.
    const std::size_t padding = datagram.back();
    if (padding == 0 || padding > payload_end - *header_size) return std::nullopt;
    payload_end -= padding;
  }
  RtpPacketView packet;
  packet.header.marker = (datagram[1] & 0x80) != 0;
  packet.header.payload_type = datagram[1] & 0x7F;
  packet.header.sequence = ReadU16(datagram, 2);
  packet.header.timestamp = ReadU32(datagram, 4);
  packet.header.ssrc = ReadU32(datagram, 8);
  packet.payload = datagram.subspan(*header_size, payload_end - *header_size);
  return packet;
}

void WriteRtpHeader(const RtpHeader& header, std::span<std::uint8_t, kRtpHeaderSize> out) {
  out[0] = kRtpVersion << 6;
  out[1] = static_cast<std::uint8_t>((header.marker ? 0x80 : 0x00) | (header.payload_type & 0x7F));
  WriteU16(out, 2, header.sequence);
  WriteU32(out, 4, header.timestamp);
  WriteU32(out, 8, header.ssrc);
}

}  // namespace fr::media
