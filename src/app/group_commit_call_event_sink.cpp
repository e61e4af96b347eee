#include "app/group_commit_call_event_sink.hpp"

#include <algorithm>
#include <iterator>
#include <span>
#include <utility>

namespace fr {

GroupCommitCallEventSink::GroupCommitCallEventSink(
    CallEventWriter& writer, GroupCommitOptions options,
    std::function<void(const Error&, std::size_t)> on_dropped)
    : writer_(writer),
      options_(options),
      on_dropped_(std::move(on_dropped)),
      thread_([this] { RunWriter(); }) {}

GroupCommitCallEventSink::~GroupCommitCallEventSink() { Stop(std::chrono::seconds(5)); }

std::uint64_t GroupCommitCallEventSink::Stop(std::chrono::milliseconds drain_timeout) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      stopping_ = true;
      drain_deadline_ = std::chrono::steady_clock::now() + drain_timeout;
    }
  }
  work_ready_.notify_all();
  progress_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mutex_);
  return dropped_;
}

CallHandle GroupCommitCallEventSink::OpenCall(HotlineId hotline, std::optional<std::string> caller,
                                              Timestamp at) {
  const CallHandle call{next_call_.fetch_add(1, std::memory_order_relaxed)};
  Enqueue(CallOpened{call, hotline, std::move(caller), at});
  return call;
}

void GroupCommitCallEventSink::AddEntry(CallHandle call, CallEntry entry) {
  Enqueue(CallEntryAdded{call, std::move(entry)});
}

void GroupCommitCallEventSink::CloseCall(CallHandle call, CallOutcome outcome,
                                         std::optional<AnsweredBy> answered_by, Timestamp at) {
  Enqueue(CallClosed{call, outcome, answered_by, at});
}

LegHandle GroupCommitCallEventSink::OpenLeg(CallHandle call, LegDirection direction,
                                            std::optional<std::string> from, std::string to,
                                            Timestamp at, std::optional<AgentPhoneRef> agent) {
  const LegHandle leg{next_leg_.fetch_add(1, std::memory_order_relaxed)};
  Enqueue(LegOpened{leg, call, direction, std::move(from), std::move(to), at, agent});
  return leg;
}

void GroupCommitCallEventSink::AnswerLeg(LegHandle leg, Timestamp at) {
  Enqueue(LegAnswered{leg, at});
}

void GroupCommitCallEventSink::CloseLeg(LegHandle leg, LegDisposition disposition,
                                        std::optional<int> sip_status, Timestamp at,
                                        std::optional<LegQuality> quality) {
  Enqueue(LegClosed{leg, disposition, sip_status, at, quality});
}

void GroupCommitCallEventSink::StartVoicemail(CallHandle call, std::string file, Timestamp at) {
  Enqueue(VoicemailStarted{call, std::move(file), at});
}

void GroupCommitCallEventSink::FinishVoicemail(CallHandle call, std::string file,
                                               std::optional<std::chrono::milliseconds> duration,
                                               Timestamp at) {
  Enqueue(VoicemailFinished{call, std::move(file), duration, at});
}

Status GroupCommitCallEventSink::Flush(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  const std::uint64_t target = accepted_;
  const std::uint64_t dropped_before = dropped_;
  if (!progress_.wait_for(lock, timeout, [&] { return processed_ >= target; })) {
    return Error::Unavailable("The call log store has not caught up yet.");
  }
  // Conservative: a drop of a later event while waiting also counts.
  if (dropped_ > dropped_before) {
    return Error::Internal(std::to_string(dropped_ - dropped_before) +
                           " call event(s) could not be stored.");
  }
  return Ok();
}

GroupCommitCallEventSink::Stats GroupCommitCallEventSink::stats() const {
  std::lock_guard lock(mutex_);
  return Stats{accepted_, written_, dropped_, transactions_};
}

