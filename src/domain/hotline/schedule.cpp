#include "domain/hotline/schedule.hpp"

#include <date/tz.h>

#include <algorithm>
#include <array>
#include <stdexcept>

namespace fr {
namespace {

constexpr std::array<const char*, 7> kWeekdayNames = {"mon", "tue", "wed", "thu",
                                                      "fri", "sat", "sun"};
constexpr int kMinutesPerDay = 24 * 60;

bool IsDigits(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int Number(std::string_view digits) {
  int value = 0;
  for (const char c : digits) value = value * 10 + (c - '0');
  return value;
}

// "HH:MM" as minutes since midnight; "24:00" only where `end` allows it.
std::optional<int> ParseTimeOfDay(std::string_view text, bool end) {
  if (text.size() != 5 || text[2] != ':' || !IsDigits(text.substr(0, 2)) ||
      !IsDigits(text.substr(3, 2))) {
    return std::nullopt;
  }
  const int hours = Number(text.substr(0, 2));
  const int minutes = Number(text.substr(3, 2));
  if (end && hours == 24 && minutes == 0) return kMinutesPerDay;
  if (hours > 23 || minutes > 59) return std::nullopt;
  return hours * 60 + minutes;
}

std::optional<date::year_month_day> ParseDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !IsDigits(text.substr(0, 4)) ||
      !IsDigits(text.substr(5, 2)) || !IsDigits(text.substr(8, 2))) {
    return std::nullopt;
  }
  const date::year_month_day day{date::year(Number(text.substr(0, 4))),
                                 date::month(static_cast<unsigned>(Number(text.substr(5, 2)))),
                                 date::day(static_cast<unsigned>(Number(text.substr(8, 2))))};
  if (!day.ok()) return std::nullopt;
  return day;
}

// The zone, or nullptr when the system's database does not know it (locate_zone throws).
const date::time_zone* FindZone(const std::string& name) {
  if (name.empty()) return nullptr;
  try {
    return date::locate_zone(name);
  } catch (const std::runtime_error&) {
    return nullptr;
  }
}

std::string FormatDate(date::year_month_day day) { return date::format("%F", date::sys_days(day)); }

Weekday WeekdayOf(date::local_days day) {
  // date::weekday counts from Sunday (0); ours from Monday.
  const unsigned from_sunday = date::weekday(day).c_encoding();
  return static_cast<Weekday>((from_sunday + 6) % 7);
}

void CheckRange(const std::string& prefix, const ScheduleDraft::Range& draft,
                std::vector<FieldError>& errors, std::vector<OpeningRange>& ranges) {
  const auto day = ParseWeekday(draft.day);
  const auto from = ParseTimeOfDay(draft.from, false);
  const auto to = ParseTimeOfDay(draft.to, true);
  if (!day) errors.push_back({prefix + ".day", "must be one of mon, tue, wed, thu, fri, sat, sun"});
  if (!from) errors.push_back({prefix + ".from", "must be a time HH:MM from 00:00 to 23:59"});
  if (!to) errors.push_back({prefix + ".to", "must be a time HH:MM from 00:00 to 24:00"});
  if (from && to && *from == *to) {
    errors.push_back({prefix + ".to", "must differ from from (00:00 to 24:00 is a whole day)"});
  }
  if (day && from && to && *from != *to) ranges.push_back({*day, *from, *to});
}

}  // namespace

const char* WeekdayName(Weekday day) { return kWeekdayNames[static_cast<std::size_t>(day)]; }

std::optional<Weekday> ParseWeekday(std::string_view name) {
  for (std::size_t i = 0; i < kWeekdayNames.size(); ++i) {
    if (name == kWeekdayNames[i]) return static_cast<Weekday>(i);
  }
  return std::nullopt;
}

std::optional<Schedule> CheckSchedule(std::string_view field, const ScheduleDraft& draft,
                                      std::vector<FieldError>& errors) {
  const std::size_t errors_before = errors.size();
  const std::string base(field);
  Schedule schedule;
  if (!FindZone(draft.time_zone)) {
    errors.push_back({base + ".timeZone", "must be an IANA time zone such as Europe/Berlin (\"" +
                                              draft.time_zone + "\" is unknown)"});
  }
  schedule.time_zone = draft.time_zone;
  if (draft.weekly.size() > kMaxOpeningRanges) {
    errors.push_back({base + ".weekly", "must list at most 70 ranges"});
  } else {
    for (std::size_t i = 0; i < draft.weekly.size(); ++i) {
      CheckRange(base + ".weekly[" + std::to_string(i) + "]", draft.weekly[i], errors,
                 schedule.weekly);
    }
  }
  if (draft.closed_dates.size() > kMaxClosedDates) {
    errors.push_back({base + ".closedDates", "must list at most 366 dates"});
  } else {
    for (std::size_t i = 0; i < draft.closed_dates.size(); ++i) {
      const auto day = ParseDate(draft.closed_dates[i]);
      if (!day) {
        errors.push_back({base + ".closedDates[" + std::to_string(i) + "]",
                          "must be a date YYYY-MM-DD that exists"});
        continue;
      }
      schedule.closed_dates.push_back(FormatDate(*day));
    }
  }
  std::sort(schedule.closed_dates.begin(), schedule.closed_dates.end());
  schedule.closed_dates.erase(
      std::unique(schedule.closed_dates.begin(), schedule.closed_dates.end()),
      schedule.closed_dates.end());
  if (errors.size() != errors_before) return std::nullopt;
  return schedule;
}

Result<bool> IsOpenAt(const Schedule& schedule, Timestamp now) {
  const date::time_zone* zone = FindZone(schedule.time_zone);
  if (!zone) {
    return Error::FailedPrecondition("The time zone \"" + schedule.time_zone +
                                     "\" is not in the system's time zone database.");
  }
  const auto local = zone->to_local(std::chrono::time_point_cast<std::chrono::minutes>(now));
  const date::local_days today = date::floor<date::days>(local);
  // to_local answers in seconds whatever it is given: the minute of the day is counted here.
  const int minute =
      static_cast<int>(std::chrono::duration_cast<std::chrono::minutes>(local - today).count());
  const date::local_days yesterday = today - date::days(1);
  const auto closed = [&schedule](date::local_days day) {
    const std::string text = date::format("%F", day);
    return std::binary_search(schedule.closed_dates.begin(), schedule.closed_dates.end(), text);
  };
  for (const OpeningRange& range : schedule.weekly) {
    const bool overnight = range.to_minute <= range.from_minute;
    if (range.day == WeekdayOf(today) && minute >= range.from_minute &&
        (overnight || minute < range.to_minute) && !closed(today)) {
      return true;
    }
    if (overnight && range.day == WeekdayOf(yesterday) && minute < range.to_minute &&
        !closed(yesterday)) {
      return true;
    }
  }
  return false;
}

}  // namespace fr
