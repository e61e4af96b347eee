#include "adapters/storage/call_report_slots.hpp"

#include <algorithm>
#include <charconv>

namespace fr {
namespace {

// Division rounding towards minus infinity: the unit a millisecond before 1970 lies in.
std::int64_t FloorDiv(std::int64_t value, std::int64_t divisor) {
  const std::int64_t quotient = value / divisor;
  return (value % divisor != 0 && value < 0) ? quotient - 1 : quotient;
}

}  // namespace

UnitSplit SplitIntoUnits(MillisRange range, std::int64_t unit_ms) {
  UnitSplit split;
  split.first_unit = FloorDiv(range.lo + unit_ms - 1, unit_ms);
  split.end_unit = FloorDiv(range.hi, unit_ms);
  if (split.first_unit >= split.end_unit) {
    split.first_unit = split.end_unit = FloorDiv(range.hi, unit_ms);
    if (range.lo < range.hi) split.edges.push_back(range);
    return split;
  }
  const std::int64_t whole_lo = split.first_unit * unit_ms, whole_hi = split.end_unit * unit_ms;
  if (range.lo < whole_lo) split.edges.push_back({range.lo, whole_lo});
  if (whole_hi < range.hi) split.edges.push_back({whole_hi, range.hi});
  return split;
}

bool AppendListedMillis(std::string_view list, std::vector<std::int64_t>& into) {
  const char* at = list.data();
  const char* const end = list.data() + list.size();
  while (at < end) {
    if (*at == ',') {
      ++at;
      continue;
    }
    std::int64_t value = 0;
    const auto [next, error] = std::from_chars(at, end, value);
    if (error != std::errc() || (next < end && *next != ',')) return false;
    into.push_back(value);
    at = next;
  }
  return true;
}

std::optional<std::int64_t> NearestRank(std::vector<std::int64_t>& values, int percent) {
  if (values.empty()) return std::nullopt;
  const auto n = static_cast<std::int64_t>(values.size());
  const std::int64_t rank = (percent * n + 99) / 100;  // ceil(percent·n / 100), 1-based
  const auto nth = values.begin() + (rank - 1);
  std::nth_element(values.begin(), nth, values.end());
  return *nth;
}

}  // namespace fr
