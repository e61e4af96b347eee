// RTCP of the media engine against far ends on real UDP sockets: our reports arrive where
// RFC 3550 and the SDP say, and the far end's reports become the stream's quality.
#include <gtest/gtest.h>

#include <optional>
#include <vector>

#include "adapters/telephony/media/media_engine.hpp"
#include "adapters/telephony/media/rtcp_packet.hpp"
#include "unit/adapters/telephony/media/media_engine_fixture.hpp"

namespace fr::media {
namespace {

using namespace std::chrono_literals;
using testing::FarEndPair;
using testing::MediaEngineTest;
using testing::Ramp;
using testing::TestConfig;
using testing::UdpFarEnd;
using testing::WaitFor;
using Bytes = std::vector<std::uint8_t>;

constexpr std::uint32_t kFarSsrc = 0x5EEDF00D;

MediaConfig FastRtcp() {
  MediaConfig config = TestConfig();
  config.rtcp_interval = 200ms;
  return config;
}

// The next RTCP compound `socket` receives, with the raw bytes.
struct ReceivedRtcp {
  Bytes bytes;
  IncomingRtcp parsed;
};
std::optional<ReceivedRtcp> NextRtcp(const UdpFarEnd& socket, std::chrono::milliseconds timeout = 5s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto datagram = socket.Receive(100ms);
    if (!datagram || !LooksLikeRtcp(*datagram)) continue;
    auto parsed = ParseRtcp(*datagram);
    if (!parsed) {
      ADD_FAILURE() << "malformed RTCP from the engine";
      return std::nullopt;
    }
    return ReceivedRtcp{std::move(*datagram), std::move(*parsed)};
  }
  return std::nullopt;
}

// An RR from the far end about `about`, written by hand (RFC 3550 section 6.4.2).
Bytes ReceiverReport(std::uint32_t about, std::uint32_t extended_highest, std::int32_t lost,
                     std::uint32_t jitter) {
  Bytes rr = {0x81, 201, 0x00, 0x07};
  const auto put = [&rr](std::uint32_t value) {
    for (int i = 0; i < 4; ++i) rr.push_back(static_cast<std::uint8_t>(value >> (24 - 8 * i)));
  };
  put(kFarSsrc);
  put(about);
  put(static_cast<std::uint32_t>(lost) & 0xFFFFFF);
  put(extended_highest);
  put(jitter);
  put(0);
  put(0);
  return rr;
}

std::uint32_t SsrcOf(const Bytes& rtcp) {
  return static_cast<std::uint32_t>(rtcp[4]) << 24 | rtcp[5] << 16 | rtcp[6] << 8 | rtcp[7];
}

class MediaEngineRtcpTest : public MediaEngineTest {
 protected:
  MediaEngineRtcpTest() : MediaEngineTest(FastRtcp()) {}

  StreamQuality QualityOf(StreamId id) const {
    const Result<StreamQuality> quality = engine_.Quality(id);
    EXPECT_TRUE(quality.ok());
    return quality.ok() ? *quality : StreamQuality{};
  }

