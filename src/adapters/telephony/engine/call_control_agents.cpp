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
    auto phones = PhonesToDial(hotline);
    loop_.Post([this, id, phones = std::move(phones)] {
      Call* ringing = Find(id);
      if (ringing && ringing->phase == Phase::kRinging) {
        RingAgents(*ringing, phones);
      } else if (phones.ok()) {
        for (const PhoneToDial& phone : *phones) {
          if (phone.channel) ReleaseChannel(*phone.channel);
        }
      }
    });
  });
}

Result<std::vector<CallControl::PhoneToDial>> CallControl::PhonesToDial(const Hotline& hotline) {
  FR_ASSIGN_OR_RETURN(std::vector<AgentTarget> targets, router_.PhonesToRing(hotline));
  std::vector<PhoneToDial> phones;
  for (AgentTarget& target : targets) {
    PhoneToDial phone{std::move(target)};
    if (!phone.target.refusal) {
      const auto in_call = calls_in_progress_.InCall(phone.target.number);
      phone.in_call = in_call.ok() && *in_call;
      if (!in_call.ok()) phone.no_channel = "The calls in progress could not be read.";
    }
    if (!phone.target.refusal && !phone.in_call && phone.no_channel.empty()) {
      const auto channel = calls_in_progress_.Claim(hotline.id, LegDirection::kOutbound,
                                                    hotline.channels_outbound, std::nullopt);
      if (!channel.ok()) {
        spdlog::error("sip: cannot count the calls in progress: {}", channel.error().detail);
        phone.no_channel = "The calls in progress could not be read.";
      } else if (*channel) {
        phone.channel = *channel;
      } else {
        phone.no_channel = "All " + std::to_string(hotline.channels_outbound) +
                           " outbound channels of the hotline are in use.";
      }
    }
    phones.push_back(std::move(phone));
  }
  return phones;
}

void CallControl::RingAgents(Call& call, const Result<std::vector<PhoneToDial>>& phones) {
  if (!phones.ok()) {
    spdlog::error("call {}: cannot read the agents' phones: {}", call.id, phones.error().detail);
    Farewell(call, CallOutcome::kFailed, "The agents' phones could not be read.");
    return;
  }
  if (phones->empty()) {
    recorder_.Note(call, CallEntryType::kNoAgentAvailable, std::nullopt,
                   "No agent of the hotline has an active phone.");
    NobodyAnswered(call, "Nobody could be called.");
    return;
  }
  call.ringing_since = recorder_.Now();
  for (const PhoneToDial& phone : *phones) Dial(call, phone);
  if (call.agents.empty()) {
    NobodyAnswered(call, "No agent's phone could be called.");
    return;
  }
  call.ring_timer = loop_.StartTimer(config_.ring_timeout, [this, id = call.id] { OnRingTimeout(id); });
}

// Why `phone` is not dialled (a refused number, no outbound channel left); nullopt: dial it.
std::optional<std::string> CallControl::NotDialled(const Call& call,
                                                   const PhoneToDial& phone) const {
  const AgentTarget& target = phone.target;
  if (target.refusal) {
    spdlog::warn("call {}: agent phone {} is not called: {}", call.id, target.phone.value,
                 *target.refusal);
    return *target.refusal;
  }
  if (!phone.channel) return phone.no_channel;
  return std::nullopt;
}

void CallControl::Dial(Call& call, const PhoneToDial& phone) {
  const AgentTarget& target = phone.target;
  if (phone.in_call) {
    // A volunteer on a call is not rung for another ("one volunteer got two calls").
    recorder_.Note(call, CallEntryType::kAgentBusySkipped, target,
                   "The phone is in another call of this service.");
    return;
  }
  if (auto why = NotDialled(call, phone)) {
    recorder_.Note(call, CallEntryType::kAgentFailed, target, std::move(why));
    return;
  }
  auto stream = media_.OpenStream();
  if (!stream.ok()) {
    ReleaseChannel(*phone.channel);
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
    ReleaseChannel(*phone.channel);
    recorder_.Note(call, CallEntryType::kAgentFailed, target, leg.error().detail);
    return;
  }
  AgentLeg agent;
  agent.target = target;
  agent.claim = *phone.channel;
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
  if (!agent->in_call_marked) {
    agent->in_call_marked = true;
    WriteCallsInProgress([this, claim = agent->claim, number = agent->target.number] {
      if (const Status marked = calls_in_progress_.MarkInCall(claim, number); !marked.ok()) {
        spdlog::warn("sip: an answered phone could not be marked in a call: {}",
                     marked.error().detail);
      }
    });
  }
  recorder_.LegAnswered(agent->record);
  if (call->phase != Phase::kRinging || call->winner || agent->hangup_sent_at) {
    // Someone else was faster, the call is ending, or it went on without this leg (forward):
    // this agent is not needed.
    HangUp(*agent);
    return;
  }
  if (!UseAnswer(*call, *agent, answered.remote_sdp)) return;
  // The fallback number is no volunteer's phone: it is connected at once.
  if (call->hotline.confirm_answer && !call->forwarding) {
    AskToConfirm(*call, *agent);
    return;
  }
  recorder_.Note(*call, CallEntryType::kAgentAnswered, agent->target);
  Won(*call, *agent);
  call->phase = Phase::kAgentPrompt;
  if (call->hotline.tts_outbound.empty() || call->forwarding) {
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
  // Forwarded outside the hours stays `closed` (decision 0042's outcome, the action's detail).
  call.outcome = !call.forwarding                     ? CallOutcome::kAnswered
                 : call.outcome == CallOutcome::kClosed ? CallOutcome::kClosed
                                                        : CallOutcome::kForwarded;
  recorder_.Note(call, CallEntryType::kBridged, agent.target,
                 call.forwarding ? std::optional<std::string>("Forwarded to the fallback number.")
                                 : std::nullopt);
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
  if (!someone_confirming) {
    NobodyAnswered(*call, call->forwarding ? "The fallback number did not answer in time."
                                           : "Nobody answered within the ring timeout.");
  }
}

}  // namespace fr::telephony
