#include "adapters/telephony/media/rtcp_packet.hpp"

#include <gtest/gtest.h>

#include <array>
#include <random>
#include <string>
#include <vector>

namespace fr::media {
namespace {

using Bytes = std::vector<std::uint8_t>;

// An RR as a far end sends it, written byte by byte from RFC 3550 section 6.4.2: SSRC
// 0x11223344 reports on 0xAABBCCDD: 25 % lost lately (64/256), 300 lost in all, highest
// sequence 0x0001'0203 (one cycle), jitter 800, LSR 0x12345678, DLSR 0x00018000 (1.5 s).
const Bytes kHandMadeRr = {
    0x81, 201, 0x00, 0x07,              // V=2, RC=1, RR, 7 words follow
    0x11, 0x22, 0x33, 0x44,             // reporter
    0xAA, 0xBB, 0xCC, 0xDD,             // source
    0x40, 0x00, 0x01, 0x2C,             // fraction 64, cumulative 300
    0x00, 0x01, 0x02, 0x03,             // extended highest sequence
    0x00, 0x00, 0x03, 0x20,             // jitter 800
    0x12, 0x34, 0x56, 0x78,             // LSR
    0x00, 0x01, 0x80, 0x00};            // DLSR

Bytes Concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& part : parts) out.insert(out.end(), part.begin(), part.end());
  return out;
}

TEST(RtcpPacketTest, ParsesAFarEndsReceiverReport) {
  const auto parsed = ParseRtcp(kHandMadeRr);
  ASSERT_TRUE(parsed.has_value());
  ASSERT_EQ(parsed->reports.size(), 1u);
  const IncomingReport& report = parsed->reports[0];
  EXPECT_EQ(report.ssrc, 0x11223344u);
  EXPECT_FALSE(report.sender.has_value());
  ASSERT_EQ(report.blocks.size(), 1u);
  EXPECT_EQ(report.blocks[0], (ReportBlock{.ssrc = 0xAABBCCDD,
                                           .fraction_lost = 64,
                                           .cumulative_lost = 300,
                                           .extended_highest_sequence = 0x00010203,
                                           .jitter = 800,
                                           .last_sr = 0x12345678,
                                           .delay_since_last_sr = 0x18000}));
  EXPECT_FALSE(parsed->bye);
}

TEST(RtcpPacketTest, WritesAReceiverReportByteForByte) {
  const OutgoingReport report{.ssrc = 0x11223344,
                              .block = ReportBlock{.ssrc = 0xAABBCCDD,
                                                   .fraction_lost = 64,
                                                   .cumulative_lost = 300,
                                                   .extended_highest_sequence = 0x00010203,
                                                   .jitter = 800,
                                                   .last_sr = 0x12345678,
                                                   .delay_since_last_sr = 0x18000},
                              .cname = "ab"};
  std::array<std::uint8_t, kMaxOutgoingRtcpSize> out{};
  const std::size_t size = WriteRtcp(report, out);
  // The RR, then SDES: header (3 words follow), SSRC, the CNAME item (type 1, length 2, "ab"),
  // a zero octet that ends the items and padding to a 32-bit boundary.
  const Bytes expected = Concat({kHandMadeRr, {0x81, 202, 0x00, 0x03, 0x11, 0x22, 0x33, 0x44,
                                               0x01, 0x02, 'a', 'b', 0x00, 0x00, 0x00, 0x00}});
  EXPECT_EQ(Bytes(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(size)), expected);
}

TEST(RtcpPacketTest, SenderReportWithByeRoundTrips) {
  const OutgoingReport report{.ssrc = 7,
                              .sender = SenderInfo{.ntp_time = 0xE7654321'80000000,
                                                   .rtp_timestamp = 123456,
                                                   .packet_count = 500,
                                                   .octet_count = 80000},
                              .block = ReportBlock{.ssrc = 9, .cumulative_lost = -3, .jitter = 12},
                              .cname = "0123456789abcdef",
                              .bye = true};
  std::array<std::uint8_t, kMaxOutgoingRtcpSize> out{};
  const std::size_t size = WriteRtcp(report, out);
  EXPECT_EQ(size, 52u + 28u + 8u) << "SR with a block, SDES with 16 octets of CNAME, BYE";
  EXPECT_EQ(out[1], 200);
  const auto parsed = ParseRtcp(std::span(out.data(), size));
  ASSERT_TRUE(parsed.has_value());
  ASSERT_EQ(parsed->reports.size(), 1u);
  EXPECT_EQ(parsed->reports[0].sender, report.sender);
  ASSERT_EQ(parsed->reports[0].blocks.size(), 1u);
  EXPECT_EQ(parsed->reports[0].blocks[0], *report.block) << "a negative loss keeps its sign";
  EXPECT_TRUE(parsed->bye);
}

TEST(RtcpPacketTest, EveryCnameLengthIsPaddedToAWordAndParses) {
  for (std::size_t length = 0; length <= kMaxCname; ++length) {
    SCOPED_TRACE(length);
    const std::string cname(length, 'x');
    std::array<std::uint8_t, kMaxOutgoingRtcpSize> out{};
    const std::size_t size = WriteRtcp({.ssrc = 1, .cname = cname, .bye = true}, out);
    EXPECT_EQ(size % 4, 0u);
    EXPECT_LE(size, kMaxOutgoingRtcpSize);
    ASSERT_TRUE(ParseRtcp(std::span(out.data(), size)).has_value());
  }
}

