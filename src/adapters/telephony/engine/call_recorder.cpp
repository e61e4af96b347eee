#include "adapters/telephony/engine/call_recorder.hpp"

#include <algorithm>
#include <utility>

namespace fr::telephony {

void CallRecorder::Opened(Call& call, const std::optional<std::string>& caller) {
  const Timestamp now = clock_.Now();
  call.started_at = now;
  call.handle = events_.OpenCall(call.hotline.id, caller, now);
  Note(call, CallEntryType::kCallReceived);
  call.inbound_record = events_.OpenLeg(call.handle, LegDirection::kInbound, caller,
                                        call.hotline.number, now, std::nullopt);
  events_.AnswerLeg(call.inbound_record, now);
}

void CallRecorder::Refused(const Hotline& hotline, const std::optional<std::string>& caller,
                           CallEntryType why, const std::string& detail,
                           LegDisposition disposition, int sip_status, CallOutcome outcome) {
  const Timestamp now = clock_.Now();
  const CallHandle call = events_.OpenCall(hotline.id, caller, now);
  events_.AddEntry(call, {now, CallEntryType::kCallReceived, {}, {}, {}});
  events_.AddEntry(call, {now, why, {}, {}, detail});
  const LegHandle leg =
      events_.OpenLeg(call, LegDirection::kInbound, caller, hotline.number, now, std::nullopt);
  events_.CloseLeg(leg, disposition, sip_status, now, std::nullopt);
  // A refusal that is itself the `ended` entry needs no second one.
  if (why != CallEntryType::kEnded) events_.AddEntry(call, {now, CallEntryType::kEnded, {}, {}, {}});
  events_.CloseCall(call, outcome, std::nullopt, now);
}

void CallRecorder::Note(const Call& call, CallEntryType type,
                        const std::optional<AgentTarget>& agent,
                        std::optional<std::string> detail) {
  CallEntry entry{clock_.Now(), type, {}, {}, std::move(detail)};
  // The fallback number of a forward is no agent's phone: its entries name none.
  if (agent && agent->phone.valid()) {
    entry.user = agent->user;
    entry.agent_phone = agent->phone;
  }
  events_.AddEntry(call.handle, std::move(entry));
}

LegHandle CallRecorder::AgentDialed(const Call& call, const AgentTarget& target) {
  const bool agent = target.phone.valid();
  const LegHandle leg =
      events_.OpenLeg(call.handle, LegDirection::kOutbound, call.hotline.number, target.number,
                      clock_.Now(),
                      agent ? std::optional(AgentPhoneRef{target.user, target.phone})
                            : std::nullopt);
  Note(call, CallEntryType::kAgentDialed, target,
       agent ? std::nullopt : std::optional<std::string>("The fallback number (forward)."));
  return leg;
}

void CallRecorder::LegAnswered(LegHandle leg) { events_.AnswerLeg(leg, clock_.Now()); }

Timestamp CallRecorder::LegEnded(Call& call, std::optional<Timestamp> hangup_sent_at) {
  const Timestamp now = clock_.Now();
  const Timestamp end = hangup_sent_at ? std::min(*hangup_sent_at, now) : now;
  if (!call.last_leg_end || *call.last_leg_end < end) call.last_leg_end = end;
  return end;
}

void CallRecorder::LegClosed(LegHandle leg, LegDisposition disposition,
                             std::optional<int> sip_status, Timestamp end,
                             std::optional<LegQuality> quality) {
  events_.CloseLeg(leg, disposition, sip_status, end, quality);
}

void CallRecorder::Closed(const Call& call) {
  const Timestamp now = call.last_leg_end.value_or(clock_.Now());
  events_.AddEntry(call.handle, {now, CallEntryType::kEnded, {}, {}, call.end_detail});
  std::optional<AnsweredBy> answered_by;
  if (call.outcome == CallOutcome::kAnswered && call.winner) {
    const AgentTarget& target = call.agents[*call.winner].target;
    answered_by = AnsweredBy{target.user, target.phone};
  }
  events_.CloseCall(call.handle, call.outcome, answered_by, now);
}

void CallRecorder::VoicemailStarted(const Call& call, const std::string& file) {
  events_.StartVoicemail(call.handle, file, clock_.Now());
}

void CallRecorder::VoicemailFinished(const Call& call, const std::string& file,
                                     std::optional<std::chrono::milliseconds> duration) {
  events_.FinishVoicemail(call.handle, file, duration, clock_.Now());
}

}  // namespace fr::telephony
