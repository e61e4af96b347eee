// CallControl, part two: ringing the agents' phones, their answers, and the bridge.
#include <spdlog/spdlog.h>

#include <algorithm>

#include "adapters/telephony/engine/call_control.hpp"
#include "adapters/telephony/sip/sdp.hpp"

namespace fr::telephony {
namespace {

// RFC 4733 payload type we offer agents' phones.
constexpr int kTelephoneEventPayloadType = 101;

// "0049…" (the API's form) → "+49…" (E.164, what SIP trunks expect in user parts).
std::string E164(const std::string& number) {
  return number.starts_with("00") ? "+" + number.substr(2) : number;
}

}  // namespace

void CallControl::StartRinging(Call& call) {
  call.phase = Phase::kRinging;
  media_.PlayRingback(call.caller_stream);
  routing_work_.Post([this, id = call.id, hotline = call.hotline] {
    auto targets = router_.PhonesToRing(hotline);
    loop_.Post([this, id, targets = std::move(targets)] {
      Call* ringing = Find(id);
      if (ringing && ringing->phase == Phase::kRinging) RingAgents(*ringing, targets);
    });
  });
}

void CallControl::RingAgents(Call& call, const Result<std::vector<AgentTarget>>& targets) {
  if (!targets.ok()) {
    spdlog::error("call {}: cannot read the agents' phones: {}", call.id, targets.error().detail);
    Farewell(call, CallOutcome::kFailed, "The agents' phones could not be read.");
    return;
  }
  if (targets->empty()) {
    recorder_.Note(call, CallEntryType::kNoAgentAvailable, std::nullopt,
                   "No agent of the hotline has an active phone.");
    Farewell(call, CallOutcome::kMissed, "Nobody could be called.");
    return;
  }
  call.ringing_since = recorder_.Now();
  for (const AgentTarget& target : *targets) Dial(call, target);
  if (call.agents.empty()) {
    Farewell(call, CallOutcome::kMissed, "No agent's phone could be called.");
    return;
  }
  call.ring_timer = loop_.StartTimer(config_.ring_timeout, [this, id = call.id] { OnRingTimeout(id); });
}

// Why `target` is not dialled (a refused number, no outbound channel left); nullopt: dial it.
std::optional<std::string> CallControl::NotDialled(const Call& call,
                                                   const AgentTarget& target) const {
  if (target.refusal) {
    spdlog::warn("call {}: agent phone {} is not called: {}", call.id, target.phone.value,
                 *target.refusal);
    return *target.refusal;
  }
  const auto in_use = outbound_in_use_.find(call.hotline.id.value);
  if (in_use != outbound_in_use_.end() && in_use->second >= call.hotline.channels_outbound) {
    return "All " + std::to_string(call.hotline.channels_outbound) +
           " outbound channels of the hotline are in use.";
  }
  return std::nullopt;
}

void CallControl::Dial(Call& call, const AgentTarget& target) {
  if (!target.refusal && presence_.InCall(target.number)) {
    // A volunteer on a call is not rung for another ("one volunteer got two calls").
    recorder_.Note(call, CallEntryType::kAgentBusySkipped, target,
                   "The phone is in another call of this service.");
    return;
  }
  if (auto why = NotDialled(call, target)) {
    recorder_.Note(call, CallEntryType::kAgentFailed, target, std::move(why));
    return;
  }
  auto stream = media_.OpenStream();
  if (!stream.ok()) {
    recorder_.Note(call, CallEntryType::kAgentFailed, target, "No media port is free.");
    return;
  }
  const auto port = media_.LocalPort(*stream);
  const auto leg = port.ok() ? signalling_.Dial({E164(target.number), E164(call.hotline.number),
                                                 call.hotline.name,
                                                 LocalSdp(*port, sip::kPayloadPcmu,
                                                          kTelephoneEventPayloadType)})
                             : Result<LegId>(port.error());
  if (!leg.ok()) {
    media_.Close(*stream);
    recorder_.Note(call, CallEntryType::kAgentFailed, target, leg.error().detail);
    return;
  }
  ++outbound_in_use_[call.hotline.id.value];
  AgentLeg agent;
  agent.target = target;
  agent.leg = *leg;
  agent.stream = *stream;
  agent.record = recorder_.AgentDialed(call, target);
  call.agents.push_back(std::move(agent));
  call_by_leg_[*leg] = call.id;
}

void CallControl::Handle(const sip::LegRinging& ringing) {
  Call* call = CallOf(ringing.leg);
  AgentLeg* agent = call ? call->Agent(ringing.leg) : nullptr;
  if (!agent || agent->ringing_noted) return;
  agent->ringing_noted = true;
  recorder_.Note(*call, CallEntryType::kAgentRinging, agent->target);
}

void CallControl::Handle(const sip::LegAnswered& answered) {
  Call* call = CallOf(answered.leg);
  AgentLeg* agent = call ? call->Agent(answered.leg) : nullptr;
  if (!agent) return;
  agent->answered = true;
  agent->answered_at = recorder_.Now();
  if (!agent->in_presence) {
    agent->in_presence = true;
    presence_.Joined(agent->target.number);
  }
  recorder_.LegAnswered(agent->record);
  if (call->phase != Phase::kRinging || call->winner) {
    // Someone else was faster, or the call is ending: this agent is not needed.
    HangUp(*agent);
    return;
  }
  if (!UseAnswer(*call, *agent, answered.remote_sdp)) return;
  if (call->hotline.confirm_answer) {
    AskToConfirm(*call, *agent);
    return;
  }
  recorder_.Note(*call, CallEntryType::kAgentAnswered, agent->target);
  Won(*call, *agent);
  call->phase = Phase::kAgentPrompt;
  if (call->hotline.tts_outbound.empty()) {
    Bridge(*call);
    return;
  }
  Say(*call, agent->stream, call->hotline.tts_outbound, [this](Call& c, bool) {
    if (c.phase == Phase::kAgentPrompt) Bridge(c);
  });
}

// `agent` takes the call: every other leg is released, the agent's audio is watched.
void CallControl::Won(Call& call, AgentLeg& agent) {
  call.winner = static_cast<std::size_t>(&agent - call.agents.data());
  call.ring_timer.reset();
  if (call.ringing_since && agent.answered_at) {
    counters_.RingToAnswer(
        std::chrono::duration<double>(*agent.answered_at - *call.ringing_since).count());
  }
  for (AgentLeg& other : call.agents) {
    if (&other == &agent || other.ended || other.hangup_sent_at) continue;
    if (other.confirming) {
      ReleaseConfirming(call, other, true);
      continue;
    }
    if (!other.answered) other.cancelled_by_us = true;
    HangUp(other);
  }
  WatchMedia(call, agent.stream);
}

// Points the agent's stream at the answer's audio; false (and the leg hung up) if unusable.
bool CallControl::UseAnswer(Call& call, AgentLeg& agent, const std::string& remote_sdp) {
  const auto answer = sip::ParseAudioOffer(remote_sdp);
  const int codec = answer.ok() ? sip::ChooseCodec(*answer) : -1;
  const Status remote =
      codec < 0 ? Status(Error::InvalidArgument("no G.711 audio"))
                : media_.SetRemote(agent.stream, answer->address, answer->port,
                                   static_cast<media::Codec>(codec), answer->telephone_event_pt);
  if (remote.ok()) {
    if (answer->rtcp_port != 0) media_.SetRemoteRtcpPort(agent.stream, answer->rtcp_port);
    return true;
  }
  recorder_.Note(call, CallEntryType::kAgentFailed, agent.target,
                 "The agent's phone answered without usable audio.");
  HangUp(agent);
  return false;
}

// The far end moved its media (re-INVITE): audio goes to the new address from now on. An offer
// we cannot use (a hold with 0.0.0.0, no G.711) leaves the stream as it was.
void CallControl::Handle(const sip::LegMediaChanged& changed) {
  Call* call = CallOf(changed.leg);
  if (!call) return;
  std::optional<media::StreamId> stream;
  if (changed.leg == call->inbound && !call->inbound_ended) {
    stream = call->caller_stream;
  } else if (const AgentLeg* agent = call->Agent(changed.leg); agent && !agent->ended) {
    stream = agent->stream;
  }
  const auto offer = sip::ParseAudioOffer(changed.remote_sdp);
  const int codec = offer.ok() ? sip::ChooseCodec(*offer) : -1;
  if (!stream || codec < 0) return;
  if (!media_.SetRemote(*stream, offer->address, offer->port, static_cast<media::Codec>(codec),
                        offer->telephone_event_pt)
           .ok()) {
    spdlog::warn("call {}: a re-INVITE offered media we cannot send to", call->id);
    return;
  }
  if (offer->rtcp_port != 0) media_.SetRemoteRtcpPort(*stream, offer->rtcp_port);
}

void CallControl::Bridge(Call& call) {
  AgentLeg& agent = call.agents[*call.winner];
  media_.Bridge(call.caller_stream, agent.stream);
  call.phase = Phase::kBridged;
  call.outcome = CallOutcome::kAnswered;
  recorder_.Note(call, CallEntryType::kBridged, agent.target);
}

void CallControl::OnRingTimeout(std::uint64_t id) {
  Call* call = Find(id);
  if (!call || call->phase != Phase::kRinging) return;
  const bool someone_confirming = std::any_of(call->agents.begin(), call->agents.end(),
                                              [](const AgentLeg& a) { return a.confirming; });
  for (AgentLeg& agent : call->agents) {
    if (agent.ended || agent.answered) continue;
    agent.timed_out = true;
    recorder_.Note(*call, CallEntryType::kAgentNoAnswer, agent.target);
    // An agent who answered may still take the call: only the ringing phones stop.
    if (someone_confirming) HangUp(agent);
  }
  if (!someone_confirming)
    Farewell(*call, CallOutcome::kMissed, "Nobody answered within the ring timeout.");
}

}  // namespace fr::telephony
