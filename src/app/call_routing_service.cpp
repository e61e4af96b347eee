#include "app/call_routing_service.hpp"

#include <algorithm>

#include "domain/numbers/number_rules.hpp"

namespace fr {
namespace {

Error NoSuchNumber() { return Error::NotFound("No hotline has this number."); }

// "+4924155660000" or "004924155660000", not "+49 241 5566-0000".
bool IsDigitsOnly(std::string_view number) {
  if (number.starts_with('+')) number.remove_prefix(1);
  return !number.empty() &&
         std::all_of(number.begin(), number.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The number of a SIP user part: carriers append parameters ("+4930123;npdi;rn=+4930999").
std::string_view WithoutUserParameters(std::string_view user) {
  return user.substr(0, user.find(';'));
}

}  // namespace

Result<Hotline> CallRoutingService::ResolveInbound(std::string_view dialed) {
  dialed = WithoutUserParameters(dialed);
  std::vector<std::string> candidates;
  // What was dialled is remembered only once a hotline has it: a scanner's guesses are not.
  const auto international = stored_numbers_.ParseUnremembered(dialed);
  if (international) {
    candidates.push_back(international->international);
  } else {
    FR_ASSIGN_OR_RETURN(const auto countries, numbers_.Countries());
    for (const std::string& country : countries) {
      if (const auto national = plan_.ParseNational(dialed, country)) {
        candidates.push_back(national->international);
      }
    }
  }
  for (const std::string& number : candidates) {
    FR_ASSIGN_OR_RETURN(auto hotline, hotlines_.FindByNumber(number));
    if (!hotline) continue;
    // Only a spelling of digits (with its "+"): a caller dialling the hotline's number with
    // spaces, dashes or brackets in ever new places would fill the memo and empty it for all.
    if (international && IsDigitsOnly(dialed)) {
      stored_numbers_.Remember(dialed, *international);
    }
    if (hotline->status != HotlineStatus::kActive) {
      return Error::FailedPrecondition("The hotline is " +
                                       std::string(HotlineStatusName(hotline->status)) + ".");
    }
    return std::move(*hotline);
  }
  return NoSuchNumber();
}

Result<std::vector<AgentTarget>> CallRoutingService::PhonesToRing(const Hotline& hotline) {
  FR_ASSIGN_OR_RETURN(const auto phones, phones_.ListActiveForHotline(hotline.id));
  std::vector<AgentTarget> targets;
  for (const AgentPhoneToRing& found : phones) {
    const AgentPhone& phone = found.phone;
    if (require_verified_phones_ && phone.verification != PhoneVerification::kVerified) continue;
    std::vector<FieldError> refused;
    const auto number = CheckAgentNumber(stored_numbers_, "phone", phone.phone, refused);
    if (!number) continue;
    const bool duplicate = std::any_of(targets.begin(), targets.end(), [&](const AgentTarget& t) {
      return t.number == number->international;
    });
    // Two agents sharing one phone: ring it once.
    if (duplicate) continue;
    // The read compared the stored number with the inventory; a number stored in an older
    // form than today's rules give is looked up as it is dialled.
    bool own = found.is_service_number;
    if (number->international != phone.phone) {
      FR_ASSIGN_OR_RETURN(own, numbers_.Contains(number->international));
    }
    std::optional<std::string> refusal;
    if (own) refusal = "The phone's number is one of this service's own numbers; it is never called.";
    targets.push_back({phone.user_id, phone.id, number->international, std::move(refusal)});
  }
  return targets;
}

std::optional<std::string> CallRoutingService::CallerNumber(std::string_view caller,
                                                            const Hotline& hotline) const {
  caller = WithoutUserParameters(caller);
  if (caller.empty() || caller == "anonymous" || caller == "Anonymous") return std::nullopt;
  const auto hotline_number = stored_numbers_.Parse(hotline.number, nullptr);
  const std::string region = hotline_number ? hotline_number->region : "ZZ";
  if (const auto number = plan_.ParseNational(caller, region)) return number->international;
  return std::nullopt;
}

CallAdmission CallRoutingService::Admit(const Hotline& hotline,
                                        const std::optional<std::string>& caller) {
  const Timestamp now = clock_.Now();
  CallAdmission admission;
  const auto block = [&admission](std::string detail) {
    admission.verdict = CallVerdict::kBlocked;
    admission.detail = std::move(detail);
    return admission;
  };
  if (!caller && hotline.reject_anonymous) {
    return block("The caller withheld their number (or sent none that can be read), and the "
                 "hotline rejects anonymous calls.");
  }
  if (caller) {
    const auto blocked = blocks_.IsBlocked(hotline.organization_id, *caller, now);
    if (!blocked.ok()) {
      admission.warnings.push_back("cannot read the blocklist: " + blocked.error().detail);
    } else if (*blocked) {
      return block("The caller's number is on the organization's blocklist.");
    }
    if (!flood_guard_.Admit(hotline.id, *caller, now)) {
      return block("More than " + std::to_string(flood_guard_.calls_per_hour()) +
                   " calls from this number to this hotline within an hour.");
    }
  }
  if (hotline.schedule) {
    const auto open = IsOpenAt(*hotline.schedule, now);
    if (!open.ok()) {
      admission.warnings.push_back(open.error().detail + " The hotline is treated as open.");
    } else if (!*open) {
      admission.verdict = CallVerdict::kClosed;
      admission.detail = "Outside the opening hours (" + hotline.schedule->time_zone + ").";
    }
  }
  return admission;
}

}  // namespace fr
