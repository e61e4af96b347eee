#pragma once

// The arithmetic between a call report's buckets and the rollups the storage keeps for it
// (migration 0023, decision 0061): which whole 15-minute slots (or UTC days) of a time range
// the rollups answer, which edges the report reads from the calls themselves, the rollups'
// lists of milliseconds, and nearest-rank percentiles. Pure functions, no SQL.

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace fr {

inline constexpr std::int64_t kReportSlotMs = 15 * 60 * 1000;      // call_report_outcomes, _times
inline constexpr std::int64_t kReportDayMs = 24 * 60 * 60 * 1000;  // call_report_agent_days

// Epoch milliseconds [lo, hi).
struct MillisRange {
  std::int64_t lo = 0;
  std::int64_t hi = 0;
  bool operator==(const MillisRange&) const = default;
};

// A range cut at multiples of a unit: the whole units [first_unit, end_unit) it covers, and the
// parts before and after them (`edges`, in order, none empty). A range that covers no whole unit
// is one edge, with first_unit == end_unit == the unit its end lies in: the splits of ranges
// that follow one another keep their units in order.
struct UnitSplit {
  std::int64_t first_unit = 0;
  std::int64_t end_unit = 0;
  std::vector<MillisRange> edges;
};
UnitSplit SplitIntoUnits(MillisRange range, std::int64_t unit_ms);

// Appends the numbers of a rollup list ("12000,800," or "12000,800"; empty for none) to `into`.
// Returns false, having appended the numbers before it, at anything but digits, '-' and commas.
bool AppendListedMillis(std::string_view list, std::vector<std::int64_t>& into);

// The nearest-rank percentile of `values`: the value ranked ceil(percent·n/100) in ascending
// order, that is the smallest value that at least `percent` % of them do not exceed; nullopt
// when there are none. Reorders `values`. `percent` is in 1…100.
std::optional<std::int64_t> NearestRank(std::vector<std::int64_t>& values, int percent);

}  // namespace fr
