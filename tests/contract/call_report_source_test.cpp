// Call reports from the rollups (migration 0023, decision 0061) on SQLite and PostgreSQL: a few
// hundred calls and legs with random outcomes and timings are written through the call-event
// writer, and every report, over buckets on and off the rollups' 15-minute slots, must give
// what the fed calls give when counted and ranked here, in memory; and again after a retention
// purge, an organisation's retention purge, the recovery of interrupted calls and the deletion
// of a hotline, which the rollups must follow; and from the rollups that migration 0023 back-fills
// from the calls stored before it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <random>

#include "adapters/storage/migrations.hpp"
#include "adapters/storage/row_reader.hpp"
#include "adapters/storage/soci_call_log_repository.hpp"
#include "adapters/storage/soci_call_report_source.hpp"
#include "adapters/storage/soci_hotline_repository.hpp"
#include "adapters/storage/soci_identity_repositories.hpp"
#include "contract/storage_backends.hpp"

namespace fr {
namespace {

constexpr std::int64_t kMinute = 60'000, kHour = 60 * kMinute, kDay = 24 * kHour;
// 2026-10-23T22:00:00Z, Berlin's midnight before the night summer time ends: the fed days.
constexpr std::int64_t kFirstDay = 1'792'792'800'000;

struct FedLeg {
  std::int64_t start = 0;
  std::int64_t user = 0;
  std::optional<LegDisposition> disposition;  // none: still ringing
};

struct FedCall {
  HotlineId hotline;
  std::int64_t start = 0, end = 0;
  std::optional<CallOutcome> outcome;  // none: in progress
  std::int64_t wait = 0, talk = 0;     // answered calls only
  std::vector<FedLeg> legs;
};

// Nearest rank computed the long way: sorted, then the value ranked ceil(p·n).
std::optional<std::int64_t> Ranked(std::vector<std::int64_t> values, double p) {
  if (values.empty()) return std::nullopt;
  std::sort(values.begin(), values.end());
  const auto rank =
      static_cast<std::size_t>(std::ceil(p * static_cast<double>(values.size()) - 1e-9));
  return values[std::max<std::size_t>(rank, 1) - 1];
}

template <typename Storage>
class CallReportSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    database_ = testing::OpenDatabase(storage_);
    organization_ = SociOrganizationRepository(*database_).Create("Org", {})->id;
    ASSERT_TRUE(SociNumberInventory(*database_)
                    .Add({"004924155660000", "004924155660001"}, "DE", "Aachen")
                    .ok());
    hotlines_ = std::make_unique<SociHotlineRepository>(*database_);
    Hotline draft;
    draft.organization_id = organization_;
    draft.name = "Notruf";
    hotline_ = hotlines_->Create(draft, {"DE", "Aachen"}, 10, FromEpochMillis(kFirstDay))->id;
    other_ = hotlines_->Create(draft, {"DE", "Aachen"}, 10, FromEpochMillis(kFirstDay))->id;
    store_ = std::make_unique<SociCallLogRepository>(*database_);
    source_ = std::make_unique<SociCallReportSource>(*database_);
  }

