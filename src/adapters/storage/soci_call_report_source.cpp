#include "adapters/storage/soci_call_report_source.hpp"

#include <algorithm>
#include <map>
#include <string>

#include "adapters/storage/call_report_slots.hpp"
#include "adapters/storage/row_reader.hpp"

namespace fr {
namespace {

// A report reads the rollups that the triggers of migration 0023 keep beside the call logs and
// telephone records, never writes anything: its SQL is kept apart from the call-log
// repository's, as a read model of that aggregate (decision 0061). A bucket's whole 15-minute
// slots come from the rollups; the parts of a bucket that do not fill a slot (a period cut at
// an odd minute, a zone whose offset is not a multiple of 15 minutes), the times of a slot
// marked stale, and the calls still open are read from call_logs, a few rows each.

// Closed calls per slot and outcome ('' for none: closed by a path that set no outcome).
constexpr const char* kOutcomesBySlot =
    "SELECT slot, outcome, calls FROM call_report_outcomes"
    " WHERE hotline_id = :hotline AND slot >= :first AND slot < :end";
// The answered calls' waits and talk times per slot, as lists of milliseconds.
constexpr const char* kTimesBySlot =
    "SELECT slot, stale, waits, talks FROM call_report_times"
    " WHERE hotline_id = :hotline AND slot >= :first AND slot < :end";
// The closed calls of a part of a bucket, read through the index call_logs_for_reports.
constexpr const char* kClosedCalls =
    "SELECT start_time, COALESCE(outcome, ''), answered_at, end_time FROM call_logs"
    " WHERE hotline_id = :hotline AND start_time >= :lo AND start_time < :hi"
    " AND end_time IS NOT NULL";
// The calls in progress, through the partial index call_logs_open_by_hotline; the report keeps
// those of its period.
constexpr const char* kOpenCalls =
    "SELECT start_time, COALESCE(outcome, '') FROM call_logs"
    " WHERE hotline_id = :hotline AND end_time IS NULL";
// The legs that rang agents: whole UTC days from the rollup, the edges of the period from the
// legs themselves; a leg still ringing has no disposition yet.
constexpr const char* kAgentDays =
    "SELECT user_id, disposition, SUM(legs) FROM call_report_agent_days"
    " WHERE hotline_id = :hotline AND day >= :first AND day < :end"
    " GROUP BY user_id, disposition";
constexpr const char* kAgentLegs =
    "SELECT user_id, disposition, COUNT(*) FROM telephone_records"
    " WHERE hotline_id = :hotline AND start_time >= :from AND start_time < :to"
    " AND user_id IS NOT NULL AND disposition IS NOT NULL GROUP BY user_id, disposition";

// A report in the making: per bucket its counts and its answered calls' times, and which
// whole slots the rollups answer for each bucket.
class BucketAccumulator {
 public:
  explicit BucketAccumulator(std::span<const ReportBucketRange> buckets)
      : totals_(buckets.size()), waits_(buckets.size()), talks_(buckets.size()) {
    for (std::size_t i = 0; i < buckets.size(); ++i) {
      const MillisRange range{ToEpochMillis(buckets[i].start), ToEpochMillis(buckets[i].end)};
      starts_.push_back(range.lo);
      ends_.push_back(range.hi);
      UnitSplit split = SplitIntoUnits(range, kReportSlotMs);
      first_slots_.push_back(split.first_unit);
      end_slots_.push_back(split.end_unit);
      for (const MillisRange& edge : split.edges) edges_.push_back({edge, i});
    }
  }

  struct Part {
    MillisRange range;
    std::size_t bucket;
  };
  // The parts of buckets that fill no whole slot.
  const std::vector<Part>& edges() const { return edges_; }
  // The whole slots of all buckets lie in [first_slot(), end_slot()).
  std::int64_t first_slot() const {
    return *std::min_element(first_slots_.begin(), first_slots_.end());
  }
  std::int64_t end_slot() const { return *std::max_element(end_slots_.begin(), end_slots_.end()); }

  // The bucket whose whole slots include `slot`; nullopt when its calls are read as an edge.
  std::optional<std::size_t> BucketOfSlot(std::int64_t slot) const {
    return Find(first_slots_, end_slots_, slot);
  }
  // The bucket of a call that started at `start_ms`; nullopt outside the report.
  std::optional<std::size_t> BucketOf(std::int64_t start_ms) const {
    return Find(starts_, ends_, start_ms);
  }

