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

}  // namespace

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