void GroupCommitCallEventSink::Enqueue(CallEvent event) {
  std::unique_lock lock(mutex_);
  if (stopping_ || pending_.size() >= options_.max_pending) {
    // Never wait here: the engine's calls would freeze with their timers and hang-ups.
    ++dropped_;
    const bool stopped = stopping_;
    const bool first_of_episode = !stopped && !overflowing_;
    overflowing_ = overflowing_ || !stopped;
    lock.unlock();
    if (!on_dropped_) return;
    if (stopped) {
      on_dropped_(Error::Unavailable("an event arrived after the store stopped"), 1);
    } else if (first_of_episode) {
      on_dropped_(Error::ResourceExhausted("the queue is full because storage is failing; "
                                           "call events are dropped until it recovers"),
                  1);
    }
    return;
  }
  overflowing_ = false;
  pending_.push_back(std::move(event));
  ++accepted_;
  // A writer that lingers for more events is not woken for each one: it wakes when the linger
  // ends anyway, and waking it per event cost a context switch each (about 15 per call).
  const bool wake = writer_idle_ || pending_.size() >= options_.max_batch;
  lock.unlock();
  if (wake) work_ready_.notify_one();
}

void GroupCommitCallEventSink::RunWriter() {
  std::vector<CallEvent> batch;
  // The events taken since `window_start`: their rate over the last whole window says whether
  // the writer is busy (see GroupCommitOptions::busy_linger).
  auto window_start = std::chrono::steady_clock::now();
  std::size_t window_events = 0;
  bool busy = false;
  std::unique_lock lock(mutex_);
  while (true) {
    writer_idle_ = true;
    work_ready_.wait(lock, [&] { return stopping_ || !pending_.empty(); });
    writer_idle_ = false;
    if (pending_.empty()) break;  // stopping, and everything is written
    if (!stopping_ && pending_.size() < options_.max_batch) {
      work_ready_.wait_for(lock, busy ? options_.busy_linger : options_.linger,
                           [&] { return stopping_ || pending_.size() >= options_.max_batch; });
    }
    const std::size_t count = std::min(pending_.size(), options_.max_batch);
    window_events += count;
    if (const auto now = std::chrono::steady_clock::now();
        now - window_start >= options_.load_window) {
      const double seconds = std::chrono::duration<double>(now - window_start).count();
      busy = static_cast<double>(window_events) >= options_.busy_events_per_second * seconds;
      window_start = now;
      window_events = 0;
    }
    batch.clear();
    batch.reserve(count);
    std::move(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(count),
              std::back_inserter(batch));
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(count));
    lock.unlock();
    progress_.notify_all();  // room for producers
    WriteBatch(batch);
    lock.lock();
    processed_ += count;
    lock.unlock();
    progress_.notify_all();  // Flush waiters
    lock.lock();
  }
}

void GroupCommitCallEventSink::WriteBatch(std::vector<CallEvent>& batch) {
  std::chrono::milliseconds delay = options_.first_retry_delay;
  while (true) {
    const Status written = writer_.Write(std::span<const CallEvent>(batch));
    if (written.ok()) {
      std::lock_guard lock(mutex_);
      ++transactions_;
      written_ += batch.size();
      return;
    }
    if (written.error().code != ErrorCode::kUnavailable) break;
    if (!BackOff(delay)) {
      GiveUp(written.error(), batch.size());
      return;
    }
  }
  // One event is refused for good: write the batch one by one so that only it is lost.
  for (const CallEvent& event : batch) WriteOne(event);
}

bool GroupCommitCallEventSink::WriteOne(const CallEvent& event) {
  std::chrono::milliseconds delay = options_.first_retry_delay;
  while (true) {
    const Status written = writer_.Write(std::span<const CallEvent>(&event, 1));
    if (written.ok()) {
      std::lock_guard lock(mutex_);
      ++transactions_;
      ++written_;
      return true;
    }
    if (written.error().code != ErrorCode::kUnavailable || !BackOff(delay)) {
      GiveUp(written.error(), 1);
      return false;
    }
  }
}

bool GroupCommitCallEventSink::BackOff(std::chrono::milliseconds& delay) {
  std::unique_lock lock(mutex_);
  if (stopping_ && std::chrono::steady_clock::now() >= drain_deadline_) return false;
  const auto wake = stopping_ ? std::min(std::chrono::steady_clock::now() + delay, drain_deadline_)
                              : std::chrono::steady_clock::now() + delay;
  // Stop wakes the wait so that the drain deadline, not the backoff, decides.
  work_ready_.wait_until(lock, wake, [&] {
    return stopping_ && std::chrono::steady_clock::now() >= drain_deadline_;
  });
  delay = std::min(delay * 2, options_.max_retry_delay);
  return true;
}

void GroupCommitCallEventSink::GiveUp(const Error& error, std::size_t count) {
  {
    std::lock_guard lock(mutex_);
    dropped_ += count;
  }
  if (on_dropped_) on_dropped_(error, count);
}

}  // namespace fr