  void AddCalls(std::size_t bucket, const std::string& outcome, long long calls) {
    if (const auto parsed = ParseCallOutcome(outcome)) {
      // The outcomes added after the report's (voicemail, forwarded) have no column yet: they
      // must not write past the array.
      const auto index = static_cast<std::size_t>(*parsed);
      if (index < kReportedOutcomes) totals_[bucket].by_outcome[index] += calls;
    } else {
      totals_[bucket].in_progress += calls;  // no outcome
    }
  }
  void AddTimes(std::size_t bucket, long long wait, long long talk) {
    waits_[bucket].push_back(wait);
    talks_[bucket].push_back(talk);
  }
  // A rollup's lists; false, having added nothing, when one is malformed.
  bool AddListedTimes(std::size_t bucket, const std::string& waits, const std::string& talks) {
    const std::size_t had_waits = waits_[bucket].size(), had_talks = talks_[bucket].size();
    if (AppendListedMillis(waits, waits_[bucket]) && AppendListedMillis(talks, talks_[bucket]) &&
        waits_[bucket].size() - had_waits == talks_[bucket].size() - had_talks) {
      return true;
    }
    waits_[bucket].resize(had_waits);
    talks_[bucket].resize(had_talks);
    return false;
  }

  std::vector<CallBucketTotals> Finish() {
    for (std::size_t i = 0; i < totals_.size(); ++i) {
      totals_[i].median_ms_to_answer = NearestRank(waits_[i], 50);
      totals_[i].p90_ms_to_answer = NearestRank(waits_[i], 90);
      totals_[i].median_talk_ms = NearestRank(talks_[i], 50);
    }
    return std::move(totals_);
  }

 private:
  // The i with firsts[i] <= value < ends[i]; the ranges are in order and do not overlap.
  static std::optional<std::size_t> Find(const std::vector<std::int64_t>& firsts,
                                         const std::vector<std::int64_t>& ends,
                                         std::int64_t value) {
    const auto after = std::upper_bound(firsts.begin(), firsts.end(), value);
    if (after == firsts.begin()) return std::nullopt;
    const auto i = static_cast<std::size_t>(after - firsts.begin() - 1);
    if (value >= ends[i]) return std::nullopt;
    return i;
  }

