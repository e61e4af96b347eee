// CallControl, part four: hotlines with confirmAnswer (decision 0025). An agent whose phone
// answers must press 1 before the caller is put through, so that a voicemail or a pocket
// answer never takes the call; the other phones ring on meanwhile.
#include <spdlog/spdlog.h>

#include "adapters/telephony/engine/call_control.hpp"

namespace fr::telephony {
namespace {

std::string SecondsText(std::chrono::milliseconds duration) {
  const auto ms = duration.count();
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + " s";
  return std::to_string(ms) + " ms";
}

}  // namespace

void CallControl::AskToConfirm(Call& call, AgentLeg& agent) {
  agent.confirming = true;
  recorder_.Note(call, CallEntryType::kAgentAnswered, agent.target,
                 "Asked to press 1 to take the call.");
  media_.OnDigit(agent.stream, [this, id = call.id, leg = agent.leg](char key) {
    loop_.Post([this, id, leg, key] {
      Call* pressing_call = Find(id);
      AgentLeg* pressing = pressing_call ? pressing_call->Agent(leg) : nullptr;
      if (pressing) Pressed(*pressing_call, *pressing, key);
    });
  });
  const std::string& outbound = call.hotline.tts_outbound;
  const std::string press_one = Sentence(call, BuiltInSentence::kPressOneToTake);
  std::string prompt = outbound.empty() ? press_one : outbound + "\n" + press_one;
  // The time to answer runs from the end of the prompt: a long outbound text must not eat it.
  Say(call, agent.stream, std::move(prompt), [this, leg = agent.leg](Call& c, bool) {
    if (AgentLeg* asked = c.Agent(leg); asked && asked->confirming && !asked->confirm_timer) {
      StartConfirmTimer(c, *asked);
    }
  });
}

void CallControl::StartConfirmTimer(Call& call, AgentLeg& agent) {
  agent.confirm_timer =
      loop_.StartTimer(config_.confirm_timeout, [this, id = call.id, leg = agent.leg] {
        Call* c = Find(id);
        AgentLeg* waiting = c ? c->Agent(leg) : nullptr;
        if (!waiting || !waiting->confirming) return;
        NotConfirmed(*c, *waiting,
                     "No key was pressed within " + SecondsText(config_.confirm_timeout) + ".");
        HangUp(*waiting);
      });
}

void CallControl::Handle(const sip::LegDigit& digit) {
  Call* call = CallOf(digit.leg);
  AgentLeg* agent = call ? call->Agent(digit.leg) : nullptr;
  if (agent) Pressed(*call, *agent, digit.key);
}

// A key from an agent's phone, by RFC 4733 or SIP INFO. Only a confirming agent's keys count;
// keys of a bridged agent are relayed by the media, not decided here.
void CallControl::Pressed(Call& call, AgentLeg& agent, char key) {
  if (!agent.confirming || agent.ended) return;
  if (key == '1') {
    Confirmed(call, agent);
    return;
  }
  NotConfirmed(call, agent, std::string("The agent pressed ") + key + " instead of 1.");
  HangUp(agent);
}

// The first agent to press 1 takes the call: confirming implies the call is still ringing for
// an agent (every way out of that clears `confirming` first).
void CallControl::Confirmed(Call& call, AgentLeg& agent) {
  agent.confirming = false;
  agent.confirm_timer.reset();
  recorder_.Note(call, CallEntryType::kAgentConfirmed, agent.target);
  // Later keys of this agent are meant for the caller.
  media_.OnDigit(agent.stream, nullptr);
  Won(call, agent);
  Bridge(call);  // the agent heard the outbound text before pressing 1
}

void CallControl::NotConfirmed(Call& call, AgentLeg& agent, std::string why) {
  agent.confirming = false;
  agent.confirm_timer.reset();
  agent.not_confirmed = true;
  spdlog::info("call {}: agent phone {} not confirmed: {}", call.id, agent.target.phone.value, why);
  recorder_.Note(call, CallEntryType::kAgentNotConfirmed, agent.target, std::move(why));
}

void CallControl::ReleaseConfirming(Call& call, AgentLeg& agent, bool tell) {
  agent.confirming = false;
  agent.confirm_timer.reset();
  agent.released = true;
  media_.OnDigit(agent.stream, nullptr);
  if (!tell) {
    HangUp(agent);
    return;
  }
  // A volunteer who pressed 1 a moment too late learns why the line goes dead.
  Say(call, agent.stream, Sentence(call, BuiltInSentence::kAlreadyTaken), [this, leg = agent.leg](Call& c, bool) {
    if (AgentLeg* told = c.Agent(leg); told && !told->ended && !told->hangup_sent_at) {
      HangUp(*told);
    }
  });
}

}  // namespace fr::telephony
