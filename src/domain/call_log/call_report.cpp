#include "domain/call_log/call_report.hpp"

#include <date/tz.h>

#include <sstream>
#include <stdexcept>

namespace fr {
namespace {

using std::chrono::hours;

// The zone, or nullptr when the system's database does not know it (locate_zone throws).
const date::time_zone* FindZone(const std::string& name) {
  if (name.empty()) return nullptr;
  try {
    return date::locate_zone(name);
  } catch (const std::runtime_error&) {
    return nullptr;
  }
}

// The longest period each bucket allows: an hour more, so that a DST change inside a period
// of whole local days does not tip it over.
hours LongestPeriod(ReportBucket bucket) {
  switch (bucket) {
    case ReportBucket::kHour:
      return date::days(31) + hours(1);
    case ReportBucket::kDay:
      return date::days(366) + hours(1);
    case ReportBucket::kWeek:
      return date::days(731) + hours(1);
  }
  return hours(0);
}

const char* LongestPeriodText(ReportBucket bucket) {
  switch (bucket) {
    case ReportBucket::kHour:
      return "must be at most 31 days after from for hour buckets";
    case ReportBucket::kDay:
      return "must be at most 366 days after from for day buckets";
    case ReportBucket::kWeek:
      return "must be at most 731 days after from for week buckets";
  }
  return "";
}

// The instant local time `local` names: the earlier one when the clocks go back, the moment
// they jump when it does not exist.
Timestamp ToInstant(const date::time_zone& zone, date::local_seconds local) {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(
      zone.to_sys(local, date::choose::earliest));
}

std::string LocalText(const date::time_zone& zone, Timestamp at) {
  const auto seconds = date::floor<std::chrono::seconds>(at);
  return date::format("%FT%T%Ez", date::zoned_time<std::chrono::seconds>(&zone, seconds));
}

// The wall-clock boundary at or before `local` where a bucket starts.
date::local_seconds BucketFloor(ReportBucket bucket, date::local_seconds local) {
  const date::local_days day = date::floor<date::days>(local);
  switch (bucket) {
    case ReportBucket::kHour:
      return date::floor<hours>(local);
    case ReportBucket::kDay:
      return day;
    case ReportBucket::kWeek:
      // date::weekday counts from Sunday (0); weeks start on Monday (ISO 8601).
      return day - date::days((date::weekday(day).c_encoding() + 6) % 7);
  }
  return local;
}

}  // namespace

const char* ReportBucketName(ReportBucket bucket) {
  switch (bucket) {
    case ReportBucket::kHour:
      return "hour";
    case ReportBucket::kDay:
      return "day";
    case ReportBucket::kWeek:
      return "week";
  }
  return "day";
}

std::optional<ReportBucket> ParseReportBucket(std::string_view name) {
  for (const ReportBucket bucket : {ReportBucket::kHour, ReportBucket::kDay, ReportBucket::kWeek}) {
    if (name == ReportBucketName(bucket)) return bucket;
  }
  return std::nullopt;
}

bool IsKnownTimeZone(const std::string& time_zone) { return FindZone(time_zone) != nullptr; }

std::optional<Timestamp> ParseReportTime(std::string_view text, const std::string& time_zone) {
  const date::time_zone* zone = FindZone(time_zone);
  if (!zone) return std::nullopt;
  if (text.size() == 10) {
    date::local_days day;
    std::istringstream in{std::string(text)};
    in >> date::parse("%F", day);
    if (in.fail() || in.peek() != std::char_traits<char>::eof()) return std::nullopt;
    return ToInstant(*zone, day);
  }
  return ParseTimestamp(text);
}

Result<std::vector<ReportBucketRange>> ReportBuckets(const ReportPeriod& period) {
  const date::time_zone* zone = FindZone(period.time_zone);
  if (!zone) {
    return Error::InvalidArgument(
        "The report's period is invalid.",
        {{"timeZone", "must be an IANA time zone such as Europe/Berlin"}});
  }
  if (period.to <= period.from) {
    return Error::InvalidArgument("The report's period is invalid.",
                                  {{"to", "must be later than from"}});
  }
  if (period.to - period.from > LongestPeriod(period.bucket)) {
    return Error::InvalidArgument("The report's period is too long.",
                                  {{"to", LongestPeriodText(period.bucket)}});
  }
  std::vector<ReportBucketRange> buckets;
  const auto from_local = zone->to_local(date::floor<std::chrono::seconds>(period.from));
  date::local_seconds local = BucketFloor(period.bucket, from_local);
  // Hours run on the absolute clock from the first one: the hour the clocks go back is a
  // bucket of its own, and the hour they skip none.
  Timestamp hour = ToInstant(*zone, local);
  Timestamp start = period.from;
  while (start < period.to) {
    Timestamp end;
    if (period.bucket == ReportBucket::kHour) {
      hour += hours(1);
      end = hour;
    } else {
      local = BucketFloor(period.bucket,
                          local + date::days(period.bucket == ReportBucket::kDay ? 1 : 7));
      end = ToInstant(*zone, local);
    }
    if (end > period.to) end = period.to;
    if (end <= start) continue;
    buckets.push_back({start, end, LocalText(*zone, start)});
    start = end;
  }
  return buckets;
}

std::int64_t TotalCalls(const CallBucketTotals& totals) {
  std::int64_t total = totals.in_progress;
  for (const std::int64_t calls : totals.by_outcome) total += calls;
  return total;
}

std::optional<double> AnswerRate(const CallBucketTotals& totals) {
  const auto count = [&totals](CallOutcome outcome) {
    return totals.by_outcome[static_cast<std::size_t>(outcome)];
  };
  const std::int64_t offered = TotalCalls(totals) - totals.in_progress -
                               count(CallOutcome::kBlocked) - count(CallOutcome::kClosed);
  if (offered <= 0) return std::nullopt;
  return static_cast<double>(count(CallOutcome::kAnswered)) / static_cast<double>(offered);
}

}  // namespace fr
