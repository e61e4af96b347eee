// RFC 3550 appendix A.1, A.3 and A.8 with hand-made packet sequences.
#include "adapters/telephony/media/reception_statistics.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace fr::media {
namespace {

constexpr std::uint32_t kSsrc = 0x5EED;

// Feeds packets with these sequence numbers, each on time: timestamp and arrival 160 apart.
void Feed(ReceptionStatistics& stats, const std::vector<int>& sequences,
          std::uint32_t ssrc = kSsrc) {
  for (const int sequence : sequences) {
    const auto timestamp = static_cast<std::uint32_t>(sequence * 160);
    stats.OnPacket(ssrc, static_cast<std::uint16_t>(sequence), timestamp, timestamp + 4000, true);
  }
}

std::vector<int> Range(int first, int last) {
  std::vector<int> sequences;
  for (int s = first; s <= last; ++s) sequences.push_back(s);
  return sequences;
}

TEST(ReceptionStatisticsTest, ASourceCountsOnlyAfterTwoPacketsInSequence) {
  ReceptionStatistics stats;
  Feed(stats, {1000});
  EXPECT_FALSE(stats.valid());
  EXPECT_EQ(stats.TotalExpected(), 0);
  Feed(stats, {1001});
  ASSERT_TRUE(stats.valid());
  // RFC 3550 A.1: the base is the packet that ended probation.
  EXPECT_EQ(stats.TotalExpected(), 1);
  EXPECT_EQ(stats.TotalLost(), 0);
}

TEST(ReceptionStatisticsTest, ProbationStartsAgainAfterAGap) {
  ReceptionStatistics stats;
  Feed(stats, {1000, 1005, 1006});
  ASSERT_TRUE(stats.valid());
  EXPECT_EQ(stats.NextReportBlock().extended_highest_sequence, 1006u);
  EXPECT_EQ(stats.TotalExpected(), 1);
}

TEST(ReceptionStatisticsTest, LossesCountPerIntervalAndInAll) {
  ReceptionStatistics stats;
  // 1001 … 1100 expected (100); 1010 and 1020-1022 never arrive.
  std::vector<int> sequences;
  for (int s = 1000; s <= 1100; ++s) {
    if (s != 1010 && (s < 1020 || s > 1022)) sequences.push_back(s);
  }
  Feed(stats, sequences);
  ReportBlock first = stats.NextReportBlock();
  EXPECT_EQ(first.ssrc, kSsrc);
  EXPECT_EQ(first.extended_highest_sequence, 1100u);
  EXPECT_EQ(first.cumulative_lost, 4);
  EXPECT_EQ(first.fraction_lost, 4 * 256 / 100);  // 10 in 1/256: A.3's integer arithmetic
  EXPECT_FALSE(stats.received_since_report());

  Feed(stats, Range(1101, 1150));
  ReportBlock second = stats.NextReportBlock();
  EXPECT_EQ(second.fraction_lost, 0) << "nothing lost in this interval";
  EXPECT_EQ(second.cumulative_lost, 4);
  EXPECT_EQ(stats.TotalExpected(), 150);
  EXPECT_EQ(stats.TotalLost(), 4);

  // Half of the next interval lost: 1151 … 1160 expected, five arrive.
  Feed(stats, {1152, 1154, 1156, 1158, 1160});
  EXPECT_EQ(stats.NextReportBlock().fraction_lost, 128);
}

TEST(ReceptionStatisticsTest, TheSequenceNumberWrapsIntoTheNextCycle) {
  ReceptionStatistics stats;
  Feed(stats, {65530, 65531, 65532, 65533, 65534, 65535, 0, 1, 2, 3});
  const ReportBlock block = stats.NextReportBlock();
  EXPECT_EQ(block.extended_highest_sequence, 0x10003u) << "one cycle, then 3";
  EXPECT_EQ(stats.TotalExpected(), 9) << "65531 up to 3 through the wrap";
  EXPECT_EQ(block.cumulative_lost, 0);
}

TEST(ReceptionStatisticsTest, ReorderedPacketsAreNotLostAndDoNotMoveTheHighest) {
  ReceptionStatistics stats;
  Feed(stats, {1000, 1001, 1003, 1002, 1004, 1006, 1005});
  const ReportBlock block = stats.NextReportBlock();
  EXPECT_EQ(block.extended_highest_sequence, 1006u);
  EXPECT_EQ(block.cumulative_lost, 0);
  EXPECT_EQ(block.fraction_lost, 0);
  EXPECT_EQ(stats.TotalLate(), 2) << "1002 after 1003, 1005 after 1006";
}

TEST(ReceptionStatisticsTest, ReorderingAcrossTheWrapDoesNotCountACycle) {
  ReceptionStatistics stats;
  Feed(stats, {65533, 65534, 0, 65535, 1});
  EXPECT_EQ(stats.NextReportBlock().extended_highest_sequence, 0x10001u);
  EXPECT_EQ(stats.TotalLost(), 0);
  EXPECT_EQ(stats.TotalLate(), 1) << "65535 after 0";
}

TEST(ReceptionStatisticsTest, PacketsInOrderAreNeverLate) {
  ReceptionStatistics stats;
  Feed(stats, {1000, 1001, 1002, 1004, 1007});
  EXPECT_EQ(stats.TotalLate(), 0) << "gaps are losses, not lateness";
  EXPECT_EQ(stats.TotalLost(), 3);
}

TEST(ReceptionStatisticsTest, DuplicatesMakeTheLossNegative) {
  ReceptionStatistics stats;
  Feed(stats, {1000, 1001, 1002, 1002, 1003});
  const ReportBlock block = stats.NextReportBlock();
  EXPECT_EQ(block.cumulative_lost, -1);
  EXPECT_EQ(block.fraction_lost, 0);
}

TEST(ReceptionStatisticsTest, OneStrayJumpIsIgnoredTwoInARowRestartTheSequence) {
  ReceptionStatistics stray;
  Feed(stray, Range(1000, 1009));
  Feed(stray, {40000});
  Feed(stray, Range(1010, 1019));
  EXPECT_EQ(stray.TotalExpected(), 19);
  EXPECT_EQ(stray.TotalLost(), 0);
  EXPECT_EQ(stray.NextReportBlock().extended_highest_sequence, 1019u);

  ReceptionStatistics restarted;
  Feed(restarted, Range(1000, 1009));  // 9 expected, none lost
  Feed(restarted, {30000, 30001});     // the far end restarted its numbering
  Feed(restarted, {30003, 30004});     // 30002 lost
  EXPECT_EQ(restarted.NextReportBlock().extended_highest_sequence, 30004u);
  EXPECT_EQ(restarted.TotalExpected(), 9 + 4);
  EXPECT_EQ(restarted.TotalLost(), 1);
}

TEST(ReceptionStatisticsTest, ANewSourceStartsAfreshButTheTotalsCarryOn) {
  ReceptionStatistics stats;
  Feed(stats, {1000, 1001, 1003, 1004});  // 4 expected, 1 lost
  Feed(stats, {7, 8, 9, 11}, 0xBEEF);     // after probation: 8 … 11, 1 lost
  EXPECT_EQ(stats.ssrc(), 0xBEEFu);
  EXPECT_EQ(stats.TotalExpected(), 4 + 4);
  EXPECT_EQ(stats.TotalLost(), 2);
  const ReportBlock block = stats.NextReportBlock();
  EXPECT_EQ(block.ssrc, 0xBEEFu);
  EXPECT_EQ(block.cumulative_lost, 1) << "a report block speaks of its own source only";
}

TEST(ReceptionStatisticsTest, JitterFollowsAppendixA8) {
  ReceptionStatistics stats;
  // Timestamps 160 apart; arrivals (8 kHz units) 160 apart except the third packet, 80 late,
  // and the sixth, 40 early.
  const std::vector<std::uint32_t> lateness = {0, 0, 80, 0, 0, static_cast<std::uint32_t>(-40), 0};
  double expected = 0;
  std::int64_t previous_transit = 0;
  for (std::size_t i = 0; i < lateness.size(); ++i) {
    const auto timestamp = static_cast<std::uint32_t>(90000 + 160 * i);
    const std::uint32_t arrival = 5000 + 160 * static_cast<std::uint32_t>(i) + lateness[i];
    stats.OnPacket(kSsrc, static_cast<std::uint16_t>(10 + i), timestamp, arrival, true);
    // J(i) = J(i-1) + (|D(i-1,i)| - J(i-1)) / 16, counted from the packet that ended probation.
    const std::int64_t transit = static_cast<std::int32_t>(arrival - timestamp);
    if (i >= 2) expected += (std::abs(transit - previous_transit) - expected) / 16.0;
    if (i >= 1) previous_transit = transit;
  }
  // 80 late: 5; back on time: 5 + 75/16; on time: × 15/16; 40 early and back: 12.83.
  EXPECT_NEAR(stats.jitter(), expected, 1e-9);
  EXPECT_NEAR(expected, 12.83, 0.01) << "the hand computation itself";
  EXPECT_EQ(stats.NextReportBlock().jitter, static_cast<std::uint32_t>(expected));
}

TEST(ReceptionStatisticsTest, EventsCountForLossButNotForJitter) {
  ReceptionStatistics stats;
  Feed(stats, {1, 2, 3});
  const double before = stats.jitter();
  // An RFC 4733 event repeats its start timestamp while time goes on.
  for (int i = 0; i < 5; ++i) {
    stats.OnPacket(kSsrc, static_cast<std::uint16_t>(4 + i), 99999, 100000 + 160 * i, false);
  }
  EXPECT_EQ(stats.jitter(), before);
  EXPECT_EQ(stats.TotalExpected(), 7);
  EXPECT_EQ(stats.TotalLost(), 0);
}

}  // namespace
}  // namespace fr::media