  std::vector<CallBucketTotals> totals_;
  std::vector<std::vector<std::int64_t>> waits_, talks_;
  std::vector<std::int64_t> starts_, ends_, first_slots_, end_slots_;
  std::vector<Part> edges_;
};

// Reads the closed calls of `part` from call_logs: their counts unless `times_only`, and the
// answered ones' times.
void AddClosedCalls(soci::session& session, long long hotline, const BucketAccumulator::Part& part,
                    bool times_only, BucketAccumulator& report) {
  using CallRow = std::tuple<long long, std::string, Nullable<long long>, long long>;
  soci::statement statement = OneUseStatement(session, kClosedCalls);
  CallRow row;
  long long lo = part.range.lo, hi = part.range.hi;
  ForEachRow(
      statement, row,
      [&](const CallRow& call) {
        const auto& [start, outcome, answered_at, end] = call;
        if (!times_only) report.AddCalls(part.bucket, outcome, 1);
        if (outcome == "answered" && !answered_at.is_null()) {
          report.AddTimes(part.bucket, answered_at.value - start, end - answered_at.value);
        }
      },
      hotline, lo, hi);
}

// Adds what the rollups hold for the buckets' whole slots; the stale slots' times are read from
// the calls.
void AddRollups(soci::session& session, long long hotline, BucketAccumulator& report) {
  long long first = report.first_slot(), end = report.end_slot();
  if (first >= end) return;
  using OutcomeRow = std::tuple<long long, std::string, long long>;
  soci::statement outcomes = OneUseStatement(session, kOutcomesBySlot);
  OutcomeRow outcome_row;
  ForEachRow(
      outcomes, outcome_row,
      [&](const OutcomeRow& row) {
        const auto& [slot, outcome, calls] = row;
        if (const auto bucket = report.BucketOfSlot(slot)) report.AddCalls(*bucket, outcome, calls);
      },
      hotline, first, end);
  using TimesRow = std::tuple<long long, int, std::string, std::string>;
  soci::statement times = OneUseStatement(session, kTimesBySlot);
  TimesRow times_row;
  std::vector<BucketAccumulator::Part> stale;
  ForEachRow(
      times, times_row,
      [&](const TimesRow& row) {
        const auto& [slot, is_stale, waits, talks] = row;
        const auto bucket = report.BucketOfSlot(slot);
        if (!bucket) return;
        if (is_stale != 0 || !report.AddListedTimes(*bucket, waits, talks)) {
          stale.push_back({{slot * kReportSlotMs, (slot + 1) * kReportSlotMs}, *bucket});
        }
      },
      hotline, first, end);
  for (const auto& part : stale) AddClosedCalls(session, hotline, part, true, report);
}

void AddOpenCalls(soci::session& session, long long hotline, BucketAccumulator& report) {
  using OpenRow = std::tuple<long long, std::string>;
  soci::statement statement = OneUseStatement(session, kOpenCalls);
  OpenRow open_row;
  ForEachRow(
      statement, open_row,
      [&](const OpenRow& row) {
        const auto& [start, outcome] = row;
        if (const auto bucket = report.BucketOf(start)) report.AddCalls(*bucket, outcome, 1);
      },
      hotline);
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

// Adds the rows (user, disposition, legs) of `sql` run with `parameters` to `agents`.
template <typename... Parameters>
void AddAgentRows(soci::session& session, const char* sql,
                  std::map<long long, AgentCallTotals>& agents, Parameters&&... parameters) {
  using LegRow = std::tuple<long long, std::string, long long>;
  soci::statement statement = OneUseStatement(session, sql);
  LegRow leg_row;
  ForEachRow(
      statement, leg_row,
      [&agents](const LegRow& row) {
        const auto& [user, disposition, legs] = row;
        auto [at, added] = agents.try_emplace(user, AgentCallTotals{UserId(user)});
        AddAgentCount(at->second, disposition, legs);
      },
      parameters...);
}

// Inside a transaction just begun: its reads see one state of the database, so that a call
// closed meanwhile is counted once, in the rollups or as open. SQLite's read transaction does
// so already; PostgreSQL's default (read committed) takes a snapshot per statement.
void ReadOneSnapshot(soci::session& session, Dialect dialect) {
  if (dialect == Dialect::kPostgresql) {
    session << "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY";
  }
}

}  // namespace

Result<std::vector<CallBucketTotals>> SociCallReportSource::BucketTotals(
    HotlineId hotline, std::span<const ReportBucketRange> buckets) {
  return database_.Run("compute a call report", [&](soci::session& session) {
    soci::transaction snapshot(session);
    ReadOneSnapshot(session, database_.dialect());
    BucketAccumulator report(buckets);
    AddRollups(session, hotline.value, report);
    for (const auto& edge : report.edges())
      AddClosedCalls(session, hotline.value, edge, false, report);
    AddOpenCalls(session, hotline.value, report);
    snapshot.commit();
    return report.Finish();
  });
}

Result<std::vector<AgentCallTotals>> SociCallReportSource::AgentTotals(HotlineId hotline,
                                                                       Timestamp from,
                                                                       Timestamp to) {
  return database_.Run("compute a call report's agents", [&](soci::session& session) {
    std::map<long long, AgentCallTotals> agents;
    long long id = hotline.value;
    const UnitSplit split = SplitIntoUnits({ToEpochMillis(from), ToEpochMillis(to)}, kReportDayMs);
    soci::transaction snapshot(session);
    ReadOneSnapshot(session, database_.dialect());
    if (split.first_unit < split.end_unit) {
      long long first = split.first_unit, end = split.end_unit;
      AddAgentRows(session, kAgentDays, agents, id, first, end);
    }
    for (const MillisRange& edge : split.edges) {
      long long lo = edge.lo, hi = edge.hi;
      AddAgentRows(session, kAgentLegs, agents, id, lo, hi);
    }
    snapshot.commit();
    std::vector<AgentCallTotals> sorted;
    for (auto& [user, totals] : agents) sorted.push_back(totals);
    return sorted;
  });
}

}  // namespace fr