  FarEndPair far_ = testing::BindFarEndPair();
};

TEST_F(MediaEngineRtcpTest, SendsSenderReportsWhileSendingThenReceiverReportsAndAByeAtClose) {
  const StreamId id = OpenTowards(*far_.rtp);
  engine_.Play(id, Ramp(10 * 160), nullptr);
  const auto rtp = far_.rtp->ReceiveRtp(10);
  ASSERT_EQ(rtp.size(), 10u);

  // To the far end's RTP port + 1: SRs while we send, the last one counting every packet.
  std::optional<ReceivedRtcp> sr;
  ASSERT_TRUE(WaitFor([&] {
    sr = NextRtcp(*far_.rtcp);
    return sr && sr->parsed.reports.at(0).sender && sr->parsed.reports[0].sender->packet_count == 10;
  }));
  EXPECT_EQ(sr->bytes[1], 200);
  EXPECT_EQ(SsrcOf(sr->bytes), rtp[0].header.ssrc);
  EXPECT_EQ(sr->parsed.reports[0].sender->octet_count, 1600u);
  // The SDES follows the report: type 202, our SSRC, a CNAME item of 16 characters.
  const std::size_t sdes = (static_cast<std::size_t>(sr->bytes[2]) << 8 | sr->bytes[3]) * 4 + 4;
  ASSERT_GT(sr->bytes.size(), sdes + 10);
  EXPECT_EQ(sr->bytes[sdes + 1], 202);
  EXPECT_EQ(sr->bytes[sdes + 8], 1) << "CNAME";
  EXPECT_EQ(sr->bytes[sdes + 9], 16);

  // Two intervals after the last RTP, we are no sender any more.
  std::optional<ReceivedRtcp> rr;
  ASSERT_TRUE(WaitFor([&] {
    rr = NextRtcp(*far_.rtcp);
    return rr && rr->bytes[1] == 201;
  }));
  EXPECT_FALSE(rr->parsed.bye);

  engine_.Close(id);
  std::optional<ReceivedRtcp> bye;
  ASSERT_TRUE(WaitFor([&] {
    bye = NextRtcp(*far_.rtcp);
    return bye && bye->parsed.bye;
  }));
  EXPECT_EQ(bye->bytes[1], 201) << "a BYE comes in a compound that starts with a report";
}

TEST_F(MediaEngineRtcpTest, ReportsOnTheFarEndsAudioAndTakesItsReportAboutOurs) {
  const StreamId id = OpenTowards(*far_.rtp);
  engine_.Play(id, Ramp(20 * 160), nullptr);
  const auto ours = far_.rtp->ReceiveRtp(20);
  ASSERT_EQ(ours.size(), 20u);
  // The far end talks: 1000 … 1029 with 1010 and 1011 lost (base 1001: 29 expected).
  for (int i = 0; i < 30; ++i) {
    if (i == 10 || i == 11) continue;
    const RtpHeader header{.payload_type = testing::kPcmuPt,
                           .sequence = static_cast<std::uint16_t>(1000 + i),
                           .timestamp = 160u * static_cast<std::uint32_t>(i),
                           .ssrc = kFarSsrc};
    far_.rtp->SendTo(PortOf(id), testing::MakeRtp(header, testing::SilenceMuLaw()));
  }
  std::optional<ReceivedRtcp> report;
  ASSERT_TRUE(WaitFor([&] {
    report = NextRtcp(*far_.rtcp);
    return report && !report->parsed.reports.at(0).blocks.empty();
  }));
  const ReportBlock& block = report->parsed.reports[0].blocks[0];
  EXPECT_EQ(block.ssrc, kFarSsrc);
  EXPECT_EQ(block.extended_highest_sequence, 1029u);
  EXPECT_EQ(block.cumulative_lost, 2);

  // It reports on our 20 packets: 4 lost, jitter 240 units.
  const std::uint16_t first = ours[0].header.sequence;
  far_.rtcp->SendTo(PortOf(id) + 1,
                    ReceiverReport(ours[0].header.ssrc, static_cast<std::uint16_t>(first + 19), 4, 240));
  ASSERT_TRUE(WaitFor([&] { return StatsOf(id).rtcp_received == 1; }));
  const StreamQuality quality = QualityOf(id);
  ASSERT_TRUE(quality.sent.has_value());
  EXPECT_EQ(quality.sent->packets_expected, 20);
  EXPECT_DOUBLE_EQ(quality.sent->LossRatio(), 0.2);
  EXPECT_DOUBLE_EQ(quality.sent->jitter_ms, 30);
  ASSERT_TRUE(quality.received.has_value());
  EXPECT_EQ(quality.received->packets_expected, 29);
  EXPECT_EQ(quality.received->packets_lost, 2);
  const auto worse = WorseDirectionOf(quality);
  ASSERT_TRUE(worse.has_value());
  EXPECT_DOUBLE_EQ(worse->loss_ratio, 0.2);
  EXPECT_DOUBLE_EQ(worse->jitter_ms, 30);
}

TEST_F(MediaEngineRtcpTest, MalformedOrForeignRtcpIsDroppedAndCounted) {
  const StreamId id = OpenTowards(*far_.rtp);
  far_.rtcp->SendTo(PortOf(id) + 1, Bytes{0x81, 201, 0x00, 0x07, 1, 2, 3});
  UdpFarEnd stranger("127.0.0.2");
  stranger.SendTo(PortOf(id) + 1, ReceiverReport(1, 1, 1, 1));
  ASSERT_TRUE(WaitFor([&] { return StatsOf(id).rtcp_dropped == 2; }));
  EXPECT_EQ(StatsOf(id).rtcp_received, 0u);
  EXPECT_FALSE(QualityOf(id).sent.has_value());
  EXPECT_FALSE(QualityOf(id).received.has_value());
}

TEST_F(MediaEngineRtcpTest, RtcpGoesWhereTheSdpOrTheFarEndsOwnRtcpSays) {
  const StreamId id = OpenTowards(*far_.rtp);
  UdpFarEnd named;
  engine_.SetRemoteRtcpPort(id, named.port());
  ASSERT_TRUE(NextRtcp(named).has_value()) << "a=rtcp names the port";

  // A far end behind NAT: its RTCP comes from elsewhere; ours follows it (symmetric RTCP).
  const StreamId second = OpenTowards(*far_.rtp);
  UdpFarEnd mapped;
  mapped.SendTo(PortOf(second) + 1, ReceiverReport(1, 1, 0, 0));
  ASSERT_TRUE(WaitFor([&] { return StatsOf(second).rtcp_received == 1; }));
  EXPECT_TRUE(NextRtcp(mapped).has_value());
}

TEST_F(MediaEngineRtcpTest, RtcpMultiplexedOnTheRtpPortIsTaken) {
  const StreamId id = OpenTowards(*far_.rtp);
  engine_.Play(id, Ramp(5 * 160), nullptr);
  const auto ours = far_.rtp->ReceiveRtp(5);
  ASSERT_EQ(ours.size(), 5u);
  far_.rtp->SendTo(PortOf(id), ReceiverReport(ours[0].header.ssrc, ours[4].header.sequence, 1, 8));
  ASSERT_TRUE(WaitFor([&] { return StatsOf(id).rtcp_received == 1; }));
  EXPECT_EQ(StatsOf(id).packets_dropped, 0u) << "not taken for bad RTP";
  EXPECT_DOUBLE_EQ(QualityOf(id).sent->LossRatio(), 0.2);
}

TEST_F(MediaEngineRtcpTest, EachStreamHoldsTheOddPortAboveItsRtpPort) {
  const StreamId id = OpenTowards(*far_.rtp);
  EXPECT_EQ(PortOf(id) % 2, 0);
  EXPECT_THROW(UdpFarEnd("127.0.0.1", static_cast<std::uint16_t>(PortOf(id) + 1)),
               std::runtime_error);
}

}  // namespace
}  // namespace fr::media
