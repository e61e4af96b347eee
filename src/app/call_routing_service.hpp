#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/caller_flood_guard.hpp"
#include "app/stored_number_plan.hpp"
#include "common/clock.hpp"
#include "common/result.hpp"
#include "domain/agent_phone/agent_phone_repository.hpp"
#include "domain/blocked_caller/blocked_caller.hpp"
#include "domain/hotline/hotline.hpp"
#include "domain/hotline/hotline_repository.hpp"
#include "domain/numbers/phone_number.hpp"

namespace fr {

// One phone to ring for a call: an active agent phone of one of the hotline's agents.
struct AgentTarget {
  UserId user;
  AgentPhoneId phone;
  std::string number;  // "00…"
  // Why this phone must not be called although it is active (it is one of the service's own
  // numbers); empty when it may be called. Refused phones are listed so the call log says why.
  std::optional<std::string> refusal;
};

// Whether a call to an active hotline goes on: refused unrung (blocked), answered only to hear
// that the hotline is closed, or open (decisions 0042, 0044).
enum class CallVerdict { kOpen, kClosed, kBlocked };

struct CallAdmission {
  CallVerdict verdict = CallVerdict::kOpen;
  std::string detail;  // why, for the call log (blocked, closed)
  // Checks that could not be made (storage failed, a time zone left the database): the call
  // was let through, and the engine logs these.
  std::vector<std::string> warnings;
};

// What the telephony engine asks about a call: which hotline a dialed number reaches, which
// phones to ring, and the caller's number in the API's form. Every answer is read fresh, so a
// change to a hotline or an agent phone applies to the next call. Thread-safe.
class CallRoutingService {
 public:
  CallRoutingService(HotlineRepository& hotlines, AgentPhoneRepository& phones,
                     NumberInventory& numbers, BlockedCallerRepository& blocks,
                     CallerFloodGuard& flood_guard, const NumberingPlan& plan, const Clock& clock,
                     bool require_verified_phones = true)
      : require_verified_phones_(require_verified_phones),
        hotlines_(hotlines),
        phones_(phones),
        numbers_(numbers),
        blocks_(blocks),
        flood_guard_(flood_guard),
        plan_(plan),
        stored_numbers_(plan),
        clock_(clock) {}

  // The hotline `dialed` reaches: "+49241…", "0049241…" and the national form "0241…" of any
  // country the inventory has numbers in all match. Errors: kNotFound (no hotline has this
  // number); kFailedPrecondition (the hotline is paused or not active yet).
  Result<Hotline> ResolveInbound(std::string_view dialed);

  // The active phones of the hotline's agents, in the hotline's agent order, then by phone id,
  // read in one query. A number that is no longer allowed (premium-rate, shared-cost, invalid)
  // is left out: calls to it would cost the organisation money it never agreed to. With
  // require_verified_phones (--require-verified-phones), a phone whose number is not verified
  // is left out too: a mistyped number must never get a crisis call (decision 0069).
  Result<std::vector<AgentTarget>> PhonesToRing(const Hotline& hotline);

  // The caller's number in "00…" form; a national number is read in the country of the
  // hotline's number. nullopt when withheld ("anonymous", empty) or not a phone number.
  std::optional<std::string> CallerNumber(std::string_view caller, const Hotline& hotline) const;

  // Whether a call from `caller` (CallerNumber's answer: nullopt when withheld or unreadable)
  // to `hotline` goes on now, in this order: a withheld number on a hotline with
  // rejectAnonymous, a number on the organisation's blocklist, and a caller over the flood
  // guard's limit are blocked; outside the schedule the hotline is closed. A check that cannot
  // be made lets the call through with a warning: a failure must not turn callers away.
  CallAdmission Admit(const Hotline& hotline, const std::optional<std::string>& caller);

 private:
  const bool require_verified_phones_;
  HotlineRepository& hotlines_;
  AgentPhoneRepository& phones_;
  NumberInventory& numbers_;
  BlockedCallerRepository& blocks_;
  CallerFloodGuard& flood_guard_;
  const NumberingPlan& plan_;
  // The plan for hotline and agent phone numbers, never for a caller's (decision 0090).
  StoredNumberPlan stored_numbers_;
  const Clock& clock_;
};

}  // namespace fr
