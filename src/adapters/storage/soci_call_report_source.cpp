#include "adapters/storage/soci_call_report_source.hpp"

#include <string>

#include "adapters/storage/row_reader.hpp"

namespace fr {
namespace {

// A report reads the call logs and telephone records, never writes them: its SQL is kept
// apart from the call-log repository's, as a read model of that aggregate (decision 0061).
// Each query starts from the report's buckets as a table, "WITH buckets (i, lo, hi) AS
// (VALUES …)", built from the bucket bounds (epoch milliseconds the service computed, never
// client text), so that both dialects group a period's calls in one pass over the index
// call_logs_for_reports, whatever the zone's DST does to the buckets' lengths.

// Calls per bucket and outcome; an open call has none yet.
constexpr const char* kCountByOutcome =
    " SELECT b.i, COALESCE(c.outcome, ''), COUNT(*) FROM buckets b JOIN call_logs c"
    " ON c.hotline_id = :hotline AND c.start_time >= b.lo AND c.start_time < b.hi"
    " GROUP BY b.i, c.outcome";
// Nearest-rank percentiles of the answered calls' waits and talk times, per bucket: the value
// ranked ceil(p·n) in its bucket, written (n + 1) / 2 and (9n + 9) / 10 in integer division.
constexpr const char* kAnswerTimes =
    ", answered AS (SELECT b.i, c.answered_at - c.start_time AS wait,"
    " c.end_time - c.answered_at AS talk FROM buckets b JOIN call_logs c"
    " ON c.hotline_id = :hotline AND c.start_time >= b.lo AND c.start_time < b.hi"
    " WHERE c.outcome = 'answered' AND c.answered_at IS NOT NULL AND c.end_time IS NOT NULL),"
    " ranked AS (SELECT i, wait, talk, ROW_NUMBER() OVER (PARTITION BY i ORDER BY wait) AS by_wait,"
    " ROW_NUMBER() OVER (PARTITION BY i ORDER BY talk) AS by_talk,"
    " COUNT(*) OVER (PARTITION BY i) AS n FROM answered)"
    " SELECT i, MAX(CASE WHEN by_wait = (n + 1) / 2 THEN wait END),"
    " MAX(CASE WHEN by_wait = (9 * n + 9) / 10 THEN wait END),"
    " MAX(CASE WHEN by_talk = (n + 1) / 2 THEN talk END) FROM ranked GROUP BY i";
// What became of the legs that rang each agent; a leg still ringing has no disposition yet.
constexpr const char* kAgentLegs =
    "SELECT user_id, disposition, COUNT(*) FROM telephone_records"
    " WHERE hotline_id = :hotline AND start_time >= :from AND start_time < :to"
    " AND user_id IS NOT NULL AND disposition IS NOT NULL GROUP BY user_id, disposition"
    " ORDER BY user_id";

std::string BucketsTable(std::span<const ReportBucketRange> buckets) {
  std::string sql = "WITH buckets (i, lo, hi) AS (VALUES ";
  for (std::size_t i = 0; i < buckets.size(); ++i) {
    if (i > 0) sql += ", ";
    sql += "(" + std::to_string(i) + ", " + std::to_string(ToEpochMillis(buckets[i].start)) + ", " +
           std::to_string(ToEpochMillis(buckets[i].end)) + ")";
  }
  return sql + ")";
}

void AddOutcomeCount(CallBucketTotals& totals, const std::string& outcome, long long calls) {
  if (const auto parsed = ParseCallOutcome(outcome)) {
    totals.by_outcome[static_cast<std::size_t>(*parsed)] += calls;
  } else {
    totals.in_progress += calls;  // no outcome yet
  }
}

void AddAgentCount(AgentCallTotals& totals, const std::string& disposition, long long legs) {
  switch (ParseLegDisposition(disposition).value_or(LegDisposition::kFailed)) {
    case LegDisposition::kAnswered:
      totals.answered += legs;
      break;
    case LegDisposition::kBusy:
      totals.declined += legs;
      break;
    case LegDisposition::kNoAnswer:
      totals.not_answered += legs;
      break;
    case LegDisposition::kNotConfirmed:
      totals.not_confirmed += legs;
      break;
    case LegDisposition::kCancelled:  // stopped because the call ended or another agent took it
    case LegDisposition::kFailed:     // the phone could not be reached: not the agent's doing
      break;
  }
}

}  // namespace

Result<std::vector<CallBucketTotals>> SociCallReportSource::BucketTotals(
    HotlineId hotline, std::span<const ReportBucketRange> buckets) {
  const std::string table = BucketsTable(buckets);
  return database_.Run("compute a call report", [&](soci::session& session) {
    std::vector<CallBucketTotals> totals(buckets.size());
    long long id = hotline.value;
    using CountRow = std::tuple<long long, std::string, long long>;
    soci::statement counts = OneUseStatement(session, table + kCountByOutcome);
    CountRow count_row;
    ForEachRow(
        counts, count_row,
        [&totals](const CountRow& row) {
          const auto& [bucket, outcome, calls] = row;
          AddOutcomeCount(totals.at(static_cast<std::size_t>(bucket)), outcome, calls);
        },
        id);
    using TimesRow =
        std::tuple<long long, Nullable<long long>, Nullable<long long>, Nullable<long long>>;
    soci::statement times = OneUseStatement(session, table + kAnswerTimes);
    TimesRow times_row;
    ForEachRow(
        times, times_row,
        [&totals](const TimesRow& row) {
          const auto& [bucket, median_wait, p90_wait, median_talk] = row;
          CallBucketTotals& into = totals.at(static_cast<std::size_t>(bucket));
          into.median_ms_to_answer = median_wait.ToOptional();
          into.p90_ms_to_answer = p90_wait.ToOptional();
          into.median_talk_ms = median_talk.ToOptional();
        },
        id);
    return totals;
  });
}

Result<std::vector<AgentCallTotals>> SociCallReportSource::AgentTotals(HotlineId hotline,
                                                                       Timestamp from,
                                                                       Timestamp to) {
  return database_.Run("compute a call report's agents", [&](soci::session& session) {
    std::vector<AgentCallTotals> agents;
    long long id = hotline.value, lo = ToEpochMillis(from), hi = ToEpochMillis(to);
    using LegRow = std::tuple<long long, std::string, long long>;
    soci::statement statement = OneUseStatement(session, kAgentLegs);
    LegRow leg_row;
    ForEachRow(
        statement, leg_row,
        [&agents](const LegRow& row) {
          const auto& [user, disposition, legs] = row;
          if (agents.empty() || agents.back().user.value != user) {
            agents.push_back(AgentCallTotals{UserId(user)});
          }
          AddAgentCount(agents.back(), disposition, legs);
        },
        id, lo, hi);
    return agents;
  });
}

}  // namespace fr
