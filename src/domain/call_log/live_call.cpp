#include "domain/call_log/live_call.hpp"

#include <algorithm>

namespace fr {
namespace {

std::optional<LivePhone> PhoneOf(const CallEntry& entry) {
  if (!entry.user || !entry.agent_phone) return std::nullopt;
  return LivePhone{*entry.user, *entry.agent_phone, entry.time};
}

// The phase the entries reached, in order. A phone released without pressing 1 sends the call
// back to ringing; bridging ends the story (the call stays bridged until it ends).
void ApplyEntries(const CallLog& log, bool confirm_answer, LiveCall& call) {
  for (const CallEntry& entry : log.entries) {
    switch (entry.type) {
      case CallEntryType::kAgentDialed:
        if (call.phase == LiveCallPhase::kGreeting) {
          call.phase = LiveCallPhase::kRinging;
          call.phase_since = entry.time;
        }
        break;
      case CallEntryType::kAgentAnswered:
        if (confirm_answer && call.phase == LiveCallPhase::kRinging) {
          call.phase = LiveCallPhase::kConfirming;
          call.phase_since = entry.time;
          call.confirming = PhoneOf(entry);
        }
        break;
      case CallEntryType::kAgentNotConfirmed:
        if (call.phase == LiveCallPhase::kConfirming) {
          call.phase = LiveCallPhase::kRinging;
          call.phase_since = entry.time;
          call.confirming.reset();
        }
        break;
      case CallEntryType::kBridged:
        call.phase = LiveCallPhase::kBridged;
        call.phase_since = entry.time;
        call.confirming.reset();
        call.connected = PhoneOf(entry);
        return;
      default:
        break;
    }
  }
}

}  // namespace

const char* LiveCallPhaseName(LiveCallPhase phase) {
  switch (phase) {
    case LiveCallPhase::kGreeting:
      return "greeting";
    case LiveCallPhase::kRinging:
      return "ringing";
    case LiveCallPhase::kConfirming:
      return "confirming";
    case LiveCallPhase::kBridged:
      return "bridged";
  }
  return "greeting";
}

LiveCall DescribeLiveCall(const OpenCallRecord& record, bool confirm_answer) {
  const CallLog& log = record.log;
  LiveCall call;
  call.id = log.id;
  call.hotline = log.hotline;
  call.start_time = log.start_time;
  call.caller = log.caller;
  call.phase_since = log.start_time;
  ApplyEntries(log, confirm_answer, call);
  for (const TelephoneRecord& leg : record.agent_legs) {
    if (!leg.agent) continue;
    const UserId user = leg.agent->user;
    if (std::find(call.agents.begin(), call.agents.end(), user) == call.agents.end()) {
      call.agents.push_back(user);
    }
    if (call.phase != LiveCallPhase::kBridged && !leg.end_time && !leg.answer_time) {
      call.ringing.push_back({user, leg.agent->agent_phone, leg.start_time});
    }
  }
  return call;
}

}  // namespace fr
