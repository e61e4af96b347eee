#pragma once

#include <optional>
#include <string>

#include "adapters/telephony/engine/call_model.hpp"
#include "common/clock.hpp"
#include "domain/call_log/call_events.hpp"

namespace fr::telephony {

// The one place that builds a call's log: every entry, leg record and closing of the calls the
// engine runs goes through here to the CallEventSink, stamped with the clock. Holds no state of
// its own; call it from the control thread (the sink itself is thread-safe).
class CallRecorder {
 public:
  CallRecorder(CallEventSink& events, const Clock& clock) : events_(events), clock_(clock) {}

  // Opens the log of an answered inbound call: call_received, and the caller's leg, answered.
  // Sets call.started_at, call.handle and call.inbound_record.
  void Opened(Call& call, const std::optional<std::string>& caller);

  // The whole log of a call refused at once (486 channel limit, 488 codec): call_received,
  // `why` with `detail`, the caller's leg closed with `disposition` and `sip_status`, ended.
  void Refused(const Hotline& hotline, const std::optional<std::string>& caller,
               CallEntryType why, const std::string& detail, LegDisposition disposition,
               int sip_status, CallOutcome outcome);

  // One entry, naming the agent's phone when given.
  void Note(const Call& call, CallEntryType type,
            const std::optional<AgentTarget>& agent = std::nullopt,
            std::optional<std::string> detail = std::nullopt);

  // Opens the record of a leg to `target` and notes agent_dialed; returns the record.
  LegHandle AgentDialed(const Call& call, const AgentTarget& target);

  void LegAnswered(LegHandle leg);
  // A leg's end: `hangup_sent_at` when we hung it up (BYE or CANCEL sent), else now. Moves
  // call.last_leg_end to it if later.
  Timestamp LegEnded(Call& call, std::optional<Timestamp> hangup_sent_at);
  // Closes a leg's record at `end` (LegEnded's), with the quality of its audio (decision 0023)
  // when RTCP measured any: written once its stream's close reported it (decision 0092).
  void LegClosed(LegHandle leg, LegDisposition disposition, std::optional<int> sip_status,
                 Timestamp end, std::optional<LegQuality> quality);

  // Closes the log at call.last_leg_end (now if no leg ended): an `ended` entry with
  // call.end_detail, the outcome, and who answered.
  void Closed(const Call& call);

  // A voicemail of the call is being recorded into `file`; then kept, `duration` long, or
  // (nullopt) nothing of it was (decision 0055).
  void VoicemailStarted(const Call& call, const std::string& file);
  void VoicemailFinished(const Call& call, const std::string& file,
                         std::optional<std::chrono::milliseconds> duration);

  Timestamp Now() const { return clock_.Now(); }

 private:
  CallEventSink& events_;
  const Clock& clock_;
};

}  // namespace fr::telephony
