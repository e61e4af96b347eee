// The call-log store on SQLite and PostgreSQL: events written in batches and read back, calls
// of deleted hotlines skipped, interrupted calls closed, retention purge.
#include <gtest/gtest.h>

#include "adapters/storage/soci_call_log_repository.hpp"
#include "adapters/storage/soci_hotline_repository.hpp"
#include "adapters/storage/soci_identity_repositories.hpp"
#include "contract/storage_backends.hpp"

namespace fr {
namespace {

Timestamp At(std::int64_t seconds) { return FromEpochMillis(1'800'000'000'000 + seconds * 1000); }

template <typename Storage>
class CallLogStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    database_ = testing::OpenDatabase(storage_);
    const OrganizationId organization =
        SociOrganizationRepository(*database_).Create("Org", {})->id;
    ASSERT_TRUE(SociNumberInventory(*database_)
                    .Add({"004924155660000", "004924155660001"}, "DE", "Aachen")
                    .ok());
    hotlines_ = std::make_unique<SociHotlineRepository>(*database_);
    Hotline draft;
    draft.organization_id = organization;
    draft.name = "Notruf";
    hotline_ = hotlines_->Create(draft, {"DE", "Aachen"}, 10, At(0))->id;
    other_ = hotlines_->Create(draft, {"DE", "Aachen"}, 10, At(0))->id;
    store_ = std::make_unique<SociCallLogRepository>(*database_);
  }

  Status Write(std::vector<CallEvent> events) { return store_->Write(events); }

  Storage storage_;
  std::unique_ptr<Database> database_;
  std::unique_ptr<SociHotlineRepository> hotlines_;
  std::unique_ptr<SociCallLogRepository> store_;
  HotlineId hotline_, other_;
};

using Storages = ::testing::Types<testing::SqliteStorage, testing::PostgresqlStorage>;
TYPED_TEST_SUITE(CallLogStoreTest, Storages, testing::BackendNames);

TYPED_TEST(CallLogStoreTest, EventsAcrossBatchesBuildOneCall) {
  const CallHandle call{1};
  const LegHandle in{1}, out{2};
  ASSERT_TRUE(this->Write({CallOpened{call, this->hotline_, "004924112345", At(10)},
                           CallEntryAdded{call, {At(10), CallEntryType::kCallReceived}},
                           LegOpened{in, call, LegDirection::kInbound, "004924112345",
                                     "004924155660000", At(10)},
                           LegAnswered{in, At(11)}})
                  .ok());
  ASSERT_TRUE(this->Write({CallEntryAdded{call,
                                          {At(12), CallEntryType::kAgentDialed, UserId(7),
                                           AgentPhoneId(9), std::nullopt}},
                           LegOpened{out, call, LegDirection::kOutbound, "004924155660000",
                                     "004915112345678", At(12)},
                           LegAnswered{out, At(15)},
                           CallEntryAdded{call,
                                          {At(15), CallEntryType::kBridged, UserId(7),
                                           AgentPhoneId(9), "after the prompt"}},
                           LegClosed{out, LegDisposition::kAnswered, 200, At(40),
                                     LegQuality{0.0123, 45.625}},
                           LegClosed{in, LegDisposition::kAnswered, 200, At(40)},
                           CallClosed{call, CallOutcome::kAnswered,
                                      AnsweredBy{UserId(7), AgentPhoneId(9)}, At(40)}})
                  .ok());
  const auto page = *this->store_->ListCallLogs(this->hotline_, 10, 0);
  ASSERT_EQ(page.total, 1);
  const CallLog& summary = page.call_logs.front();
  EXPECT_TRUE(summary.entries.empty());
  EXPECT_EQ(summary.outcome, CallOutcome::kAnswered);
  EXPECT_EQ(DurationSeconds(summary), 30);
  ASSERT_TRUE(summary.answered_by.has_value());
  EXPECT_EQ(summary.answered_by->agent_phone, AgentPhoneId(9));

  const auto log = *this->store_->FindCallLog(this->hotline_, summary.id);
  ASSERT_TRUE(log.has_value());
  ASSERT_EQ(log->entries.size(), 3u);
  EXPECT_EQ(log->entries[1].user, UserId(7));
  EXPECT_EQ(log->entries[2].detail, "after the prompt");
  EXPECT_FALSE(this->store_->FindCallLog(this->other_, summary.id)->has_value())
      << "another hotline's log";

  const auto records = *this->store_->ListTelephoneRecords(this->hotline_, 10, 0);
  ASSERT_EQ(records.total, 2);
  for (const TelephoneRecord& record : records.records) {
    EXPECT_EQ(record.call_log, summary.id);
    EXPECT_EQ(record.hotline, this->hotline_);
    EXPECT_EQ(record.disposition, LegDisposition::kAnswered);
  }
  EXPECT_EQ(BillableSeconds(records.records[0]), 25) << "newest first: the agent leg";
  EXPECT_EQ(BillableSeconds(records.records[1]), 29);
  EXPECT_EQ(records.records[0].quality, (LegQuality{0.0123, 45.625}));
  EXPECT_EQ(records.records[1].quality, std::nullopt) << "closed without a measurement";
}

