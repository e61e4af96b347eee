#include "app/group_commit_call_event_sink.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

namespace fr {
namespace {

using namespace std::chrono_literals;

// Records what was written; can fail transiently, refuse one kind of event, or block.
class RecordingWriter final : public CallEventWriter {
 public:
  Status Write(std::span<const CallEvent> events) override {
    std::unique_lock lock(mutex_);
    ++waiting_;
    arrived_.notify_all();
    released_.wait(lock, [&] { return !blocked_; });
    --waiting_;
    ++attempts_;
    if (transient_failures_ > 0) {
      --transient_failures_;
      return Error::Unavailable("database is locked");
    }
    for (const CallEvent& event : events) {
      if (refuse_answers_ && std::holds_alternative<LegAnswered>(event)) {
        return Error::Internal("constraint failed");
      }
    }
    batches_.push_back(events.size());
    written_.insert(written_.end(), events.begin(), events.end());
    return Ok();
  }

  void Block() {
    std::lock_guard lock(mutex_);
    blocked_ = true;
  }
  void Release() {
    {
      std::lock_guard lock(mutex_);
      blocked_ = false;
    }
    released_.notify_all();
  }
  // Waits until the sink's writer thread is inside Write (held there while blocked).
  void WaitUntilWriting() {
    std::unique_lock lock(mutex_);
    arrived_.wait(lock, [&] { return waiting_ > 0; });
  }

