#include "adapters/telephony/media/rtcp_session.hpp"

#include <gtest/gtest.h>

#include <array>
#include <random>
#include <vector>

namespace fr::media {
namespace {

using namespace std::chrono_literals;
using Bytes = std::vector<std::uint8_t>;

constexpr std::uint32_t kOurSsrc = 0x0A0B0C0D;
constexpr std::uint32_t kTheirSsrc = 0x5EED;
const RtcpSession::SteadyTime kStart{std::chrono::seconds(1000)};

// An RR from the far end with one block about `about`, written out by hand.
Bytes ReceiverReport(std::uint32_t about, std::uint32_t extended_highest, std::int32_t lost,
                     std::uint32_t jitter, std::uint8_t fraction = 0) {
  Bytes rr = {0x81, 201, 0x00, 0x07, 0x00, 0x00, 0x5E, 0xED};
  const auto put = [&rr](std::uint32_t value) {
    for (int i = 0; i < 4; ++i) rr.push_back(static_cast<std::uint8_t>(value >> (24 - 8 * i)));
  };
  put(about);
  put(static_cast<std::uint32_t>(fraction) << 24 | (static_cast<std::uint32_t>(lost) & 0xFFFFFF));
  put(extended_highest);
  put(jitter);
  put(0);
  put(0);
  return rr;
}

// Sends `count` packets of 160 octets from sequence `first`, 20 ms apart from `from`.
void SendPackets(RtcpSession& session, std::uint16_t first, int count,
                 RtcpSession::SteadyTime from = kStart) {
  for (int i = 0; i < count; ++i) {
    const RtpHeader header{.sequence = static_cast<std::uint16_t>(first + i),
                           .timestamp = 8000u + 160u * static_cast<std::uint32_t>(i),
                           .ssrc = kOurSsrc};
    session.OnSent(header, 160, from + i * 20ms);
  }
}

// Receives packets from the far end, each on time, skipping the sequence numbers in `lost`.
void ReceivePackets(RtcpSession& session, int first, int last, const std::vector<int>& lost = {}) {
  for (int s = first; s <= last; ++s) {
    if (std::find(lost.begin(), lost.end(), s) != lost.end()) continue;
    const RtpHeader header{.sequence = static_cast<std::uint16_t>(s),
                           .timestamp = static_cast<std::uint32_t>(s * 160),
                           .ssrc = kTheirSsrc};
    session.OnReceived(header, true, kStart + s * 20ms);
  }
}

IncomingRtcp Written(RtcpSession& session, RtcpSession::SteadyTime now, bool bye = false,
                     std::uint64_t ntp = 0) {
  std::array<std::uint8_t, kMaxOutgoingRtcpSize> out{};
  const std::size_t size = session.WriteReport(now, ntp, bye, out);
  auto parsed = ParseRtcp(std::span(out.data(), size));
  EXPECT_TRUE(parsed.has_value());
  return parsed.value_or(IncomingRtcp{});
}

TEST(RtcpSessionTest, TheFarEndsReportAboutUsIsOurSentQuality) {
  RtcpSession session(kOurSsrc, "cname", 10s);
  SendPackets(session, 1000, 200);
  // It saw up to 1099: 100 expected, 5 lost, jitter 160 units (20 ms), 10 % lately.
  ASSERT_TRUE(session.OnRtcp(ReceiverReport(kOurSsrc, 1099, 5, 160, 26), kStart + 3s));
  auto sent = session.Quality().sent;
  ASSERT_TRUE(sent.has_value());
  EXPECT_EQ(sent->packets_expected, 100);
  EXPECT_EQ(sent->packets_lost, 5);
  EXPECT_DOUBLE_EQ(sent->LossRatio(), 0.05);
  EXPECT_DOUBLE_EQ(sent->jitter_ms, 20);
  EXPECT_DOUBLE_EQ(sent->fraction_lost, 26 / 256.0);
  EXPECT_FALSE(session.Quality().received.has_value()) << "nothing received from it";

  // A later, calmer report: the latest loss and jitter, the highest jitter kept.
  ASSERT_TRUE(session.OnRtcp(ReceiverReport(kOurSsrc, 1199, 6, 40), kStart + 6s));
  sent = session.Quality().sent;
  EXPECT_EQ(sent->packets_expected, 200);
  EXPECT_DOUBLE_EQ(sent->LossRatio(), 0.03);
  EXPECT_DOUBLE_EQ(sent->jitter_ms, 5);
  EXPECT_DOUBLE_EQ(sent->max_jitter_ms, 20);
}

TEST(RtcpSessionTest, ReportsAboutOthersOrAboutPacketsNeverSentAreIgnored) {
  RtcpSession session(kOurSsrc, "cname", 10s);
  EXPECT_TRUE(session.OnRtcp(ReceiverReport(kOurSsrc, 1099, 5, 160), kStart))
      << "well-formed, but we sent nothing yet";
  SendPackets(session, 1000, 50);
  EXPECT_TRUE(session.OnRtcp(ReceiverReport(0x12345678, 1040, 5, 160), kStart + 1s));
  EXPECT_TRUE(session.OnRtcp(ReceiverReport(kOurSsrc, 1060, 5, 160), kStart + 1s));
  EXPECT_FALSE(session.Quality().sent.has_value());
  EXPECT_FALSE(session.OnRtcp(Bytes{0x81, 201, 0x00}, kStart + 1s)) << "malformed";
}

TEST(RtcpSessionTest, TheExpectedCountFollowsOurSequenceAcrossTheWrap) {
  RtcpSession session(kOurSsrc, "cname", 10s);
  SendPackets(session, 65500, 100);  // 65500 … 65535, then 0 … 63
  // The far end counted one cycle and saw up to 40: 65500 … 40 is 77 packets.
  ASSERT_TRUE(session.OnRtcp(ReceiverReport(kOurSsrc, 0x10000 + 40, 7, 0), kStart + 3s));
  EXPECT_EQ(session.Quality().sent->packets_expected, 77);
  EXPECT_DOUBLE_EQ(session.Quality().sent->LossRatio(), 7 / 77.0);
}

TEST(RtcpSessionTest, ASenderReportsWithSenderInfoThenReceiverReportsWhenSilent) {
  RtcpSession session(kOurSsrc, "0123456789abcdef", 10s);
  SendPackets(session, 1, 50);  // the last at kStart + 980 ms, timestamp 8000 + 49 × 160
  const IncomingRtcp sr = Written(session, kStart + 1s, false, 0xE0000000'00000000);
  ASSERT_EQ(sr.reports.size(), 1u);
  EXPECT_EQ(sr.reports[0].ssrc, kOurSsrc);
  ASSERT_TRUE(sr.reports[0].sender.has_value());
  EXPECT_EQ(sr.reports[0].sender->ntp_time, 0xE0000000'00000000u);
  EXPECT_EQ(sr.reports[0].sender->packet_count, 50u);
  EXPECT_EQ(sr.reports[0].sender->octet_count, 50u * 160);
  // 20 ms after the last packet: 160 more on the RTP clock.
  EXPECT_EQ(sr.reports[0].sender->rtp_timestamp, 8000u + 49 * 160 + 160);
  EXPECT_TRUE(sr.reports[0].blocks.empty()) << "nothing received to report on";
  EXPECT_FALSE(sr.bye);

  const IncomingRtcp rr = Written(session, kStart + 11s, /*bye=*/true);
  ASSERT_EQ(rr.reports.size(), 1u);
  EXPECT_FALSE(rr.reports[0].sender.has_value()) << "no RTP for two intervals: RR";
  EXPECT_TRUE(rr.bye);
}

TEST(RtcpSessionTest, OurBlocksReportWhatArrivedWithLsrAndDlsr) {
  RtcpSession session(kOurSsrc, "cname", 10s);
  // The far end's SR (NTP 0x00112233'44556677) arrives at kStart + 500 ms.
  Bytes sr = {0x80, 200, 0x00, 0x06, 0x00, 0x00, 0x5E, 0xED, 0x00, 0x11, 0x22, 0x33,
              0x44, 0x55, 0x66, 0x77, 0, 0, 0, 0, 0, 0, 0, 10, 0, 0, 0x06, 0x40};
  ASSERT_TRUE(session.OnRtcp(sr, kStart + 500ms));
  ReceivePackets(session, 1, 101, {50, 51});  // base 2: 100 expected, 2 lost
  const IncomingRtcp first = Written(session, kStart + 2s);
  ASSERT_EQ(first.reports.at(0).blocks.size(), 1u);
  const ReportBlock& block = first.reports[0].blocks[0];
  EXPECT_EQ(block.ssrc, kTheirSsrc);
  EXPECT_EQ(block.cumulative_lost, 2);
  EXPECT_EQ(block.fraction_lost, 2 * 256 / 100);
  EXPECT_EQ(block.extended_highest_sequence, 101u);
  EXPECT_EQ(block.last_sr, 0x22334455u) << "the middle 32 bits of its NTP time";
  EXPECT_EQ(block.delay_since_last_sr, 98304u) << "1.5 s in 1/65536 s";

  const StreamQuality quality = session.Quality();
  ASSERT_TRUE(quality.received.has_value());
  EXPECT_EQ(quality.received->packets_expected, 100);
  EXPECT_EQ(quality.received->packets_lost, 2);
  EXPECT_DOUBLE_EQ(quality.received->LossRatio(), 0.02);
  EXPECT_DOUBLE_EQ(quality.received->jitter_ms, 0) << "every packet on time";

  EXPECT_TRUE(Written(session, kStart + 4s).reports.at(0).blocks.empty())
      << "nothing arrived since the last report";
}

TEST(RtcpSessionTest, RandomDatagramsAreRefusedOrTakenNeverACrash) {
  RtcpSession session(kOurSsrc, "cname", 10s);
  SendPackets(session, 1, 100);
  std::mt19937 random(7);
  for (int i = 0; i < 5000; ++i) {
    Bytes datagram = ReceiverReport(kOurSsrc, random(), static_cast<std::int32_t>(random()), random(),
                                    static_cast<std::uint8_t>(random()));
    datagram[random() % datagram.size()] = static_cast<std::uint8_t>(random());
    session.OnRtcp(datagram, kStart + 1s);
  }
  if (const auto sent = session.Quality().sent) {
    EXPECT_GE(sent->LossRatio(), 0);
    EXPECT_LE(sent->LossRatio(), 1);
    EXPECT_LE(sent->packets_expected, 100);
  }
}

TEST(WorseDirectionTest, IsTheWorseOfTheTwoDirections) {
  EXPECT_FALSE(WorseDirectionOf({}).has_value());
  const DirectionQuality bad_loss{.packets_expected = 300, .packets_lost = 7, .max_jitter_ms = 5};
  const DirectionQuality bad_jitter{.packets_expected = 100, .packets_lost = 0,
                                    .jitter_ms = 1, .max_jitter_ms = 42.5};
  const auto worse = WorseDirectionOf({.sent = bad_loss, .received = bad_jitter});
  ASSERT_TRUE(worse.has_value());
  EXPECT_DOUBLE_EQ(worse->loss_ratio, 0.0233) << "7/300, to a hundredth of a percent";
  EXPECT_DOUBLE_EQ(worse->jitter_ms, 42.5);
  const auto one_way = WorseDirectionOf({.received = bad_jitter});
  EXPECT_DOUBLE_EQ(one_way->loss_ratio, 0);
  EXPECT_DOUBLE_EQ(one_way->jitter_ms, 42.5);
  const DirectionQuality duplicates{.packets_expected = 10, .packets_lost = -2};
  EXPECT_DOUBLE_EQ(WorseDirectionOf({.sent = duplicates})->loss_ratio, 0) << "never negative";
}

}  // namespace
}  // namespace fr::media
