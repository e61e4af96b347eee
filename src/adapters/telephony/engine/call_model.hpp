#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "adapters/telephony/engine/call_signalling.hpp"
#include "adapters/telephony/engine/control_loop.hpp"
#include "adapters/telephony/media/media_types.hpp"
#include "app/call_routing_service.hpp"
#include "domain/call_log/call_events.hpp"
#include "domain/hotline/hotline.hpp"
#include "domain/node/calls_in_progress.hpp"

namespace fr::telephony {
class VoicemailTake;
}  // namespace fr::telephony

namespace fr::telephony {

// A call's phase decides what each event means (decision 0016; confirmation: decision 0025).
// Rows: phases; columns: events; letters: what happens (below); "-": nothing (the event cannot
// occur or is ignored).
//
//              caller agent   agent    agent agent confirm prompt ring    media    max      stop
//              ended  ringing answered key   ended timeout ended  timeout inactive duration
// greeting      A      -       -        -     -     -       G      -       T        T        S
// ringing       A      R       W        Q     L M X X       -      N       T        T        S
// agent_prompt  A      R       H        -     L P   -       B      -       T        T        S
// bridged       C      R       H        -     L K   -       -      -       T        T        S
// farewell      E      R       H        -     L     -       F      -       T        T        S
// voicemail     V      R       H        -     L     -       Y      -       T V      T V      S
// ending        -      R       H        -     L     -       -      -       T        T        S
//
// A  the caller left first: BYE/CANCEL caller_hung_up, abandoned; kStopped or a failed leg:
//    failed. Hang up the agents' legs, → ending.
// C  caller_hung_up (on BYE); the call stays answered. Hang up the agent, → ending.
// E  hang up the agents' legs; the outcome stays. → ending.
// R  agent_ringing, once per leg.
// W  an answer with usable audio (unusable: agent_failed, BYE). Without confirmAnswer the first
//    wins: agent_answered, cancel the other legs, → agent_prompt (→ bridged at once without an
//    outbound text). With it: agent_answered, the agent hears the outbound text and "Press 1",
//    the others keep ringing; the confirmation timer starts when the prompt ended.
// Q  a confirming agent's key: 1 wins: agent_confirmed, ringing legs cancelled, other
//    confirming agents hear that the call was taken and are released, bridge, → bridged.
//    Another key: X.
// X  agent_not_confirmed (no key in time, another key, hung up), BYE; the others ring on.
// H  BYE the answering leg: someone else was faster, or the call is ending.
// L  close the leg's record: answered (also a 200 that crossed our CANCEL), not_confirmed,
//    cancelled (we hung it up, also a confirming leg we released), busy + agent_declined (486,
//    600, 603), no_answer + agent_no_answer (408, 480, 487, a timeout), failed + agent_failed.
// M  no leg left and no winner: the hotline's noAnswer action (decision 0054): message →
//    missed, → farewell; voicemail → voicemail; forward → ringing again, the fallback number
//    as one more leg, whose answer is bridged at once (forwarded); when that leg fails too:
//    the message, → farewell.
// P  the winner hung up: agent_hung_up, missed, → farewell.
// K  the winner hung up: agent_hung_up, hang up the caller.
// G  greeting_played (unless speech failed), → ringing: ringback, dial, start the ring timer.
// B  the outbound text ended: bridge, answered, → bridged.
// F  the farewell text ended: hang up the caller.
// N  agent_no_answer for each unanswered leg, then missed, → farewell; while agents confirm,
//    only the unanswered legs end (M decides once the confirming ones are done).
// T  a technical end: failed unless bridged (stays answered); hang up every leg; → farewell
//    without a text (ending stays ending).
// Y  the voicemail prompt ended: the beep, then the recording starts. It ends on `#`, on
//    silence, at maxSeconds (we hang up) or when the caller hangs up (V).
// V  the recording ends; the log closes once its file is whole (voicemail_recorded, outcome
//    voicemail, or closed outside the hours) or gone (nothing was said: missed or closed).
// S  Stop(): the log closes with "The service stopped during the call.", failed unless
//    bridged, farewell or ending (their outcome stays).
//
// A leg's end always closes its record; the call's log closes once the caller's leg and every
// agent leg have ended.
enum class Phase {
  kGreeting,     // the caller hears the hotline's inbound text
  kRinging,      // ringback; the agents' phones ring
  kAgentPrompt,  // an agent answered and hears the outbound text; the caller still hears ringback
  kBridged,      // caller and agent talk
  kFarewell,     // nobody could take the call: the caller hears why, then we hang up
  kVoicemail,    // nobody could take the call: the caller hears a prompt and is recorded
  kEnding,       // the caller is gone or the call is torn down: only leg ends matter now
};

// Before the bridge and before the call started to end: an ending changes its outcome.
inline bool Undecided(Phase phase) {
  return phase == Phase::kGreeting || phase == Phase::kRinging || phase == Phase::kAgentPrompt;
}

// One phone we dialled for a call.
struct AgentLeg {
  AgentTarget target;
  LegId leg = 0;
  media::StreamId stream;
  LegHandle record;
  bool ringing_noted = false;
  bool answered = false;
  std::optional<Timestamp> answered_at;  // its 200 OK: ring-to-answer ends here
  bool ended = false;
  std::optional<LegDisposition> disposition;  // once its record closed
  bool cancelled_by_us = false;  // we hung it up before it was answered
  bool timed_out = false;        // … because nobody answered in time
  ChannelClaimId claim;          // the outbound channel it holds until it ends
  bool in_call_marked = false;   // answered: its phone counts as in a call until the release
  // confirmAnswer: answered, hearing the prompt or waiting for the key; the timer runs once the
  // prompt ended. An agent who does not press 1 is not_confirmed; one released because the
  // call went to someone else or ended is cancelled.
  bool confirming = false;
  std::unique_ptr<ControlTimer> confirm_timer;
  bool not_confirmed = false;
  bool released = false;
  // When we sent BYE or CANCEL: the leg ends for billing then, not when the far end (perhaps
  // gone) confirms, which can take a transaction timeout (32 s).
  std::optional<Timestamp> hangup_sent_at;
};

// One inbound call and its agent legs. Owned by CallControl, control thread only.
struct Call {
  std::uint64_t id = 0;
  Hotline hotline;
  LegId inbound = 0;
  media::StreamId caller_stream;
  CallHandle handle;
  LegHandle inbound_record;
  Phase phase = Phase::kGreeting;
  Timestamp started_at{};                   // answered: the call log's start
  std::optional<Timestamp> ringing_since;  // the agents' phones started ringing
  bool inbound_ended = false;
  std::optional<Timestamp> inbound_hangup_sent_at;  // as AgentLeg::hangup_sent_at
  std::optional<Timestamp> last_leg_end;  // the latest end of a leg: the call's end
  // Streams of ended legs whose close has not reported back yet (CloseStream): their legs'
  // records are written then, and the log closes only after them.
  int streams_closing = 0;
  // The inbound channel the call holds until its log closes; the caller's number counts as in
  // a call until then.
  ChannelClaimId inbound_claim;
  std::vector<AgentLeg> agents;
  std::optional<std::size_t> winner;  // index into agents
  std::unique_ptr<ControlTimer> ring_timer;
  std::unique_ptr<ControlTimer> duration_timer;
  CallOutcome outcome = CallOutcome::kFailed;
  std::optional<std::string> end_detail;
  // The voicemail being recorded (phase voicemail), until its file is whole or gone; the log
  // closes only then. `voicemail_outcome`: the outcome if a message is kept.
  std::shared_ptr<VoicemailTake> voicemail;
  bool voicemail_recording = false;  // the recording started and has not been stopped yet
  CallOutcome voicemail_outcome = CallOutcome::kVoicemail;
  int voicemail_max_seconds = kDefaultVoicemailSeconds;
  std::unique_ptr<ControlTimer> voicemail_limit;  // maxSeconds
  std::unique_ptr<ControlTimer> voicemail_tick;   // silence checks and flushes, every second
  // The forward action (decision 0054): the call rings the fallback number as one more leg
  // (phase ringing again); its answer is bridged at once (no confirmation, no outbound text).
  bool forwarding = false;
  bool forward_dialing = false;  // its channel is being claimed: no leg to wait for yet
  std::optional<std::string> forward_text;  // what the caller hears if the fallback fails