  std::mutex mutex_;
  std::condition_variable released_;
  std::condition_variable arrived_;
  int waiting_ = 0;
  bool blocked_ = false;
  int transient_failures_ = 0;
  bool refuse_answers_ = false;
  int attempts_ = 0;
  std::vector<std::size_t> batches_;
  std::vector<CallEvent> written_;
};

Timestamp At(int ms) { return FromEpochMillis(1'800'000'000'000 + ms); }

GroupCommitOptions FastRetries() {
  GroupCommitOptions options;
  options.first_retry_delay = 1ms;
  options.max_retry_delay = 4ms;
  return options;
}

TEST(GroupCommitCallEventSink, HandlesAreUniqueAndEventsKeepTheirOrder) {
  RecordingWriter writer;
  GroupCommitCallEventSink sink(writer, FastRetries());
  const CallHandle first = sink.OpenCall(HotlineId(1), "0049241", At(0));
  const CallHandle second = sink.OpenCall(HotlineId(1), std::nullopt, At(1));
  EXPECT_NE(first, second);
  const LegHandle leg = sink.OpenLeg(first, LegDirection::kInbound, "0049241", "0049240", At(2), std::nullopt);
  sink.AnswerLeg(leg, At(3));
  sink.CloseLeg(leg, LegDisposition::kAnswered, 200, At(4), LegQuality{0.25, 40});
  sink.CloseCall(first, CallOutcome::kAnswered, std::nullopt, At(5));
  ASSERT_TRUE(sink.Flush(10s).ok());
  std::lock_guard lock(writer.mutex_);
  ASSERT_EQ(writer.written_.size(), 6u);
  EXPECT_TRUE(std::holds_alternative<CallOpened>(writer.written_[0]));
  EXPECT_EQ(std::get<CallOpened>(writer.written_[1]).call, second);
  EXPECT_EQ(std::get<LegOpened>(writer.written_[2]).call, first);
  EXPECT_EQ(std::get<LegClosed>(writer.written_[4]).quality, (LegQuality{0.25, 40}));
  EXPECT_TRUE(std::holds_alternative<CallClosed>(writer.written_[5]));
}

TEST(GroupCommitCallEventSink, EventsArrivingDuringACommitShareTheNextOne) {
  RecordingWriter writer;
  GroupCommitCallEventSink sink(writer, FastRetries());
  writer.Block();
  const CallHandle call = sink.OpenCall(HotlineId(1), std::nullopt, At(0));
  std::vector<std::thread> producers;
  for (int t = 0; t < 4; ++t) {
    producers.emplace_back([&] {
      for (int i = 0; i < 250; ++i) sink.AddEntry(call, CallEntry{At(i), CallEntryType::kAgentRinging});
    });
  }
  for (auto& producer : producers) producer.join();
  EXPECT_FALSE(sink.Flush(20ms).ok()) << "nothing is durable while the store is stuck";
  writer.Release();
  ASSERT_TRUE(sink.Flush(10s).ok());
  const auto stats = sink.stats();
  EXPECT_EQ(stats.accepted, 1001u);
  EXPECT_EQ(stats.written, 1001u);
  EXPECT_LE(stats.transactions, 3u) << "1001 events in a handful of transactions";
}

TEST(GroupCommitCallEventSink, BatchesAreBoundedByMaxBatch) {
  RecordingWriter writer;
  GroupCommitOptions options = FastRetries();
  options.max_batch = 100;
  GroupCommitCallEventSink sink(writer, options);
  writer.Block();
  const CallHandle call = sink.OpenCall(HotlineId(1), std::nullopt, At(0));
  for (int i = 0; i < 450; ++i) sink.AddEntry(call, CallEntry{At(i), CallEntryType::kAgentRinging});
  writer.Release();
  ASSERT_TRUE(sink.Flush(10s).ok());
  std::lock_guard lock(writer.mutex_);
  for (const std::size_t size : writer.batches_) EXPECT_LE(size, 100u);
  EXPECT_EQ(writer.written_.size(), 451u);
}

TEST(GroupCommitCallEventSink, TransientFailuresAreRetriedWithoutLoss) {
  RecordingWriter writer;
  writer.transient_failures_ = 3;
  GroupCommitCallEventSink sink(writer, FastRetries());
  sink.OpenCall(HotlineId(1), std::nullopt, At(0));
  ASSERT_TRUE(sink.Flush(10s).ok());
  EXPECT_EQ(sink.stats().written, 1u);
  EXPECT_EQ(sink.stats().dropped, 0u);
  std::lock_guard lock(writer.mutex_);
  EXPECT_EQ(writer.attempts_, 4);
}

TEST(GroupCommitCallEventSink, AnEventRefusedForGoodCostsOnlyItself) {
  RecordingWriter writer;
  writer.refuse_answers_ = true;
  std::atomic<std::size_t> reported{0};
  GroupCommitCallEventSink sink(writer, FastRetries(),
                                [&](const Error&, std::size_t count) { reported += count; });
  writer.Block();
  const CallHandle call = sink.OpenCall(HotlineId(1), std::nullopt, At(0));
  const LegHandle leg = sink.OpenLeg(call, LegDirection::kInbound, std::nullopt, "0049", At(1), std::nullopt);
  sink.AnswerLeg(leg, At(2));
  sink.CloseLeg(leg, LegDisposition::kAnswered, 200, At(3), std::nullopt);
  writer.Release();
  EXPECT_FALSE(sink.Flush(10s).ok()) << "the flush says an event was lost";
  EXPECT_EQ(sink.stats().written, 3u);
  EXPECT_EQ(sink.stats().dropped, 1u);
  EXPECT_EQ(reported.load(), 1u);
}

TEST(GroupCommitCallEventSink, StopWritesEverythingAcceptedBefore) {
  RecordingWriter writer;
  writer.transient_failures_ = 2;
  auto sink = std::make_unique<GroupCommitCallEventSink>(writer, FastRetries());
  const CallHandle call = sink->OpenCall(HotlineId(1), std::nullopt, At(0));
  for (int i = 0; i < 100; ++i) sink->AddEntry(call, CallEntry{At(i), CallEntryType::kAgentDialed});
  EXPECT_EQ(sink->Stop(5s), 0u);
  sink->AddEntry(call, CallEntry{At(200), CallEntryType::kEnded});
  EXPECT_EQ(sink->stats().dropped, 1u) << "after Stop, nothing is accepted";
  sink.reset();
  std::lock_guard lock(writer.mutex_);
  EXPECT_EQ(writer.written_.size(), 101u);
}

TEST(GroupCommitCallEventSink, StopGivesUpAfterTheDrainTimeoutWhenStorageIsDown) {
  RecordingWriter writer;
  writer.transient_failures_ = 1'000'000;
  GroupCommitCallEventSink sink(writer, FastRetries());
  sink.OpenCall(HotlineId(1), std::nullopt, At(0));
  sink.OpenCall(HotlineId(2), std::nullopt, At(1));
  EXPECT_EQ(sink.Stop(50ms), 2u);
}

TEST(GroupCommitCallEventSink, AFullQueueDropsNewEventsInsteadOfBlockingTheEngine) {
  RecordingWriter writer;
  GroupCommitOptions options = FastRetries();
  options.max_pending = 10;
  options.max_batch = 5;
  options.linger = std::chrono::milliseconds(0);
  std::atomic<std::size_t> reports{0};
  GroupCommitCallEventSink sink(writer, options, [&](const Error&, std::size_t) { ++reports; });
  writer.Block();
  sink.OpenCall(HotlineId(1), std::nullopt, At(0));
  // The writer holds that first batch, so the queue only fills from here: one overflow.
  writer.WaitUntilWriting();
  for (int i = 0; i < 40; ++i) sink.OpenCall(HotlineId(1), std::nullopt, At(i));  // returns at once
  const auto full = sink.stats();
  EXPECT_GT(full.dropped, 0u);
  EXPECT_EQ(reports.load(), 1u) << "reported once per overflow, not per event";
  EXPECT_FALSE(sink.Flush(10ms).ok());
  writer.Release();
  const Status flushed = sink.Flush(10s);
  EXPECT_TRUE(flushed.ok()) << "nothing was dropped while this flush waited";
  EXPECT_EQ(sink.stats().written, sink.stats().accepted);
  sink.OpenCall(HotlineId(1), std::nullopt, At(99));
  EXPECT_TRUE(sink.Flush(10s).ok()) << "accepted again once there is room";
}

TEST(GroupCommitCallEventSink, FlushReportsEventsGivenUpWhileItWaited) {
  RecordingWriter writer;
  writer.refuse_answers_ = true;
  GroupCommitCallEventSink sink(writer, FastRetries());
  const CallHandle call = sink.OpenCall(HotlineId(1), std::nullopt, At(0));
  const LegHandle leg = sink.OpenLeg(call, LegDirection::kInbound, std::nullopt, "0049", At(1), std::nullopt);
  sink.AnswerLeg(leg, At(2));
  const Status flushed = sink.Flush(10s);
  ASSERT_FALSE(flushed.ok());
  EXPECT_EQ(flushed.error().code, ErrorCode::kInternal);
}

}  // namespace
}  // namespace fr
