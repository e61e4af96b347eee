#pragma once

#include <optional>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "domain/agent_phone/agent_phone.hpp"

namespace fr {

// An active phone of one of a hotline's agents, as routing reads it for a call.
struct AgentPhoneToRing {
  AgentPhone phone;
  bool is_service_number = false;  // its number is in the service's number inventory
};

// A verification call about to be placed (decision 0069). The code is not part of it: only the
// node that places the call knows it.
struct VerificationAttempt {
  std::int64_t id = 0;  // set by BeginVerification
  AgentPhoneId phone;
  UserId owner;
  std::string number;  // the number called, "00…"
  Timestamp started_at;
  Timestamp expires_at;  // the call fails at the latest then
};

// What keeps verification calls from becoming a way to make the service call strangers.
struct VerificationLimits {
  int per_number_per_day = 5;          // counted by the number called, whichever phone
  int per_user_per_day = 10;           // for one owner's phones, whatever their numbers
  int per_organization_per_hour = 20;  // of each organisation the owner belongs to
};

// Port: where agent phones live. Thread-safe. Every method may fail with kUnavailable or
// kInternal; other errors are listed per method.
class AgentPhoneRepository {
 public:
  virtual ~AgentPhoneRepository() = default;
  // The user's phones, ordered by id.
  virtual Result<std::vector<AgentPhone>> ListByOwner(UserId owner) = 0;
  virtual Result<std::optional<AgentPhone>> Find(AgentPhoneId id) = 0;
  // The active phones of hotline `hotline`'s agents, in one read (this runs for every call): in
  // the hotline's agent order, then by phone id, each marked if its number is one of the
  // service's own, whatever their verification (routing decides). Empty for a hotline without
  // agents or an unknown one.
  virtual Result<std::vector<AgentPhoneToRing>> ListActiveForHotline(HotlineId hotline) = 0;
  // Stores a new phone (its id is ignored; its verification is always pending) and returns it
  // with its id, atomically with the checks. Errors: kAlreadyExists (the owner has this number
  // already), kResourceExhausted (the owner has kMaxAgentPhonesPerUser phones).
  virtual Result<AgentPhone> Create(const AgentPhone& phone) = 0;
  // Replaces name, phone and is_active of phone `phone.id` (the owner never changes; the
  // verification in `phone` is ignored): a changed number makes the phone pending again, in
  // the same statement, so a verification of the old number never carries over. Returns the
  // stored phone. Errors: kNotFound, kAlreadyExists (the owner has this number on another
  // phone).
  virtual Result<AgentPhone> Update(const AgentPhone& phone) = 0;
  // Sets the verification of phone `id` if its number is still `number` (a compare-and-set: a
  // verification call proves the number it called, not one changed meanwhile). Returns whether
  // it was set. Errors: kNotFound.
  virtual Result<bool> SetVerification(AgentPhoneId id, const std::string& number,
                                       PhoneVerification verification) = 0;
  // Errors: kNotFound.
  virtual Status Delete(AgentPhoneId id) = 0;

  // Records `attempt` (its id is ignored) if no verification call of its phone is still under
  // way and the limits allow one more, atomically with the checks; returns its id. Errors:
  // kFailedPrecondition (one is under way until its expires_at), kTooManyRequests (a limit
  // reached; retry_after says when the oldest call counted leaves the window).
  virtual Result<std::int64_t> BeginVerification(const VerificationAttempt& attempt,
                                                 const VerificationLimits& limits) = 0;
  // Ends attempt `attempt` (once; later calls change nothing) and, if phone `phone` still has
  // `number`, gives the phone `outcome` (kVerified or kFailed), in one transaction. Returns
  // whether the phone took it. A deleted phone is not an error.
  virtual Result<bool> FinishVerification(std::int64_t attempt, AgentPhoneId phone,
                                          const std::string& number, PhoneVerification outcome) = 0;
};

}  // namespace fr
