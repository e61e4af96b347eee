#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "domain/agent_phone/agent_phone_repository.hpp"
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

// What the telephony engine asks about a call: which hotline a dialed number reaches, which
// phones to ring, and the caller's number in the API's form. Every answer is read fresh, so a
// change to a hotline or an agent phone applies to the next call. Thread-safe.
class CallRoutingService {
 public:
  CallRoutingService(HotlineRepository& hotlines, AgentPhoneRepository& phones,
                     NumberInventory& numbers, const NumberingPlan& plan)
      : hotlines_(hotlines), phones_(phones), numbers_(numbers), plan_(plan) {}

  // The hotline `dialed` reaches: "+49241…", "0049241…" and the national form "0241…" of any
  // country the inventory has numbers in all match. Errors: kNotFound (no hotline has this
  // number); kFailedPrecondition (the hotline is paused or not active yet).
  Result<Hotline> ResolveInbound(std::string_view dialed);

  // The active phones of the hotline's agents, in the hotline's agent order, then by phone id,
  // read in one query. A number that is no longer allowed (premium-rate, shared-cost, invalid)
  // is left out: calls to it would cost the organisation money it never agreed to.
  Result<std::vector<AgentTarget>> PhonesToRing(const Hotline& hotline);

  // The caller's number in "00…" form; a national number is read in the country of the
  // hotline's number. nullopt when withheld ("anonymous", empty) or not a phone number.
  std::optional<std::string> CallerNumber(std::string_view caller, const Hotline& hotline) const;

 private:
  HotlineRepository& hotlines_;
  AgentPhoneRepository& phones_;
  NumberInventory& numbers_;
  const NumberingPlan& plan_;
};

}  // namespace fr