  AgentLeg* Agent(LegId leg) {
    for (AgentLeg& agent : agents) {
      if (agent.leg == leg) return &agent;
    }
    return nullptr;
  }
  bool AllAgentsEnded() const {
    for (const AgentLeg& agent : agents) {
      if (!agent.ended) return false;
    }
    return true;
  }
};

// How an agent's leg that never answered ended, and the entry that says so.
struct AgentLegOutcome {
  LegDisposition disposition;
  std::optional<CallEntryType> entry;
};

// Decision 0016: 486/600/603 busy (agent_declined); 408/480/487 and transaction timeouts
// no_answer; anything else failed. Legs we cancelled are cancelled; legs the ring timeout
// ended are no_answer, their entry written at the timeout.
inline AgentLegOutcome UnansweredAgentLeg(const AgentLeg& agent, const sip::LegEnded& ended) {
  if (agent.timed_out) return {LegDisposition::kNoAnswer, std::nullopt};
  if (agent.cancelled_by_us) return {LegDisposition::kCancelled, std::nullopt};
  switch (ended.cause) {
    case sip::EndCause::kRejected:
      if (ended.status == 486 || ended.status == 600 || ended.status == 603) {
        return {LegDisposition::kBusy, CallEntryType::kAgentDeclined};
      }
      if (ended.status == 408 || ended.status == 480 || ended.status == 487) {
        return {LegDisposition::kNoAnswer, CallEntryType::kAgentNoAnswer};
      }
      return {LegDisposition::kFailed, CallEntryType::kAgentFailed};
    case sip::EndCause::kTimeout:
      return {LegDisposition::kNoAnswer, CallEntryType::kAgentNoAnswer};
    default:
      return {LegDisposition::kFailed, CallEntryType::kAgentFailed};
  }
}

}  // namespace fr::telephony
