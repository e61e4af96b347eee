// The buckets of call reports (decision 0061): local days, hours and weeks of an IANA zone,
// across the days Europe/Berlin changes to and from summer time, a zone half an hour off UTC,
// periods cut at their ends, and the limits on a period's length.
#include "domain/call_log/call_report.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace fr {
namespace {

using std::chrono::hours;

Timestamp Utc(const std::string& text) {
  const auto parsed = ParseTimestamp(text);
  EXPECT_TRUE(parsed.has_value()) << text;
  return parsed.value_or(Timestamp{});
}

std::vector<ReportBucketRange> Buckets(const std::string& from, const std::string& to,
                                       ReportBucket bucket, const std::string& zone) {
  const auto from_at = ParseReportTime(from, zone);
  const auto to_at = ParseReportTime(to, zone);
  EXPECT_TRUE(from_at && to_at) << from << " " << to << " " << zone;
  if (!from_at || !to_at) return {};
  const auto buckets = ReportBuckets({*from_at, *to_at, bucket, zone});
  EXPECT_TRUE(buckets.ok()) << (buckets.ok() ? "" : buckets.error().detail);
  return buckets.ok() ? *buckets : std::vector<ReportBucketRange>{};
}

std::vector<std::string> LocalStarts(const std::vector<ReportBucketRange>& buckets) {
  std::vector<std::string> starts;
  for (const auto& bucket : buckets) starts.push_back(bucket.local_start);
  return starts;
}

TEST(CallReportBucketsTest, ADayWhenSummerTimeBeginsHasTwentyThreeHours) {
  const auto days = Buckets("2026-03-28", "2026-03-31", ReportBucket::kDay, "Europe/Berlin");
  ASSERT_EQ(days.size(), 3u);
  EXPECT_EQ(LocalStarts(days),
            (std::vector<std::string>{"2026-03-28T00:00:00+01:00", "2026-03-29T00:00:00+01:00",
                                      "2026-03-30T00:00:00+02:00"}));
  EXPECT_EQ(days[0].start, Utc("2026-03-27T23:00:00Z"));
  EXPECT_EQ(days[1].end - days[1].start, hours(23));
  EXPECT_EQ(days[2].end, Utc("2026-03-30T22:00:00Z"));
}

TEST(CallReportBucketsTest, HourBucketsOnTheDaysTheClocksChange) {
  const auto spring = Buckets("2026-03-29", "2026-03-30", ReportBucket::kHour, "Europe/Berlin");
  ASSERT_EQ(spring.size(), 23u);
  EXPECT_EQ(spring[1].local_start, "2026-03-29T01:00:00+01:00");
  EXPECT_EQ(spring[2].local_start, "2026-03-29T03:00:00+02:00");  // 02:00 never happened

  const auto autumn = Buckets("2026-10-25", "2026-10-26", ReportBucket::kHour, "Europe/Berlin");
  ASSERT_EQ(autumn.size(), 25u);
  EXPECT_EQ(autumn[2].local_start, "2026-10-25T02:00:00+02:00");
  EXPECT_EQ(autumn[3].local_start, "2026-10-25T02:00:00+01:00");  // the hour that came twice
  for (const auto& bucket : autumn) EXPECT_EQ(bucket.end - bucket.start, hours(1));
}

TEST(CallReportBucketsTest, HoursFollowTheZonesWallClockHalfAnHourOffUtc) {
  const auto buckets = Buckets("2026-06-01", "2026-06-02", ReportBucket::kHour, "Asia/Kolkata");
  ASSERT_EQ(buckets.size(), 24u);
  EXPECT_EQ(buckets[0].start, Utc("2026-05-31T18:30:00Z"));
  EXPECT_EQ(buckets[1].start, Utc("2026-05-31T19:30:00Z"));
}

TEST(CallReportBucketsTest, WeeksStartOnMondayAndThePeriodCutsTheEnds) {
  // Wednesday 2026-03-04 10:00 to Friday 2026-03-20 12:00, UTC.
  const auto weeks =
      Buckets("2026-03-04T10:00:00Z", "2026-03-20T12:00:00Z", ReportBucket::kWeek, "UTC");
  ASSERT_EQ(weeks.size(), 3u);
  EXPECT_EQ(weeks[0].start, Utc("2026-03-04T10:00:00Z"));
  EXPECT_EQ(weeks[0].end, Utc("2026-03-09T00:00:00Z"));
  EXPECT_EQ(weeks[1].end, Utc("2026-03-16T00:00:00Z"));
  EXPECT_EQ(weeks[2].end, Utc("2026-03-20T12:00:00Z"));
  EXPECT_EQ(weeks[0].local_start, "2026-03-04T10:00:00+00:00");
}

TEST(CallReportBucketsTest, PeriodsTooLongOrEmptyAreRefusedNamingTheField) {
  const Timestamp from = Utc("2026-01-01T00:00:00Z");
  struct Case {
    Timestamp to;
    ReportBucket bucket;
    std::string zone;
    std::string field;
  };
  const std::vector<Case> refused = {
      {from + std::chrono::days(32), ReportBucket::kHour, "UTC", "to"},
      {from + std::chrono::days(367), ReportBucket::kDay, "UTC", "to"},
      {from + std::chrono::days(732), ReportBucket::kWeek, "UTC", "to"},
      {from, ReportBucket::kDay, "UTC", "to"},
      {from - hours(1), ReportBucket::kDay, "UTC", "to"},
      {from + std::chrono::days(1), ReportBucket::kDay, "Mars/Olympus_Mons", "timeZone"},
  };
  for (const Case& c : refused) {
    const auto buckets = ReportBuckets({from, c.to, c.bucket, c.zone});
    ASSERT_FALSE(buckets.ok()) << ReportBucketName(c.bucket) << " " << c.zone;
    EXPECT_EQ(buckets.error().code, ErrorCode::kInvalidArgument);
    ASSERT_EQ(buckets.error().field_errors.size(), 1u);
    EXPECT_EQ(buckets.error().field_errors[0].field, c.field);
  }
  // The longest of each, with the summer-time hour of a year of Berlin days.
  EXPECT_TRUE(ReportBuckets({from, from + std::chrono::days(31), ReportBucket::kHour, "UTC"}).ok());
  const auto year = ReportBuckets({*ParseReportTime("2026-01-01", "Europe/Berlin"),
                                   *ParseReportTime("2027-01-02", "Europe/Berlin"),
                                   ReportBucket::kDay, "Europe/Berlin"});
  ASSERT_TRUE(year.ok());
  EXPECT_EQ(year->size(), 366u);
}

TEST(CallReportBucketsTest, ReportTimesAreLocalDatesOrRfc3339) {
  EXPECT_EQ(ParseReportTime("2026-07-01", "Europe/Berlin"), Utc("2026-06-30T22:00:00Z"));
  EXPECT_EQ(ParseReportTime("2026-07-01T12:00:00+02:00", "Europe/Berlin"),
            Utc("2026-07-01T10:00:00Z"));
  EXPECT_FALSE(ParseReportTime("2026-02-30", "UTC").has_value());
  EXPECT_FALSE(ParseReportTime("yesterday", "UTC").has_value());
  EXPECT_FALSE(ParseReportTime("2026-07-01", "Nowhere/Else").has_value());
}

TEST(CallReportBucketsTest, TheAnswerRateLeavesOutCallsNoAgentCouldTake) {
  CallBucketTotals totals;
  const auto set = [&totals](CallOutcome outcome, std::int64_t calls) {
    totals.by_outcome[static_cast<std::size_t>(outcome)] = calls;
  };
  EXPECT_FALSE(AnswerRate(totals).has_value());
  set(CallOutcome::kAnswered, 3);
  set(CallOutcome::kMissed, 1);
  set(CallOutcome::kBlocked, 5);
  set(CallOutcome::kClosed, 7);
  totals.in_progress = 2;
  EXPECT_EQ(TotalCalls(totals), 18);
  EXPECT_DOUBLE_EQ(*AnswerRate(totals), 0.75);
}

}  // namespace
}  // namespace fr
