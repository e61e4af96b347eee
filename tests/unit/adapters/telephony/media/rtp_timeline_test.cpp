#include "adapters/telephony/media/rtp_timeline.hpp"

#include <gtest/gtest.h>

namespace fr::media {
namespace {

constexpr std::uint32_t kSsrc = 0x12345678;
constexpr std::uint8_t kPcmu = 0;

RtpHeader Incoming(std::uint32_t ssrc, std::uint16_t sequence, std::uint32_t timestamp,
                   bool marker = false) {
  return {.marker = marker,
          .payload_type = 0,
          .sequence = sequence,
          .timestamp = timestamp,
          .ssrc = ssrc};
}

TEST(RtpTimelineTest, GeneratedFramesAreConsecutiveAndMarkTheFirst) {
  RtpTimeline timeline(kSsrc, 65534, 0xFFFFFF00);
  const RtpHeader first = timeline.NextGenerated(kPcmu, 1);
  const RtpHeader second = timeline.NextGenerated(kPcmu, 2);
  const RtpHeader third = timeline.NextGenerated(kPcmu, 3);

  EXPECT_EQ(first.sequence, 65534);
  EXPECT_EQ(second.sequence, 65535);
  EXPECT_EQ(third.sequence, 0);  // wraps
  EXPECT_EQ(first.timestamp, 0xFFFFFF00u);
  EXPECT_EQ(second.timestamp, 0xFFFFFFA0u);
  EXPECT_EQ(third.timestamp, 0x40u);  // wraps
  EXPECT_TRUE(first.marker);
  EXPECT_FALSE(second.marker);
  EXPECT_FALSE(third.marker);
  EXPECT_EQ(third.ssrc, kSsrc);
  EXPECT_EQ(third.payload_type, kPcmu);
}

TEST(RtpTimelineTest, TicksWithoutPacketsAdvanceTheTimestamp) {
  RtpTimeline timeline(kSsrc, 0, 1000);
  timeline.NextGenerated(kPcmu, 10);
  timeline.MarkSourceChange();
  const RtpHeader after_gap = timeline.NextGenerated(kPcmu, 15);
  EXPECT_EQ(after_gap.sequence, 1);
  EXPECT_EQ(after_gap.timestamp, 1000u + 5 * kSamplesPerFrame);
  EXPECT_TRUE(after_gap.marker);
}

TEST(RtpTimelineTest, RelayContinuesTheTimelineAndFollowsTheSourcesSpacing) {
  RtpTimeline timeline(kSsrc, 100, 5000);
  timeline.NextGenerated(kPcmu, 1);
  timeline.NextGenerated(kPcmu, 2);  // ts 5160

  const RtpHeader first = timeline.NextRelayed(Incoming(0xAAAA, 7, 900000), kPcmu, 3);
  const RtpHeader second = timeline.NextRelayed(Incoming(0xAAAA, 8, 900160), kPcmu, 3);
  const RtpHeader late = timeline.NextRelayed(Incoming(0xAAAA, 9, 900480), kPcmu, 5);

  EXPECT_EQ(first.sequence, 102);
  EXPECT_EQ(second.sequence, 103);
  EXPECT_EQ(late.sequence, 104);
  EXPECT_EQ(first.timestamp, 5320u);
  EXPECT_EQ(second.timestamp, 5480u);
  EXPECT_EQ(late.timestamp, 5800u);
  EXPECT_TRUE(first.marker);
  EXPECT_FALSE(second.marker);
  EXPECT_EQ(late.ssrc, kSsrc);
}

TEST(RtpTimelineTest, RelayKeepsTheSourcesMarkerAndReanchorsOnANewSsrc) {
  RtpTimeline timeline(kSsrc, 0, 0);
  timeline.NextRelayed(Incoming(0xAAAA, 1, 100), kPcmu, 1);
  const RtpHeader talkspurt = timeline.NextRelayed(Incoming(0xAAAA, 2, 260, true), kPcmu, 2);
  const RtpHeader other_source = timeline.NextRelayed(Incoming(0xBBBB, 50, 7), kPcmu, 3);

  EXPECT_TRUE(talkspurt.marker);
  EXPECT_EQ(talkspurt.timestamp, 160u);
  EXPECT_TRUE(other_source.marker);
  EXPECT_EQ(other_source.timestamp, 320u);
}

TEST(RtpTimelineTest, GeneratedAfterRelayContinuesFromTheNewestTimestamp) {
  RtpTimeline timeline(kSsrc, 0, 0);
  timeline.NextRelayed(Incoming(0xAAAA, 1, 1000), kPcmu, 1);  // ts 0
  timeline.NextRelayed(Incoming(0xAAAA, 2, 1160), kPcmu, 2);  // ts 160
  timeline.NextRelayed(Incoming(0xAAAA, 3, 1000), kPcmu, 2);  // ts 0: late event
  const RtpHeader generated = timeline.NextGenerated(kPcmu, 3);

  EXPECT_TRUE(generated.marker);
  EXPECT_EQ(generated.timestamp, 320u);
  EXPECT_EQ(generated.sequence, 3);
}

}  // namespace
}  // namespace fr::media
