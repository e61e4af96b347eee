#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/ids.hpp"
#include "common/result.hpp"
#include "domain/call_log/call_log.hpp"

namespace fr {

// Reports over a hotline's calls (issue #16 §3, decision 0061): per bucket of local time the
// calls by outcome and how fast and how long they were answered, and per agent what became
// of the calls their phones were offered.

enum class ReportBucket { kHour, kDay, kWeek };
const char* ReportBucketName(ReportBucket bucket);  // "hour", "day", "week"
std::optional<ReportBucket> ParseReportBucket(std::string_view name);

// One bucket: calls that started in [start, end). `local_start` is its start as the zone's
// wall clock with the offset then in force ("2026-03-29T00:00:00+01:00").
struct ReportBucketRange {
  Timestamp start;
  Timestamp end;
  std::string local_start;
};

// A report's period. The longest spans, past which ReportBuckets refuses: 31 days of hour
// buckets, 366 days of day buckets, 731 days of week buckets (each an hour more for a DST
// change inside).
struct ReportPeriod {
  Timestamp from;  // inclusive
  Timestamp to;    // exclusive
  ReportBucket bucket = ReportBucket::kDay;
  std::string time_zone = "UTC";  // IANA name
};

// `text` as a report bound: a date "YYYY-MM-DD" is that day's first instant in `time_zone`
// (the instant the clocks jump to, when midnight does not exist that day), anything else an
// RFC 3339 date-time. nullopt when neither, or when the zone is unknown.
std::optional<Timestamp> ParseReportTime(std::string_view text, const std::string& time_zone);

// Whether the system's time zone database knows `time_zone`.
bool IsKnownTimeZone(const std::string& time_zone);

// The buckets of `period`, in order: each starts at a boundary of the zone's wall clock (the
// hour, midnight, Monday midnight), the first and the last cut to the period. A day with a DST
// change has 23 or 25 hour buckets, and its day bucket is 23 or 25 hours long.
// Errors: kInvalidArgument, naming the field ("timeZone", "to"), for an unknown zone, an empty
// or reversed period, or one longer than the bucket allows.
Result<std::vector<ReportBucketRange>> ReportBuckets(const ReportPeriod& period);

// The outcomes a report counts, in the order of CallOutcome; an open call counts as in progress.
inline constexpr std::size_t kReportedOutcomes =
    static_cast<std::size_t>(CallOutcome::kForwarded) + 1;

// What the storage computes for one bucket.
struct CallBucketTotals {
  std::array<std::int64_t, kReportedOutcomes> by_outcome{};  // indexed by CallOutcome
  std::int64_t in_progress = 0;
  // Over the answered calls: milliseconds from the call's start until it was bridged to an
  // agent, and from then to the call's end (nearest-rank percentiles: the smallest value that
  // at least that share of the calls do not exceed). Empty when no call was answered.
  std::optional<std::int64_t> median_ms_to_answer;
  std::optional<std::int64_t> p90_ms_to_answer;
  std::optional<std::int64_t> median_talk_ms;
};

// What became of the legs that rang one agent's phones in the period (by the leg's start).
struct AgentCallTotals {
  UserId user;
  std::int64_t answered = 0;       // the agent took the call
  std::int64_t declined = 0;       // the phone refused it (busy, decline)
  std::int64_t not_answered = 0;   // it rang until the ring timeout, or gave up unanswered
  std::int64_t not_confirmed = 0;  // answered but did not press 1 (confirmAnswer)
};

struct CallReport {
  ReportPeriod period;
  std::vector<ReportBucketRange> buckets;
  std::vector<CallBucketTotals> totals;  // one per bucket, same order
  std::vector<AgentCallTotals> agents;   // by user id
};

// All calls of a bucket; answered / (all − blocked − closed − in progress): the share of the
// calls the hotline could take that an agent took. Empty when there were none.
std::int64_t TotalCalls(const CallBucketTotals& totals);
std::optional<double> AnswerRate(const CallBucketTotals& totals);

// Port: the report's numbers, computed by the store. Thread-safe. Errors: kUnavailable,
// kInternal.
class CallReportSource {
 public:
  virtual ~CallReportSource() = default;
  // Totals per bucket of `hotline`'s calls by their start time (one per bucket, in order), and
  // per agent over [buckets.front().start, buckets.back().end). `buckets` is not empty.
  virtual Result<std::vector<CallBucketTotals>> BucketTotals(
      HotlineId hotline, std::span<const ReportBucketRange> buckets) = 0;
  virtual Result<std::vector<AgentCallTotals>> AgentTotals(HotlineId hotline, Timestamp from,
                                                           Timestamp to) = 0;
};

}  // namespace fr
