#include "adapters/telephony/media/rtp_packet.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace fr::media {
namespace {

using Bytes = std::vector<std::uint8_t>;

// A version 2 header (PT 0, seq 0x0102, ts 0x03040506, SSRC 0x0708090A) with `first_byte`'s
// flags and counts, followed by `rest`.
Bytes Datagram(std::uint8_t first_byte, const Bytes& rest) {
  Bytes bytes = {first_byte, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A};
  bytes.insert(bytes.end(), rest.begin(), rest.end());
  return bytes;
}

TEST(RtpPacketTest, WriteThenParseRoundTrips) {
  const RtpHeader header{.marker = true,
                         .payload_type = 101,
                         .sequence = 65535,
                         .timestamp = 0xFFFFFFF0,
                         .ssrc = 0xDEADBEEF};
  Bytes datagram(kRtpHeaderSize);
  WriteRtpHeader(header, std::span<std::uint8_t, kRtpHeaderSize>(datagram.data(), kRtpHeaderSize));
  datagram.push_back(0x42);

  const auto packet = ParseRtp(datagram);
  ASSERT_TRUE(packet.has_value());
  EXPECT_EQ(packet->header, header);
  EXPECT_EQ(Bytes(packet->payload.begin(), packet->payload.end()), Bytes{0x42});
}

TEST(RtpPacketTest, ParsesTheFixedHeaderFields) {
  const auto packet = ParseRtp(Datagram(0x80, {0xAA}));
  ASSERT_TRUE(packet.has_value());
  EXPECT_FALSE(packet->header.marker);
  EXPECT_EQ(packet->header.payload_type, 0);
  EXPECT_EQ(packet->header.sequence, 0x0102);
  EXPECT_EQ(packet->header.timestamp, 0x03040506u);
  EXPECT_EQ(packet->header.ssrc, 0x0708090Au);
}

struct PayloadCase {
  std::string name;
  Bytes datagram;
  Bytes payload;
};

TEST(RtpPacketTest, FindsThePayloadBehindCsrcsExtensionAndPadding) {
  const PayloadCase cases[] = {
      {"empty payload", Datagram(0x80, {}), {}},
      {"two CSRCs", Datagram(0x82, {0, 0, 0, 1, 0, 0, 0, 2, 0xAA}), {0xAA}},
      {"extension of one word", Datagram(0x90, {0xBE, 0xDE, 0, 1, 9, 9, 9, 9, 0xAA}), {0xAA}},
      {"empty extension", Datagram(0x90, {0xBE, 0xDE, 0, 0, 0xAA}), {0xAA}},
      {"padding of three", Datagram(0xA0, {0xAA, 0, 0, 3}), {0xAA}},
      {"padding only", Datagram(0xA0, {0, 2}), {}},
  };
  for (const PayloadCase& c : cases) {
    SCOPED_TRACE(c.name);
    const auto packet = ParseRtp(c.datagram);
    ASSERT_TRUE(packet.has_value());
    EXPECT_EQ(Bytes(packet->payload.begin(), packet->payload.end()), c.payload);
  }
}

struct MalformedCase {
  std::string name;
  Bytes datagram;
};

TEST(RtpPacketTest, RejectsMalformedDatagrams) {
  const MalformedCase cases[] = {
      {"empty", {}},
      {"eleven bytes", Bytes(11, 0x80)},
      {"version 0", Datagram(0x00, {0xAA})},
      {"version 1", Datagram(0x40, {0xAA})},
      {"version 3", Datagram(0xC0, {0xAA})},
      {"fifteen CSRCs announced, one present", Datagram(0x8F, {0, 0, 0, 1})},
      {"extension header cut off", Datagram(0x90, {0xBE, 0xDE})},
      {"extension longer than the packet", Datagram(0x90, {0xBE, 0xDE, 0xFF, 0xFF, 1, 2})},
      {"padding longer than the payload", Datagram(0xA0, {0xAA, 5})},
      {"padding count of zero", Datagram(0xA0, {0xAA, 0})},
      {"padding flag without payload", Datagram(0xA0, {})},
      {"text", {'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd', '!', '!'}},
  };
  for (const MalformedCase& c : cases) {
    EXPECT_FALSE(ParseRtp(c.datagram).has_value()) << c.name;
  }
}

}  // namespace
}  // namespace fr::media
