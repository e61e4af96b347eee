#include "common/clock.hpp"

#include <cstdio>
#include <ctime>

namespace fr {
namespace {

// Years outside 0000..9999, which no call or hotline has, as the C library writes them.
std::string FormatTimestampOutsideYears(Timestamp t) {
  const std::int64_t ms = ToEpochMillis(t);
  std::int64_t seconds = ms / 1000;
  std::int64_t millis = ms % 1000;
  if (millis < 0) {
    millis += 1000;
    seconds -= 1;
  }
  const std::time_t tt = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(millis));
  return buffer;
}

bool DigitsAt(std::string_view text, std::size_t at, std::size_t count, int& value) {
  if (at + count > text.size()) return false;
  value = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    value = value * 10 + (text[i] - '0');
  }
  return true;
}

}  // namespace

std::optional<Timestamp> ParseTimestamp(std::string_view text) {
  using namespace std::chrono;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (text.size() < 20 || !DigitsAt(text, 0, 4, year) || text[4] != '-' ||
      !DigitsAt(text, 5, 2, month) || text[7] != '-' || !DigitsAt(text, 8, 2, day) ||
      (text[10] != 'T' && text[10] != 't') || !DigitsAt(text, 11, 2, hour) || text[13] != ':' ||
      !DigitsAt(text, 14, 2, minute) || text[16] != ':' || !DigitsAt(text, 17, 2, second)) {
    return std::nullopt;
  }
  const year_month_day date{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)),
                            std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok() || hour > 23 || minute > 59 || second > 59) return std::nullopt;
  std::size_t at = 19;
  int millis = 0;
  if (at < text.size() && text[at] == '.') {
    std::size_t digits = 0;
    for (++at; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at, ++digits) {
      if (digits < 3) millis = millis * 10 + (text[at] - '0');
    }
    if (digits == 0) return std::nullopt;
    for (; digits < 3; ++digits) millis *= 10;
  }
  int offset_minutes = 0;
  if (at < text.size() && (text[at] == 'Z' || text[at] == 'z')) {
    ++at;
  } else if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
    int offset_hours = 0, offset_mins = 0;
    if (!DigitsAt(text, at + 1, 2, offset_hours) || at + 3 >= text.size() || text[at + 3] != ':' ||
        !DigitsAt(text, at + 4, 2, offset_mins) || offset_hours > 23 || offset_mins > 59) {
      return std::nullopt;
    }
    offset_minutes = (offset_hours * 60 + offset_mins) * (text[at] == '-' ? -1 : 1);
    at += 6;
  } else {
    return std::nullopt;
  }
  if (at != text.size()) return std::nullopt;
  return Timestamp(sys_days(date).time_since_epoch() + hours(hour) + minutes(minute) +
                   seconds(second) + milliseconds(millis) - minutes(offset_minutes));
}

Timestamp SystemClock::Now() const {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

std::string FormatTimestamp(Timestamp t) {
  // Calendar arithmetic rather than gmtime_r and snprintf: lists format three instants per call
  // log, and this ran at a tenth of a list request's cycles (issue #12).
  using namespace std::chrono;
  const sys_days day = floor<days>(t);  // floor: instants before 1970 format correctly too
  const year_month_day date(day);
  const hh_mm_ss<milliseconds> time(t - day);
  char buffer[32];
  const auto put = [&buffer](int at, int width, long long value) {
    for (int i = at + width - 1; i >= at; --i, value /= 10) {
      buffer[i] = static_cast<char>('0' + value % 10);
    }
  };
  const int year = static_cast<int>(date.year());
  if (year < 0 || year > 9999) return FormatTimestampOutsideYears(t);
  put(0, 4, year);
  buffer[4] = '-';
  put(5, 2, static_cast<unsigned>(date.month()));
  buffer[7] = '-';
  put(8, 2, static_cast<unsigned>(date.day()));
  buffer[10] = 'T';
  put(11, 2, time.hours().count());
  buffer[13] = ':';
  put(14, 2, time.minutes().count());
  buffer[16] = ':';
  put(17, 2, time.seconds().count());
  buffer[19] = '.';
  put(20, 3, time.subseconds().count());
  buffer[23] = 'Z';
  return std::string(buffer, 24);
}

}  // namespace fr