TEST(RtcpPacketTest, CumulativeLossIsClampedTo24Bits) {
  std::array<std::uint8_t, kMaxOutgoingRtcpSize> out{};
  for (const auto& [given, kept] : {std::pair{-9'000'000, -0x800000}, {9'000'000, 0x7FFFFF}}) {
    const std::size_t size =
        WriteRtcp({.ssrc = 1, .block = ReportBlock{.cumulative_lost = given}, .cname = "c"}, out);
    EXPECT_EQ(ParseRtcp(std::span(out.data(), size))->reports[0].blocks[0].cumulative_lost, kept);
  }
}

TEST(RtcpPacketTest, ReportsAnywhereInACompoundAreFoundOthersSkipped) {
  const Bytes sdes = {0x81, 202, 0x00, 0x02, 0x11, 0x22, 0x33, 0x44, 0x01, 0x01, 'z', 0x00};
  const Bytes app = {0x80, 204, 0x00, 0x02, 0x11, 0x22, 0x33, 0x44, 'n', 'a', 'm', 'e'};
  const Bytes feedback = {0x81, 205, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 2};
  // A padded BYE last: four octets of padding, the last one counting them.
  const Bytes padded_bye = {0xA1, 203, 0x00, 0x02, 0x11, 0x22, 0x33, 0x44, 0, 0, 0, 4};
  const auto parsed = ParseRtcp(Concat({sdes, app, kHandMadeRr, feedback, padded_bye}));
  ASSERT_TRUE(parsed.has_value());
  ASSERT_EQ(parsed->reports.size(), 1u);
  EXPECT_EQ(parsed->reports[0].blocks.at(0).jitter, 800u);
  EXPECT_TRUE(parsed->bye);
}

TEST(RtcpPacketTest, MalformedCompoundsAreRefused) {
  Bytes wrong_version = kHandMadeRr;
  wrong_version[0] = 0x41;
  Bytes too_long = kHandMadeRr;
  too_long[3] = 0x08;
  Bytes too_many_blocks = kHandMadeRr;
  too_many_blocks[0] = 0x82;
  Bytes padded_first = kHandMadeRr;
  padded_first[0] |= 0x20;
  Bytes zero_padding = {0xA0, 203, 0x00, 0x01, 1, 2, 3, 0};
  Bytes padding_past_start = {0xA0, 203, 0x00, 0x01, 1, 2, 3, 9};
  const Bytes short_sr = {0x80, 200, 0x00, 0x01, 1, 2, 3, 4};
  const std::vector<Bytes> malformed = {
      {},
      {0x81, 201},
      wrong_version,
      too_long,
      Concat({kHandMadeRr, {0x81}}),  // trailing bytes that are no packet
      too_many_blocks,
      Concat({padded_first, kHandMadeRr}),
      zero_padding,
      padding_past_start,
      short_sr,
  };
  for (std::size_t i = 0; i < malformed.size(); ++i) {
    EXPECT_FALSE(ParseRtcp(malformed[i]).has_value()) << "case " << i;
  }
}

// Random and mutated datagrams: the parser must never read outside them (ASan in CI) and
// whatever it accepts is consistent with its size.
TEST(RtcpPacketTest, RandomAndMutatedDatagramsNeverBreakTheParser) {
  std::mt19937 random(20240611);
  std::array<std::uint8_t, kMaxOutgoingRtcpSize> valid{};
  const std::size_t valid_size =
      WriteRtcp({.ssrc = 5,
                 .sender = SenderInfo{.ntp_time = 1},
                 .block = ReportBlock{.ssrc = 6},
                 .cname = "fuzz",
                 .bye = true},
                valid);
  int accepted = 0;
  for (int round = 0; round < 20000; ++round) {
    Bytes datagram;
    if (round % 2 == 0) {
      datagram.resize(random() % 120);
      for (auto& byte : datagram) byte = static_cast<std::uint8_t>(random());
      if (!datagram.empty()) datagram[0] = static_cast<std::uint8_t>(0x80 | (datagram[0] & 0x3F));
    } else {
      datagram.assign(valid.begin(), valid.begin() + static_cast<std::ptrdiff_t>(valid_size));
      for (int flips = 1 + static_cast<int>(random() % 3); flips > 0; --flips) {
        datagram[random() % datagram.size()] ^= static_cast<std::uint8_t>(1u << (random() % 8));
      }
      datagram.resize(datagram.size() - random() % 4 * (random() % 2));
    }
    // A heap copy of exactly the datagram's size, so any overread is caught.
    const auto copy = std::make_unique<std::uint8_t[]>(datagram.size() + 1);
    std::copy(datagram.begin(), datagram.end(), copy.get());
    const auto parsed = ParseRtcp(std::span<const std::uint8_t>(copy.get(), datagram.size()));
    if (!parsed) continue;
    ++accepted;
    std::size_t blocks = 0;
    for (const auto& report : parsed->reports) blocks += report.blocks.size();
    EXPECT_LE(blocks * 24, datagram.size());
  }
  EXPECT_GT(accepted, 0) << "some mutations keep the packet valid";
}

TEST(RtcpPacketTest, RtcpOnTheRtpPortIsToldApartByItsPacketType) {
  EXPECT_TRUE(LooksLikeRtcp(kHandMadeRr));
  EXPECT_TRUE(LooksLikeRtcp(Bytes{0x80, 200, 0, 6}));
  EXPECT_FALSE(LooksLikeRtcp(Bytes{0x80, 0x00, 0, 1}));  // PCMU
  EXPECT_FALSE(LooksLikeRtcp(Bytes{0x80, 0x80 | 101, 0, 1}));  // an event with the marker
  EXPECT_FALSE(LooksLikeRtcp(Bytes{0x80, 201}));  // too short for any RTCP
}

}  // namespace
}  // namespace fr::media
