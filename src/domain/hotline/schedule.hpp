#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/error.hpp"
#include "common/result.hpp"

namespace fr {

enum class Weekday { kMon, kTue, kWed, kThu, kFri, kSat, kSun };
const char* WeekdayName(Weekday day);  // "mon", …
std::optional<Weekday> ParseWeekday(std::string_view name);

// One weekly opening range in the hotline's local time: from `from_minute` on `day` to
// `to_minute`. A range whose end is not after its start runs overnight into the next day
// (22:00–06:00); 24:00 (1440) ends a range at midnight.
struct OpeningRange {
  Weekday day = Weekday::kMon;
  int from_minute = 0;  // 0..1439
  int to_minute = 0;    // 0..1440, never equal to from_minute

  bool operator==(const OpeningRange&) const = default;
};

// When a hotline takes calls (decision 0042). No schedule at all means always open.
struct Schedule {
  std::string time_zone;                  // an IANA zone, "Europe/Berlin"
  std::vector<OpeningRange> weekly;       // in the client's order
  std::vector<std::string> closed_dates;  // "YYYY-MM-DD", sorted, unique

  bool operator==(const Schedule&) const = default;
};

// A schedule as the client sent it, before validation.
struct ScheduleDraft {
  struct Range {
    std::string day, from, to;
  };
  std::string time_zone;
  std::vector<Range> weekly;
  std::vector<std::string> closed_dates;
};

inline constexpr std::size_t kMaxOpeningRanges = 70;
inline constexpr std::size_t kMaxClosedDates = 366;

// Checks a draft: a time zone the system's IANA database knows, days "mon".."sun", times
// "HH:MM" (24:00 only as an end), ranges that do not end where they start, dates that exist.
// Appends one FieldError per bad field, named under `field` ("schedule.weekly[2].from"), and
// returns nullopt when any was bad. Thread-safe.
std::optional<Schedule> CheckSchedule(std::string_view field, const ScheduleDraft& draft,
                                      std::vector<FieldError>& errors);

// Whether the hotline is open at `now`: the local wall-clock time of `now` in the schedule's
// zone (daylight-saving time included) falls into a weekly range, and the range did not start
// on a closed date (a night range belongs to the day it starts). Errors: kFailedPrecondition
// when the zone is no longer in the system's database. Thread-safe.
Result<bool> IsOpenAt(const Schedule& schedule, Timestamp now);

}  // namespace fr