  // `count` calls over the three days from kFirstDay, most on hotline_, through the writer in
  // batches as the engine sends them.
  void FeedRandomCalls(int count) {
    std::mt19937_64 random(20261025);
    auto uniform = [&](std::int64_t lo, std::int64_t hi) {
      return std::uniform_int_distribution<std::int64_t>(lo, hi)(random);
    };
    std::vector<CallEvent> batch;
    for (int i = 0; i < count; ++i) {
      FedCall call;
      call.hotline = uniform(0, 9) == 0 ? other_ : hotline_;
      call.start = kFirstDay + uniform(0, 3 * kDay - 1);
      const std::int64_t kind = uniform(0, 19);
      static constexpr CallOutcome kOthers[] = {CallOutcome::kMissed,       CallOutcome::kAbandoned,
                                                CallOutcome::kBlocked,      CallOutcome::kFailed,
                                                CallOutcome::kRejectedBusy, CallOutcome::kClosed};
      if (kind < 10) {
        call.outcome = CallOutcome::kAnswered;
        call.wait = uniform(0, 60'000);
        call.talk = uniform(0, 900'000);
        call.end = call.start + call.wait + call.talk;
      } else if (kind < 19) {
        call.outcome = kOthers[uniform(0, 5)];
        call.end = call.start + uniform(0, 60'000);
      }
      for (std::int64_t leg = uniform(0, 2); leg > 0; --leg) {
        FedLeg fed{call.start + uniform(0, 3'000), 100 + uniform(0, 3), std::nullopt};
        if (call.outcome) fed.disposition = static_cast<LegDisposition>(uniform(0, 5));
        call.legs.push_back(fed);
      }
      AppendEvents(call, static_cast<std::uint64_t>(i + 1), batch);
      calls_.push_back(call);
      if (batch.size() > 200) {
        ASSERT_TRUE(store_->Write(batch).ok());
        batch.clear();
      }
    }
    ASSERT_TRUE(store_->Write(batch).ok());
  }

  static void AppendEvents(const FedCall& call, std::uint64_t n, std::vector<CallEvent>& into) {
    const CallHandle handle{n};
    into.push_back(CallOpened{handle, call.hotline, "004924112345", FromEpochMillis(call.start)});
    for (std::size_t j = 0; j < call.legs.size(); ++j) {
      const FedLeg& leg = call.legs[j];
      into.push_back(LegOpened{LegHandle{n * 10 + j}, handle, LegDirection::kOutbound,
                               "004924155660000", "004915112345678", FromEpochMillis(leg.start),
                               AgentPhoneRef{UserId(leg.user), AgentPhoneId(1)}});
    }
    std::optional<AnsweredBy> answered_by;
    if (call.outcome == CallOutcome::kAnswered) {
      answered_by = AnsweredBy{UserId(100), AgentPhoneId(1)};
      into.push_back(
          CallEntryAdded{handle,
                         {FromEpochMillis(call.start + call.wait), CallEntryType::kBridged,
                          UserId(100), AgentPhoneId(1), std::nullopt}});
    }
    if (!call.outcome) return;
    for (std::size_t j = 0; j < call.legs.size(); ++j) {
      into.push_back(LegClosed{LegHandle{n * 10 + j}, *call.legs[j].disposition, 200,
                               FromEpochMillis(call.end)});
    }
    into.push_back(CallClosed{handle, *call.outcome, answered_by, FromEpochMillis(call.end)});
  }

  std::vector<CallBucketTotals> Expected(HotlineId hotline,
                                         const std::vector<ReportBucketRange>& buckets) const {
    std::vector<CallBucketTotals> expected;
    for (const ReportBucketRange& bucket : buckets) {
      CallBucketTotals totals;
      std::vector<std::int64_t> waits, talks;
      for (const FedCall& call : calls_) {
        if (call.hotline != hotline || call.start < ToEpochMillis(bucket.start) ||
            call.start >= ToEpochMillis(bucket.end)) {
          continue;
        }
        if (!call.outcome) {
          ++totals.in_progress;
          continue;
        }
        ++totals.by_outcome[static_cast<std::size_t>(*call.outcome)];
        if (call.outcome == CallOutcome::kAnswered) {
          waits.push_back(call.wait);
          talks.push_back(call.talk);
        }
      }
      totals.median_ms_to_answer = Ranked(waits, 0.5);
      totals.p90_ms_to_answer = Ranked(waits, 0.9);
      totals.median_talk_ms = Ranked(talks, 0.5);
      expected.push_back(totals);
    }
    return expected;
  }

  std::map<std::int64_t, std::array<std::int64_t, 4>> ExpectedAgents(std::int64_t from,
                                                                     std::int64_t to) const {
    std::map<std::int64_t, std::array<std::int64_t, 4>> agents;
    for (const FedCall& call : calls_) {
      if (call.hotline != hotline_) continue;
      for (const FedLeg& leg : call.legs) {
        if (!leg.disposition || leg.start < from || leg.start >= to) continue;
        auto& counts = agents[leg.user];
        switch (*leg.disposition) {
          case LegDisposition::kAnswered:
            ++counts[0];
            break;
          case LegDisposition::kBusy:
            ++counts[1];
            break;
          case LegDisposition::kNoAnswer:
            ++counts[2];
            break;
          case LegDisposition::kNotConfirmed:
            ++counts[3];
            break;
          default:
            break;  // counted for nobody, but the agent is listed
        }
      }
    }
    return agents;
  }

  // The buckets of each shape a report takes: Berlin days over the three days and the next,
  // UTC hours of the long day, and buckets cut at odd milliseconds, some shorter than a slot.
  static std::vector<std::vector<ReportBucketRange>> Shapes() {
    std::vector<std::vector<ReportBucketRange>> shapes;
    const auto period = [](std::int64_t from, std::int64_t to, ReportBucket bucket,
                           const char* zone) {
      return *ReportBuckets({FromEpochMillis(from), FromEpochMillis(to), bucket, zone});
    };
    shapes.push_back(period(kFirstDay, kFirstDay + 4 * kDay, ReportBucket::kDay, "Europe/Berlin"));
    shapes.push_back(period(kFirstDay + kDay, kFirstDay + 2 * kDay, ReportBucket::kHour, "UTC"));
    shapes.push_back(period(kFirstDay - 45 * kMinute, kFirstDay + 3 * kDay, ReportBucket::kDay,
                            "Asia/Kathmandu"));
    std::vector<ReportBucketRange> odd;
    std::int64_t at = kFirstDay + 7 * kMinute + 3'500;
    for (const std::int64_t length : {97 * kMinute + 13'250, 4 * kMinute, 11 * kMinute + 1,
                                      15 * kMinute, 29 * kHour + 17, 5 * kHour, 31 * kHour}) {
      odd.push_back({FromEpochMillis(at), FromEpochMillis(at + length), ""});
      at += length;
    }
    shapes.push_back(odd);
    return shapes;
  }

  void ExpectReportsMatchTheFedCalls(const std::string& when) {
    for (const HotlineId hotline : {hotline_, other_}) {
      for (const auto& buckets : Shapes()) {
        const auto totals = source_->BucketTotals(hotline, buckets);
        ASSERT_TRUE(totals.ok()) << totals.error().detail;
        const auto expected = Expected(hotline, buckets);
        ASSERT_EQ(totals->size(), expected.size());
        for (std::size_t i = 0; i < expected.size(); ++i) {
          const auto& got = (*totals)[i];
          const auto& want = expected[i];
          const std::string where = when + ", hotline " + std::to_string(hotline.value) +
                                    ", bucket from " + FormatTimestamp(buckets[i].start);
          EXPECT_EQ(got.by_outcome, want.by_outcome) << where;
          EXPECT_EQ(got.in_progress, want.in_progress) << where;
          EXPECT_EQ(got.median_ms_to_answer, want.median_ms_to_answer) << where;
          EXPECT_EQ(got.p90_ms_to_answer, want.p90_ms_to_answer) << where;
          EXPECT_EQ(got.median_talk_ms, want.median_talk_ms) << where;
        }
      }
    }
    const std::pair<std::int64_t, std::int64_t> periods[] = {
        {kFirstDay, kFirstDay + 3 * kDay},
        {kFirstDay + 2 * kHour, kFirstDay + 2 * kHour + 2 * kDay},
        {kFirstDay + 5 * kHour + 7 * kMinute + 11, kFirstDay + kDay + 3 * kHour},
        {kFirstDay + 3 * kHour, kFirstDay + 9 * kHour},
        {(kFirstDay / kDay + 1) * kDay, (kFirstDay / kDay + 3) * kDay}};
    for (const auto& [from, to] : periods) {
      const auto agents =
          source_->AgentTotals(hotline_, FromEpochMillis(from), FromEpochMillis(to));
      ASSERT_TRUE(agents.ok()) << agents.error().detail;
      std::map<std::int64_t, std::array<std::int64_t, 4>> got;
      for (const AgentCallTotals& agent : *agents) {
        got[agent.user.value] = {agent.answered, agent.declined, agent.not_answered,
                                 agent.not_confirmed};
      }
      EXPECT_EQ(got, ExpectedAgents(from, to)) << when << ", agents from " << from << " to " << to;
    }
  }

  long long Count(const std::string& sql) {
    return *database_->Run("count", [&](soci::session& session) {
      return ReadValue<long long>(session, sql).value_or(-1);
    });
  }

  void DropCalls(const std::function<bool(const FedCall&)>& purged) {
    std::erase_if(calls_, purged);
  }

  Storage storage_;
  std::unique_ptr<Database> database_;
  OrganizationId organization_;
  std::unique_ptr<SociHotlineRepository> hotlines_;
  std::unique_ptr<SociCallLogRepository> store_;
  std::unique_ptr<SociCallReportSource> source_;
  HotlineId hotline_, other_;
  std::vector<FedCall> calls_;
};

using Storages = ::testing::Types<testing::SqliteStorage, testing::PostgresqlStorage>;
TYPED_TEST_SUITE(CallReportSourceTest, Storages, testing::BackendNames);

TYPED_TEST(CallReportSourceTest, ReportsFollowTheCallsThroughPurgesRecoveryAndDeletion) {
  this->FeedRandomCalls(600);
  this->ExpectReportsMatchTheFedCalls("as fed");

  // Retention: the closed calls that started before a cutoff in the middle of a slot go, in
  // batches smaller than their number.
  const std::int64_t cutoff = kFirstDay + kDay + 7 * kMinute + 30'000;
  while (*this->store_->PurgeEndedBefore(FromEpochMillis(cutoff), 25) > 0) {
  }
  this->DropCalls([&](const FedCall& call) { return call.outcome && call.start < cutoff; });
  EXPECT_EQ(this->Count("SELECT COUNT(*) FROM call_report_times WHERE stale = 1"), 0)
      << "the purge rebuilt the lists it left stale";
  this->ExpectReportsMatchTheFedCalls("after the retention purge");

  // The calls still open when the node stopped are closed as failed, as are their legs.
  ASSERT_TRUE(this->store_->CloseInterruptedCalls("node-a", "The node restarted.").ok());
  for (FedCall& call : this->calls_) {
    if (call.outcome) continue;
    call.outcome = CallOutcome::kFailed;
    for (FedLeg& leg : call.legs) leg.disposition = LegDisposition::kFailed;
  }
  this->ExpectReportsMatchTheFedCalls("after the interrupted calls were closed");

  // The organisation keeps calls for one day, counted back from the middle of the last day.
  const std::int64_t now = kFirstDay + 2 * kDay + 13 * kHour + 11;
  ASSERT_EQ(this->Count("SELECT COUNT(*) FROM organizations"), 1);
  ASSERT_TRUE(this->database_
                  ->Run("keep a day",
                        [](soci::session& session) {
                          session << "UPDATE organizations SET call_retention_days = 1";
                        })
                  .ok());
  while (*this->store_->PurgeByOrganizationRetention(FromEpochMillis(now), 40) > 0) {
  }
  this->DropCalls([&](const FedCall& call) { return call.start < now - kDay; });
  this->ExpectReportsMatchTheFedCalls("after the organisation's retention purge");

  // A deleted hotline's rollups go with its calls; the other's stay.
  ASSERT_TRUE(this->hotlines_->Delete(this->other_, std::nullopt, FromEpochMillis(kFirstDay)).ok());
  const std::string of_other = " WHERE hotline_id = " + std::to_string(this->other_.value);
  EXPECT_EQ(this->Count("SELECT COUNT(*) FROM call_report_outcomes" + of_other), 0);
  EXPECT_EQ(this->Count("SELECT COUNT(*) FROM call_report_times" + of_other), 0);
  EXPECT_EQ(this->Count("SELECT COUNT(*) FROM call_report_agent_days" + of_other), 0);
  this->DropCalls([&](const FedCall& call) { return call.hotline == this->other_; });
  this->ExpectReportsMatchTheFedCalls("after the other hotline's deletion");
}

TYPED_TEST(CallReportSourceTest, AStaleOrDamagedSlotIsReadFromTheCalls) {
  this->FeedRandomCalls(300);
  // As if a purge had been cut short between its delete and its rebuild, and one list damaged.
  ASSERT_TRUE(
      this->database_
          ->Run("spoil the lists",
                [](soci::session& session) {
                  session << "UPDATE call_report_times SET stale = 1, waits = '1,'"
                             " WHERE slot % 3 = 0";
                  session << "UPDATE call_report_times SET talks = '12,x,' WHERE slot % 3 = 1";
                })
          .ok());
  ASSERT_GT(this->Count("SELECT COUNT(*) FROM call_report_times WHERE stale = 1"), 0);
  this->ExpectReportsMatchTheFedCalls("with stale and damaged slots");
}

TYPED_TEST(CallReportSourceTest, TheMigrationBackFillsTheRollupsFromTheStoredCalls) {
  this->FeedRandomCalls(300);
  // The calls as a database upgraded from 0022 holds them: no rollups yet. Then the
  // migration's back-fill, statement by statement as the migration runs it.
  int back_fills = 0;
  ASSERT_TRUE(this->database_
                  ->Run("back-fill",
                        [&](soci::session& session) {
                          session << "DELETE FROM call_report_outcomes";
                          session << "DELETE FROM call_report_times";
                          session << "DELETE FROM call_report_agent_days";
                          for (const std::string& statement :
                               MigrationStatements(23, this->database_->dialect())) {
                            if (!statement.starts_with("INSERT INTO call_report_")) continue;
                            session << statement;
                            ++back_fills;
                          }
                        })
                  .ok());
  EXPECT_EQ(back_fills, 3);
  ASSERT_GT(this->Count("SELECT COUNT(*) FROM call_report_times"), 0);
  this->ExpectReportsMatchTheFedCalls("from the back-filled rollups");
}

}  // namespace
}  // namespace fr
