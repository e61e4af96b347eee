#pragma once

#include <string>

#include "adapters/telephony/sip/sip_endpoint.hpp"
#include "common/result.hpp"

namespace fr::telephony {

// The signalling vocabulary of the call control. The values are the SIP endpoint's plain
// structs (no sofia types): a leg id, the events of a leg, and what a dialled call carries.
using LegId = sip::LegId;
using SignallingEvent = sip::SipEvent;  // IncomingCall, LegRinging, LegAnswered,
                                        // LegMediaChanged, LegEnded

// Port: the SIP side of calls, as the call control uses it. Implemented by SipSignalling
// (sofia-sip) and by a fake in the tests.
//
// Events: an implementation reports the events of every leg, in order, to a handler given to
// it at construction; the engine posts them to the control thread, where CallControl::On takes
// them. A leg's events are IncomingCall (inbound) or the Dial() call (outbound) first, then
// LegRinging*, LegAnswered at most once, LegMediaChanged* on answered legs, and always exactly
// one LegEnded last (also after Hangup(), Reject() and when the implementation stops).
//
// Threading: every command may be called from any thread and never blocks on the network.
// Commands on an ended or unknown leg are ignored: the leg may have ended concurrently.
class CallSignalling {
 public:
  virtual ~CallSignalling() = default;

  // Accepts an unanswered inbound leg with `local_sdp` as our answer (200 OK).
  virtual void Answer(LegId inbound, std::string local_sdp) = 0;

  // Refuses an unanswered inbound leg with a final `status` (300..699); LegEnded follows.
  virtual void Reject(LegId inbound, int status, std::string reason) = 0;

  // Calls an agent's phone through the trunk; returns the new leg at once, its outcome comes as
  // events. Errors: kInvalidArgument (a number with characters SIP cannot carry, empty SDP);
  // kFailedPrecondition (not running, or no trunk configured).
  [[nodiscard]] virtual Result<LegId> Dial(const sip::OutgoingCall& call) = 0;

  // Ends the leg whatever its state: refuses an unanswered inbound leg, CANCELs a ringing
  // outbound one, BYEs an answered one (a 200 that crosses our CANCEL is ACKed, then BYEd and
  // reported as LegEnded with status 200). Exactly one LegEnded follows.
  virtual void Hangup(LegId leg) = 0;
};

}  // namespace fr::telephony