TYPED_TEST(CallLogStoreTest, CallsOfADeletedHotlineAreSkippedOthersWritten) {
  ASSERT_TRUE(this->Write({CallOpened{CallHandle{1}, this->hotline_, std::nullopt, At(1)}}).ok());
  ASSERT_TRUE(this->hotlines_->Delete(this->hotline_, std::nullopt, At(2)).ok());
  ASSERT_TRUE(this->Write({CallEntryAdded{CallHandle{1}, {At(3), CallEntryType::kEnded}},
                           LegOpened{LegHandle{1}, CallHandle{1}, LegDirection::kInbound,
                                     std::nullopt, "0049", At(3)},
                           CallClosed{CallHandle{1}, CallOutcome::kMissed, std::nullopt, At(3)},
                           CallOpened{CallHandle{2}, this->hotline_, std::nullopt, At(4)},
                           CallEntryAdded{CallHandle{2}, {At(4), CallEntryType::kCallReceived}},
                           CallOpened{CallHandle{3}, this->other_, std::nullopt, At(5)}})
                  .ok());
  EXPECT_EQ(this->store_->ListCallLogs(this->hotline_, 10, 0)->total, 0);
  EXPECT_EQ(this->store_->ListCallLogs(this->other_, 10, 0)->total, 1);
}

TYPED_TEST(CallLogStoreTest, InterruptedCallsAreClosedAtTheirLastEvent) {
  const CallHandle call{1};
  ASSERT_TRUE(
      this->Write(
              {CallOpened{call, this->hotline_, std::nullopt, At(10)},
               CallEntryAdded{call, {At(10), CallEntryType::kCallReceived}},
               LegOpened{LegHandle{1}, call, LegDirection::kInbound, std::nullopt, "0049", At(10)},
               LegAnswered{LegHandle{1}, At(10)},
               LegOpened{LegHandle{2}, call, LegDirection::kOutbound, "0049", "0049151", At(13)},
               CallEntryAdded{call, {At(14), CallEntryType::kAgentRinging}},
               CallOpened{CallHandle{2}, this->hotline_, std::nullopt, At(20)},
               CallClosed{CallHandle{2}, CallOutcome::kMissed, std::nullopt, At(50)}})
          .ok());
  EXPECT_EQ(*this->store_->CloseInterruptedCalls("any", "stopped"), 1)
      << "a call that names no node is any node's";
  EXPECT_EQ(*this->store_->CloseInterruptedCalls("any", "stopped"), 0) << "idempotent";
  const auto page = *this->store_->ListCallLogs(this->hotline_, 10, 0);
  const CallLog& interrupted = page.call_logs[1];
  EXPECT_EQ(interrupted.outcome, CallOutcome::kFailed);
  EXPECT_EQ(interrupted.end_time, At(14));
  EXPECT_EQ(page.call_logs[0].outcome, CallOutcome::kMissed) << "ended calls stay as they were";
  const auto log = *this->store_->FindCallLog(this->hotline_, interrupted.id);
  EXPECT_EQ(log->entries.back().type, CallEntryType::kEnded);
  EXPECT_EQ(log->entries.back().detail, "stopped");
  const auto records = *this->store_->ListTelephoneRecords(this->hotline_, 10, 0);
  ASSERT_EQ(records.records.size(), 2u) << "the caller's leg and the agent's";
  for (const TelephoneRecord& record : records.records) {
    EXPECT_EQ(record.end_time, At(14));
    EXPECT_EQ(record.disposition,
              record.answer_time ? LegDisposition::kAnswered : LegDisposition::kFailed);
  }
}

