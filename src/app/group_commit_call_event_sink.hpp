#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "domain/call_log/call_events.hpp"

namespace fr {

struct GroupCommitOptions {
  std::size_t max_batch = 4096;       // events per transaction at most
  std::size_t max_pending = 1 << 18;  // beyond this, new events are dropped (and counted)
  // How long the writer waits for more events before committing a small batch: at moderate
  // rates a commit is faster than the next event, and each commit costs an fsync.
  std::chrono::milliseconds linger{3};
  // Under load the writer lingers longer: a commit (a WAL append and an fsync) costs about as
  // much for 200 events as for 20, and at 300 calls/s committing every few milliseconds took a
  // third of the engine's CPU (decision 0097). "Under load" is measured over `load_window`, so
  // that one call's burst of events never counts as load: a quiet service, a test or the README
  // tour sees its call logs as soon as before.
  std::chrono::milliseconds busy_linger{20};
  double busy_events_per_second = 1000;  // about 45 calls/s of the common shape
  std::chrono::milliseconds load_window{100};
  std::chrono::milliseconds first_retry_delay{50};
  std::chrono::milliseconds max_retry_delay{2000};
};

// The CallEventSink of the service: producers only queue, never wait; one writer thread takes
// everything queued so far and writes it in one transaction (group commit), so the cost of a
// commit is shared by all events that arrived while the previous one ran. Nothing accepted is
// dropped while storage is merely unavailable: the batch is retried with backoff. Two things
// lose events, each reported through `on_dropped` and counted: an event storage refuses for
// good (found by retrying its batch one event at a time), and events arriving while the queue
// is full, because storage has been failing for long; the telephony engine must not stall.
// Thread-safe.
class GroupCommitCallEventSink final : public CallEventSink {
 public:
  struct Stats {
    std::uint64_t accepted = 0;  // queued
    std::uint64_t written = 0;
    std::uint64_t dropped = 0;
    std::uint64_t transactions = 0;
  };
  // `on_dropped(error, count)` runs when events are given up: on the writer thread, or once per
  // overflow on the producer's thread.
  GroupCommitCallEventSink(CallEventWriter& writer, GroupCommitOptions options,
                           std::function<void(const Error&, std::size_t)> on_dropped = {});
  // Stops with a short drain (see Stop).
  ~GroupCommitCallEventSink() override;
  GroupCommitCallEventSink(const GroupCommitCallEventSink&) = delete;
  GroupCommitCallEventSink& operator=(const GroupCommitCallEventSink&) = delete;

  // Writes everything accepted so far and stops the writer. While storage fails, keeps retrying
  // for at most `drain_timeout`, then gives the rest up. Events arriving after Stop are dropped.
  // Returns the number of events given up over the sink's life. Idempotent.
  std::uint64_t Stop(std::chrono::milliseconds drain_timeout);

  CallHandle OpenCall(HotlineId hotline, std::optional<std::string> caller,
                      Timestamp at) override;
  void AddEntry(CallHandle call, CallEntry entry) override;
  void CloseCall(CallHandle call, CallOutcome outcome, std::optional<AnsweredBy> answered_by,
                 Timestamp at) override;
  LegHandle OpenLeg(CallHandle call, LegDirection direction, std::optional<std::string> from,
                    std::string to, Timestamp at, std::optional<AgentPhoneRef> agent) override;
  void AnswerLeg(LegHandle leg, Timestamp at) override;
  void CloseLeg(LegHandle leg, LegDisposition disposition, std::optional<int> sip_status,
                Timestamp at, std::optional<LegQuality> quality) override;
  // Also kInternal when events were given up while it waited.
  void StartVoicemail(CallHandle call, std::string file, Timestamp at) override;
  void FinishVoicemail(CallHandle call, std::string file,
                       std::optional<std::chrono::milliseconds> duration,
                       Timestamp at) override;
  Status Flush(std::chrono::milliseconds timeout) override;

  Stats stats() const;

 private:
  void Enqueue(CallEvent event);
  void RunWriter();
  // Writes `batch`, retrying transient failures; isolates events refused for good.
  void WriteBatch(std::vector<CallEvent>& batch);
  // Writes one event (after its batch was refused); false when it was given up.
  bool WriteOne(const CallEvent& event);
  // Sleeps before a retry; false when Stop's drain deadline has passed (give up).
  bool BackOff(std::chrono::milliseconds& delay);
  void GiveUp(const Error& error, std::size_t count);

  CallEventWriter& writer_;
  const GroupCommitOptions options_;
  const std::function<void(const Error&, std::size_t)> on_dropped_;
  std::atomic<std::uint64_t> next_call_{1};
  std::atomic<std::uint64_t> next_leg_{1};

  mutable std::mutex mutex_;
  std::condition_variable work_ready_;   // writer: events queued or stopping
  std::condition_variable progress_;     // producers and Flush: space freed, events written
  std::deque<CallEvent> pending_;
  std::uint64_t accepted_ = 0;   // events ever queued
  std::uint64_t processed_ = 0;  // accepted events written or given up, in order
  std::uint64_t written_ = 0;
  std::uint64_t dropped_ = 0;    // given up, or refused because stopped or full
  std::uint64_t transactions_ = 0;
  bool stopping_ = false;
  bool overflowing_ = false;  // dropping because the queue is full; reported once per episode
  // The writer waits for a first event (not lingering for more): only then does Enqueue wake it.
  bool writer_idle_ = false;
  std::chrono::steady_clock::time_point drain_deadline_;
  std::thread thread_;  // last: starts once everything above exists
};

}  // namespace fr
