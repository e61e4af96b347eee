// The arithmetic between report buckets and the rollups' slots: whole units and edges, the
// rollups' lists, and nearest-rank percentiles, table by table.
#include "adapters/storage/call_report_slots.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace fr {
namespace {

constexpr std::int64_t kSlot = kReportSlotMs;

TEST(CallReportSlotsTest, SplitIntoUnitsKeepsWholeSlotsAndReadsTheEdges) {
  struct Case {
    MillisRange range;
    std::int64_t first, end;
    std::vector<MillisRange> edges;
  };
  const std::int64_t t = 1'800'000'000'000 / kSlot * kSlot;  // a slot boundary
  const Case cases[] = {
      {{t, t + 4 * kSlot}, t / kSlot, t / kSlot + 4, {}},
      {{t + 1, t + 4 * kSlot}, t / kSlot + 1, t / kSlot + 4, {{t + 1, t + kSlot}}},
      {{t, t + 4 * kSlot - 1}, t / kSlot, t / kSlot + 3, {{t + 3 * kSlot, t + 4 * kSlot - 1}}},
      {{t + 60'000, t + 2 * kSlot + 5},
       t / kSlot + 1,
       t / kSlot + 2,
       {{t + 60'000, t + kSlot}, {t + 2 * kSlot, t + 2 * kSlot + 5}}},
      // No whole slot: all of it is an edge, its units empty at the slot of its end.
      {{t + 5, t + kSlot - 5}, t / kSlot, t / kSlot, {{t + 5, t + kSlot - 5}}},
      {{t + 5, t + kSlot + 5}, t / kSlot + 1, t / kSlot + 1, {{t + 5, t + kSlot + 5}}},
      {{t, t}, t / kSlot, t / kSlot, {}},
      // Before 1970, units still round down.
      {{-2 * kSlot - 1, -kSlot}, -2, -1, {{-2 * kSlot - 1, -2 * kSlot}}},
  };
  for (const Case& c : cases) {
    const UnitSplit split = SplitIntoUnits(c.range, kSlot);
    EXPECT_EQ(split.first_unit, c.first) << c.range.lo << ".." << c.range.hi;
    EXPECT_EQ(split.end_unit, c.end) << c.range.lo << ".." << c.range.hi;
    EXPECT_EQ(split.edges, c.edges) << c.range.lo << ".." << c.range.hi;
  }
}

TEST(CallReportSlotsTest, SplitIntoDaysForTheAgents) {
  const std::int64_t day = kReportDayMs;
  // A Berlin week in winter: 23:00 UTC to 23:00 UTC seven days later.
  const std::int64_t from = 20'000 * day - 3'600'000, to = from + 7 * day;
  const UnitSplit split = SplitIntoUnits({from, to}, day);
  EXPECT_EQ(split.first_unit, 20'000);
  EXPECT_EQ(split.end_unit, 20'006);
  EXPECT_EQ(split.edges, (std::vector<MillisRange>{{from, 20'000 * day}, {20'006 * day, to}}));
}

TEST(CallReportSlotsTest, ListsReadWithOrWithoutTheLastComma) {
  struct Case {
    std::string list;
    bool ok;
    std::vector<std::int64_t> values;
  };
  const Case cases[] = {
      {"", true, {}},
      {"12000,", true, {12000}},
      {"12000,800,", true, {12000, 800}},
      {"12000,800", true, {12000, 800}},
      {"0,-5,", true, {0, -5}},
      {"1,,2,", true, {1, 2}},
      {"1,x,", false, {1}},
      {"1.5,", false, {}},
      {"12 ,", false, {}},
  };
  for (const Case& c : cases) {
    std::vector<std::int64_t> values;
    EXPECT_EQ(AppendListedMillis(c.list, values), c.ok) << c.list;
    EXPECT_EQ(values, c.values) << c.list;
  }
}

TEST(CallReportSlotsTest, NearestRankIsTheSmallestValueThatShareDoesNotExceed) {
  struct Case {
    std::vector<std::int64_t> values;
    int percent;
    std::optional<std::int64_t> expected;
  };
  const Case cases[] = {
      {{}, 50, std::nullopt},
      {{7}, 50, 7},
      {{7}, 90, 7},
      {{20, 10}, 50, 10},  // the lower of two
      {{20, 10}, 90, 20},
      {{30, 10, 20}, 50, 20},
      {{5, 1, 4, 2, 3, 10, 9, 8, 7, 6}, 90, 9},       // rank 9 of 10
      {{5, 1, 4, 2, 3, 10, 9, 8, 7, 6, 11}, 90, 10},  // rank ceil(9.9) = 10 of 11
      {{3, 3, 1, 3}, 50, 3},
      {{1, 2, 3, 4}, 100, 4},
  };
  for (const Case& c : cases) {
    std::vector<std::int64_t> values = c.values;
    EXPECT_EQ(NearestRank(values, c.percent), c.expected)
        << c.values.size() << " values, p" << c.percent;
  }
}

}  // namespace
}  // namespace fr