// Every call names the node that took it: a node closes its own calls left open, or those of a
// node whose lease ended, never the calls another node has in progress (decision 0040).
TYPED_TEST(CallLogStoreTest, InterruptedCallsAreClosedOnlyForTheirNode) {
  SociCallLogRepository node_a(*this->database_, "a"), node_b(*this->database_, "b");
  const std::vector<CallEvent> open_call = {
      CallOpened{CallHandle{1}, this->hotline_, std::nullopt, At(10)},
      LegOpened{LegHandle{1}, CallHandle{1}, LegDirection::kInbound, std::nullopt, "0049", At(10)},
      LegAnswered{LegHandle{1}, At(11)}};
  ASSERT_TRUE(node_a.Write(open_call).ok());
  ASSERT_TRUE(node_b.Write(open_call).ok());
  EXPECT_EQ(*this->store_->CloseInterruptedCalls("a", "a stopped"), 1);
  EXPECT_EQ(*this->store_->CloseInterruptedCalls("a", "a stopped"), 0);
  const auto page = *this->store_->ListCallLogs(this->hotline_, 10, 0);
  ASSERT_EQ(page.total, 2);
  EXPECT_FALSE(page.call_logs[0].outcome.has_value()) << "b's call goes on";
  EXPECT_EQ(page.call_logs[1].outcome, CallOutcome::kFailed);
  const auto records = *this->store_->ListTelephoneRecords(this->hotline_, 10, 0);
  EXPECT_FALSE(records.records[0].end_time.has_value()) << "b's leg stays open";
  EXPECT_EQ(records.records[1].end_time, At(11));
  // b's call ends normally afterwards: its writer still knows it.
  const std::vector<CallEvent> ended = {
      LegClosed{LegHandle{1}, LegDisposition::kAnswered, 200, At(30)},
      CallClosed{CallHandle{1}, CallOutcome::kAnswered, std::nullopt, At(30)}};
  ASSERT_TRUE(node_b.Write(ended).ok());
  EXPECT_EQ(this->store_->ListCallLogs(this->hotline_, 10, 0)->call_logs[0].outcome,
            CallOutcome::kAnswered);
}

TYPED_TEST(CallLogStoreTest, PurgeDeletesEndedCallsBeforeTheCutoffWithTheirRecords) {
  std::vector<CallEvent> events;
  for (std::uint64_t i = 1; i <= 5; ++i) {
    const CallHandle call{i};
    const auto start = At(static_cast<std::int64_t>(i) * 100);
    events.push_back(CallOpened{call, this->hotline_, std::nullopt, start});
    events.push_back(
        LegOpened{LegHandle{i}, call, LegDirection::kInbound, std::nullopt, "0049", start});
    events.push_back(LegClosed{LegHandle{i}, LegDisposition::kBusy, 486, start});
    if (i != 2) events.push_back(CallClosed{call, CallOutcome::kRejectedBusy, std::nullopt, start});
  }
  ASSERT_TRUE(this->Write(events).ok());
  // Calls 1..4 started before 450 s; call 2 is still open and stays.
  EXPECT_EQ(*this->store_->PurgeEndedBefore(At(450), 2), 2);
  EXPECT_EQ(*this->store_->PurgeEndedBefore(At(450), 2), 1);
  EXPECT_EQ(*this->store_->PurgeEndedBefore(At(450), 2), 0);
  EXPECT_EQ(this->store_->ListCallLogs(this->hotline_, 10, 0)->total, 2);
  EXPECT_EQ(this->store_->ListTelephoneRecords(this->hotline_, 10, 0)->total, 2);
}

// Pages are ranges of the numbers a hotline gives its calls and legs (decision 0032); after a
// purge leaves a gap they walk the offset instead. Either way every page and total is exact.
TYPED_TEST(CallLogStoreTest, EveryPageIsExactBeforeAndAfterDeletionsLeaveAGap) {
  std::vector<CallEvent> events;
  for (std::uint64_t i = 1; i <= 12; ++i) {
    const auto start = At(static_cast<std::int64_t>(i) * 100);
    for (const HotlineId hotline :
         {this->hotline_, this->other_}) {  // interleaved: numbers are per hotline
      const CallHandle call{i * 2 + (hotline == this->other_ ? 1 : 0)};
      const LegHandle leg{call.value};
      events.push_back(CallOpened{call, hotline, std::nullopt, start});
      events.push_back(LegOpened{leg, call, LegDirection::kInbound, std::nullopt, "0049", start});
      events.push_back(LegClosed{leg, LegDisposition::kBusy, 486, start});
      if (i != 3)
        events.push_back(CallClosed{call, CallOutcome::kRejectedBusy, std::nullopt, start});
    }
  }
  ASSERT_TRUE(this->Write(events).ok());

  const auto expect_pages = [&](const std::vector<std::int64_t>& newest_first_seconds) {
    const auto total = static_cast<std::int64_t>(newest_first_seconds.size());
    for (std::int64_t limit = 1; limit <= 5; ++limit) {
      for (std::int64_t offset = 0; offset <= total + 1; ++offset) {
        SCOPED_TRACE(::testing::Message() << "limit " << limit << " offset " << offset);
        const auto calls = *this->store_->ListCallLogs(this->hotline_, limit, offset);
        const auto records = *this->store_->ListTelephoneRecords(this->hotline_, limit, offset);
        EXPECT_EQ(calls.total, total);
        EXPECT_EQ(records.total, total);
        std::vector<Timestamp> expected, call_starts, record_starts;
        for (auto i = offset; i < std::min(total, offset + limit); ++i) {
          expected.push_back(At(newest_first_seconds[static_cast<std::size_t>(i)]));
        }
        for (const CallLog& log : calls.call_logs) call_starts.push_back(log.start_time);
        for (const TelephoneRecord& record : records.records) {
          record_starts.push_back(record.start_time);
        }
        EXPECT_EQ(call_starts, expected);
        EXPECT_EQ(record_starts, expected);
      }
    }
  };
  expect_pages({1200, 1100, 1000, 900, 800, 700, 600, 500, 400, 300, 200, 100});
  // Calls 1..6 of each hotline started before 650 s; call 3 is still open and stays.
  EXPECT_EQ(*this->store_->PurgeEndedBefore(At(650), 100), 10);
  expect_pages({1200, 1100, 1000, 900, 800, 700, 300});
  EXPECT_EQ(*this->store_->CloseInterruptedCalls("any", "stopped"), 2);
  EXPECT_EQ(*this->store_->PurgeEndedBefore(At(650), 100), 2);
  expect_pages({1200, 1100, 1000, 900, 800, 700});
  ASSERT_TRUE(this->Write({CallOpened{CallHandle{100}, this->hotline_, std::nullopt, At(1300)},
                           LegOpened{LegHandle{100}, CallHandle{100}, LegDirection::kInbound,
                                     std::nullopt, "0049", At(1300)}})
                  .ok());
  expect_pages({1300, 1200, 1100, 1000, 900, 800, 700});
}

