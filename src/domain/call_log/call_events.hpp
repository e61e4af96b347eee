#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>

#include "common/clock.hpp"
#include "common/ids.hpp"
#include "common/result.hpp"
#include "domain/call_log/call_log.hpp"

namespace fr {

// The telephony engine's name for a call or a leg while it runs. Handles are handed out by the
// sink at once, without touching storage, so the engine never waits for a database; the store
// maps them to the log's and record's ids when it writes them. Valid within one process run.
struct CallHandle {
  std::uint64_t value = 0;
  auto operator<=>(const CallHandle&) const = default;
};
struct LegHandle {
  std::uint64_t value = 0;
  auto operator<=>(const LegHandle&) const = default;
};

// What the engine reports, one value per fact, in the order it happened.
struct CallOpened {
  CallHandle call;
  HotlineId hotline;
  std::optional<std::string> caller;  // "00…"; empty when withheld
  Timestamp at;
};
struct CallEntryAdded {
  CallHandle call;
  CallEntry entry;
};
struct CallClosed {
  CallHandle call;
  CallOutcome outcome = CallOutcome::kFailed;
  std::optional<AnsweredBy> answered_by;
  Timestamp at;
};
struct LegOpened {
  LegHandle leg;
  CallHandle call;  // the leg's hotline is the call's
  LegDirection direction = LegDirection::kInbound;
  std::optional<std::string> from;
  std::string to;
  Timestamp at;
  std::optional<AgentPhoneRef> agent;  // the agent's phone `to` reaches, on legs to agents
};
struct LegAnswered {
  LegHandle leg;
  Timestamp at;
};
struct LegClosed {
  LegHandle leg;
  LegDisposition disposition = LegDisposition::kFailed;
  std::optional<int> sip_status;
  Timestamp at;
  std::optional<LegQuality> quality;  // the leg's audio, when RTCP measured any
};
// A voicemail of `call` began: its audio goes to `file` (a name in the voicemail folder). The
// row is kept as "recording" until VoicemailFinished, so that a crash in between is recovered
// (decision 0055).
struct VoicemailStarted {
  CallHandle call;
  std::string file;
  Timestamp at;
};
// The recording of `file` ended: whole and durable (renamed to its final name), `duration`
// long; or, without a duration, nothing of it was kept (its row goes, its file is gone).
struct VoicemailFinished {
  CallHandle call;
  std::string file;
  std::optional<std::chrono::milliseconds> duration;
  Timestamp at;
};
using CallEvent = std::variant<CallOpened, CallEntryAdded, CallClosed, LegOpened, LegAnswered,
                               LegClosed, VoicemailStarted, VoicemailFinished>;

// Port: the only way calls get into the call log and the telephone records. The telephony
// engine calls it from its own threads, at high rates: every method but Flush only queues and
// returns at once. Thread-safe.
class CallEventSink {
 public:
  virtual ~CallEventSink() = default;
  // Starts the log of an inbound call to `hotline`.
  virtual CallHandle OpenCall(HotlineId hotline, std::optional<std::string> caller,
                              Timestamp at) = 0;
  virtual void AddEntry(CallHandle call, CallEntry entry) = 0;
  virtual void CloseCall(CallHandle call, CallOutcome outcome,
                         std::optional<AnsweredBy> answered_by, Timestamp at) = 0;
  // Starts the telephone record of one leg of `call`; `agent` names the agent's phone that
  // `to` reaches, for a leg to an agent (nullopt otherwise).
  virtual LegHandle OpenLeg(CallHandle call, LegDirection direction,
                            std::optional<std::string> from, std::string to, Timestamp at,
                            std::optional<AgentPhoneRef> agent) = 0;
  virtual void AnswerLeg(LegHandle leg, Timestamp at) = 0;
  // Ends a leg's record; `quality` is what RTCP showed of its audio (nullopt: nothing).
  virtual void CloseLeg(LegHandle leg, LegDisposition disposition, std::optional<int> sip_status,
                        Timestamp at, std::optional<LegQuality> quality) = 0;
  // A voicemail of `call` is being recorded into `file`; then it was kept, `duration` long, or
  // (nullopt) nothing of it was.
  virtual void StartVoicemail(CallHandle call, std::string file, Timestamp at) = 0;
  virtual void FinishVoicemail(CallHandle call, std::string file,
                               std::optional<std::chrono::milliseconds> duration,
                               Timestamp at) = 0;
  // Blocks until every event accepted before the call is durable, or `timeout` passed.
  // Errors: kUnavailable (the store is failing or slow; the events are kept and retried).
  virtual Status Flush(std::chrono::milliseconds timeout) = 0;
};

// Port: writes batches of call events to durable storage. Used by one thread at a time.
class CallEventWriter {
 public:
  virtual ~CallEventWriter() = default;
  // Writes `events` in one transaction: all or none. Events about a call or leg the writer
  // does not know (its hotline was deleted meanwhile, or it was opened before a restart) are
  // skipped, not errors. Errors: kUnavailable (transient: retry the same batch); anything
  // else means one of the events cannot be written.
  virtual Status Write(std::span<const CallEvent> events) = 0;
};

}  // namespace fr
