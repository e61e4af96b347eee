// CallControl, part three: every way a leg or a call ends, and the call's outcome.
#include <spdlog/spdlog.h>

#include "adapters/telephony/engine/call_control.hpp"

namespace fr::telephony {

void CallControl::Handle(const sip::LegEnded& ended) {
  routing_legs_.erase(ended.leg);
  Call* call = CallOf(ended.leg);
  call_by_leg_.erase(ended.leg);
  if (!call) return;
  if (ended.leg == call->inbound) {
    InboundEnded(*call, ended);
  } else if (AgentLeg* agent = call->Agent(ended.leg)) {
    AgentEnded(*call, *agent, ended);
  }
  FinishIfDone(*call);
}

void CallControl::FinishIfDone(Call& call) {
  // A voicemail's log closes once its file is whole (VoicemailSaved).
  if (call.inbound_ended && call.AllAgentsEnded() && call.streams_closing == 0 && !call.voicemail) {
    Finish(call);
  }
}

void CallControl::InboundEnded(Call& call, const sip::LegEnded& ended) {
  call.inbound_ended = true;
  const Timestamp end = recorder_.LegEnded(call, call.inbound_hangup_sent_at);
  CloseStream(call, call.caller_stream, AudioDirection::kCallerToAgent,
              [this, record = call.inbound_record, end](std::optional<LegQuality> quality) {
                recorder_.LegClosed(record, LegDisposition::kAnswered, 200, end, quality);
              });
  counters_.LegClosed(LegDirection::kInbound, LegDisposition::kAnswered);
  const Phase phase = call.phase;
  if (phase == Phase::kVoicemail && ended.cause == sip::EndCause::kRemoteBye) {
    recorder_.Note(call, CallEntryType::kCallerHungUp);
  }
  StopVoicemail(call, "The caller hung up.");
  // From here on no agent can be bridged: an answer that is still on its way gets a BYE.
  call.phase = Phase::kEnding;
  call.ring_timer.reset();
  HangUpAgents(call);
  if (phase == Phase::kFarewell || phase == Phase::kVoicemail || phase == Phase::kEnding) return;
  switch (ended.cause) {
    case sip::EndCause::kRemoteBye:
    case sip::EndCause::kRemoteCancel:
      recorder_.Note(call, CallEntryType::kCallerHungUp);
      if (phase != Phase::kBridged) call.outcome = CallOutcome::kAbandoned;
      return;
    case sip::EndCause::kLocalHangup:
      return;  // we hung up; whoever asked for it wrote why
    case sip::EndCause::kStopped:
      call.end_detail = "The service stopped during the call.";
      break;
    default:
      call.end_detail = "The caller's leg failed: " + ended.reason;
  }
  if (phase != Phase::kBridged) call.outcome = CallOutcome::kFailed;
}

void CallControl::AgentEnded(Call& call, AgentLeg& agent, const sip::LegEnded& ended) {
  if (agent.confirming) {
    NotConfirmed(call, agent,
                 ended.cause == sip::EndCause::kRemoteBye
                     ? "The agent hung up before pressing 1."
                     : "The agent's leg ended before they pressed 1: " + ended.reason);
  }
  agent.ended = true;
  ReleaseChannel(agent.claim);
  CloseAgentRecord(call, agent, ended);
  const bool is_winner = call.winner && &call.agents[*call.winner] == &agent;
  if (is_winner && !call.inbound_ended && call.phase != Phase::kFarewell &&
      call.phase != Phase::kVoicemail) {
    if (ended.cause == sip::EndCause::kRemoteBye) {
      recorder_.Note(call, CallEntryType::kAgentHungUp, agent.target);
    }
    if (call.phase == Phase::kBridged) {
      HangUpCaller(call);
    } else {
      NobodyAnswered(call, "The agent hung up before being connected.");
    }
    return;
  }
  if (call.phase == Phase::kRinging && !call.inbound_ended && !call.winner &&
      !call.forward_dialing && call.AllAgentsEnded()) {
    NobodyAnswered(call, "No agent could take the call.");
  }
}

// The leg's disposition and SIP status, and for an unanswered leg the entry that says why.
// The record itself is written once the leg's stream reported its quality (CloseStream).
void CallControl::CloseAgentRecord(Call& call, AgentLeg& agent, const sip::LegEnded& ended) {
  if (!agent.answered && ended.status == 200) {
    // The phone answered just as we cancelled: the SIP layer ACKed and BYEd it, and the
    // carrier bills it, so the record says answered.
    agent.answered = true;
    recorder_.LegAnswered(agent.record);
  }
  const Timestamp end = recorder_.LegEnded(call, agent.hangup_sent_at);
  const auto close_record = [&](LegDisposition disposition, std::optional<int> status) {
    agent.disposition = disposition;
    counters_.LegClosed(LegDirection::kOutbound, disposition);
    CloseStream(
        call, agent.stream, AudioDirection::kAgentToCaller,
        [this, record = agent.record, disposition, status, end](std::optional<LegQuality> quality) {
          recorder_.LegClosed(record, disposition, status, end, quality);
        });
  };
  if (agent.answered) {
    close_record(agent.not_confirmed ? LegDisposition::kNotConfirmed
                 : agent.released    ? LegDisposition::kCancelled
                                     : LegDisposition::kAnswered,
                 200);
    return;
  }
  const AgentLegOutcome outcome = UnansweredAgentLeg(agent, ended);
  close_record(outcome.disposition,
               ended.status > 0 ? std::optional<int>(ended.status) : std::nullopt);
  if (outcome.entry) {
    recorder_.Note(call, *outcome.entry, agent.target,
                   "SIP " + std::to_string(ended.status) + " " + ended.reason);
  }
}

void CallControl::CloseStream(Call& call, media::StreamId stream, AudioDirection direction,
                              std::function<void(std::optional<LegQuality>)> closed) {
  ++call.streams_closing;
  // The report comes from the media thread (or at once when it is not running); the call
  // waits for it in FinishIfDone, so it still exists unless CloseAll ended it at shutdown.
  // While the caller is connected the call cannot finish before the caller's own leg closes,
  // and that close, which comes at once, brings this report along if it is still queued: an
  // agent leg that ends before (a cancelled one) waits for the media thread's next tick
  // instead of waking it, and the control thread, on its own (decision 0097).
  const bool call_waits = call.inbound_ended;
  media_.CloseAndReport(
      stream,
      [this, id = call.id, direction, closed = std::move(closed)](StreamReport report) {
        loop_.Post([this, id, direction, closed, report] {
          if (report.quality) counters_.LegQualityMeasured(*report.quality);
          if (report.received) counters_.AudioReceived(direction, *report.received);
          Call* closing = Find(id);
          if (!closing) return;
          closed(report.quality);
          --closing->streams_closing;
          FinishIfDone(*closing);
          CheckIdle();  // a drain may wait for this call
        });
      },
      call_waits);
}

// Nobody takes the call: tell the caller, then hang up.
void CallControl::Farewell(Call& call, CallOutcome outcome, std::string detail,
                           std::optional<std::string> text) {
  if (call.inbound_ended) return;
  call.phase = Phase::kFarewell;
  call.outcome = outcome;
  call.end_detail = std::move(detail);
  call.ring_timer.reset();
  HangUpAgents(call);
  Say(call, call.caller_stream,
      text ? std::move(*text) : Sentence(call, BuiltInSentence::kNobodyAvailable),
      [this](Call& c, bool) { HangUpCaller(c); });
}

void CallControl::HangUpAgents(Call& call) {
  for (AgentLeg& agent : call.agents) {
    if (agent.ended) continue;
    if (agent.confirming) {
      ReleaseConfirming(call, agent, false);
      continue;
    }
    if (!agent.answered) agent.cancelled_by_us = true;
    HangUp(agent);
  }
}

void CallControl::HangUp(AgentLeg& agent) {
  if (!agent.hangup_sent_at) agent.hangup_sent_at = recorder_.Now();
  signalling_.Hangup(agent.leg);
}

void CallControl::HangUpCaller(Call& call) {
  if (call.inbound_ended || call.inbound_hangup_sent_at) return;
  call.inbound_hangup_sent_at = recorder_.Now();
  signalling_.Hangup(call.inbound);
}

void CallControl::Finish(Call& call) {
  recorder_.Closed(call);
  ReleaseChannel(call.inbound_claim);
  counters_.Ended(call.outcome, true);
  LogEnd(call);
  const std::uint64_t id = call.id;
  calls_.erase(id);  // `call` is gone from here on
}

// key=value pairs, so that a log search can take them apart in the text and the JSON format
// alike. Ids and outcomes only: a caller's or an agent's number never reaches the log.
void CallControl::LogEnd(const Call& call) const {
  std::string agent_legs;
  for (const AgentLeg& agent : call.agents) {
    if (!agent_legs.empty()) agent_legs += ',';
    agent_legs += agent.disposition ? LegDispositionName(*agent.disposition) : "open";
  }
  const Timestamp end = call.last_leg_end.value_or(recorder_.Now());
  spdlog::info("call ended: call={} hotline={} outcome={} duration_seconds={} legs={} "
               "agent_legs={}",
               call.id, call.hotline.id.value, CallOutcomeName(call.outcome),
               StartedSeconds(call.started_at, end), 1 + call.agents.size(),
               agent_legs.empty() ? "none" : agent_legs);
}

// Media without packets for the timeout: the far end is gone without a BYE.
void CallControl::WatchMedia(Call& call, media::StreamId stream) {
  media_.OnInactive(stream, [this, id = call.id] {
    loop_.Post([this, id] {
      if (Call* silent = Find(id)) EndNow(*silent, "No audio arrived for too long; the call was ended.");
    });
  });
}

void CallControl::LimitDuration(Call& call) {
  call.duration_timer = loop_.StartTimer(config_.max_call_duration, [this, id = call.id] {
    if (Call* long_call = Find(id)) {
      EndNow(*long_call, "The call reached the maximum call duration and was ended.");
    }
  });
}

// Hangs up every leg of a call for a technical reason; bridged calls stay answered.
void CallControl::EndNow(Call& call, std::string why) {
  StopVoicemail(call, why);
  call.end_detail = std::move(why);
  if (Undecided(call.phase)) call.outcome = CallOutcome::kFailed;
  if (call.phase != Phase::kEnding) call.phase = Phase::kFarewell;
  call.ring_timer.reset();
  HangUpAgents(call);
  HangUpCaller(call);
}

}  // namespace fr::telephony