// Keyset reads (exports, decision 0082) walk a hotline's history page by page, newest first,
// each row once, also across the gap a purge left and past rows written after the walk began.
TYPED_TEST(CallLogStoreTest, KeysetPagesReadEachRowOnceAcrossGaps) {
  std::vector<CallEvent> events;
  for (std::uint64_t i = 1; i <= 9; ++i) {
    for (const HotlineId hotline : {this->hotline_, this->other_}) {
      const CallHandle call{i * 2 + (hotline == this->other_ ? 1 : 0)};
      const LegHandle leg{call.value};
      const auto start = At(static_cast<std::int64_t>(i) * 100);
      events.push_back(CallOpened{call, hotline, std::nullopt, start});
      events.push_back(LegOpened{leg, call, LegDirection::kInbound, std::nullopt, "0049", start});
      events.push_back(LegClosed{leg, LegDisposition::kBusy, 486, start});
      if (i != 5) events.push_back(CallClosed{call, CallOutcome::kRejectedBusy, std::nullopt, start});
    }
  }
  ASSERT_TRUE(this->Write(events).ok());
  // Calls 1..6 of each hotline but the open call 5: a gap between 7 and 5, and below 5.
  ASSERT_EQ(*this->store_->PurgeEndedBefore(At(650), 100), 10);

  for (std::int64_t limit = 1; limit <= 8; ++limit) {
    SCOPED_TRACE(::testing::Message() << "limit " << limit);
    std::vector<Timestamp> call_starts, record_starts;
    std::optional<std::int64_t> next;
    int pages = 0;
    do {
      const auto page = *this->store_->ListCallLogsBefore(this->hotline_, next, limit);
      ASSERT_LE(static_cast<std::int64_t>(page.call_logs.size()), limit);
      for (const CallLog& log : page.call_logs) call_starts.push_back(log.start_time);
      next = page.next;
      ASSERT_LT(++pages, 20);
    } while (next);
    do {
      const auto page = *this->store_->ListTelephoneRecordsBefore(this->hotline_, next, limit);
      for (const TelephoneRecord& record : page.records) record_starts.push_back(record.start_time);
      next = page.next;
    } while (next);
    const std::vector<Timestamp> expected = {At(900), At(800), At(700), At(500)};
    EXPECT_EQ(call_starts, expected);
    EXPECT_EQ(record_starts, expected);
  }

  // A call that arrives while a walk is under way is newer than its first page: never read.
  const auto first = *this->store_->ListCallLogsBefore(this->hotline_, std::nullopt, 2);
  ASSERT_TRUE(first.next.has_value());
  ASSERT_TRUE(this->Write({CallOpened{CallHandle{100}, this->hotline_, std::nullopt, At(1000)}})
                  .ok());
  const auto second = *this->store_->ListCallLogsBefore(this->hotline_, first.next, 2);
  ASSERT_EQ(second.call_logs.size(), 2u);
  EXPECT_EQ(second.call_logs[0].start_time, At(700));
  EXPECT_EQ(second.call_logs[1].start_time, At(500));
  EXPECT_EQ(second.total, 0) << "keyset pages are not counted";
}

}  // namespace
}  // namespace fr
