#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "app/agent_phone_service.hpp"
#include "common/clock.hpp"
#include "common/random.hpp"
#include "common/result.hpp"
#include "domain/agent_phone/agent_phone.hpp"
#include "domain/agent_phone/agent_phone_repository.hpp"
#include "domain/hotline/hotline_repository.hpp"
#include "domain/numbers/phone_number.hpp"
#include "identity/principal.hpp"
#include "identity/repositories.hpp"

namespace fr {

// One verification call for the engine to place (decision 0069).
struct VerificationCall {
  std::int64_t attempt = 0;
  AgentPhoneId phone;
  std::string number;  // the callee, "00…"
  std::string code;    // the six digits the callee must type
  // A canonical BCP 47 tag: the voice and the language of the sentences.
  std::string language;
  // Shown to the callee: a hotline number of the owner's organisation (empty: none known, the
  // trunk's From user or "anonymous"), and the organisation's name.
  std::string from_number;
  std::string from_display;
  std::chrono::milliseconds timeout{std::chrono::minutes(10)};  // then the call fails
};

// How a verification call ended, for the phone and the log (never the code).
struct VerificationOutcome {
  PhoneVerification verification = PhoneVerification::kFailed;  // kVerified or kFailed
  std::string detail;                                           // why, for the service log
};

// Port: places verification calls (the telephony engine). Thread-safe.
class VerificationCaller {
 public:
  virtual ~VerificationCaller() = default;
  // Starts `call` and returns at once; `done` runs exactly once, off the call's own thread,
  // when the call ended (the right code, three wrong ones, no answer, busy, hung up, or the
  // timeout); it blocks (storage) and answers whether the outcome was stored, which the caller
  // logs with the outcome. Errors (and then `done` never runs): kUnavailable (no phone line,
  // no trunk).
  virtual Status Place(VerificationCall call,
                       std::function<Status(const VerificationOutcome&)> done) = 0;
};

// What the client shows its user: the code to type, and until when the call may take.
struct VerificationStarted {
  std::string code;
  Timestamp expires_at;
};

struct VerificationPolicy {
  VerificationLimits limits;
  std::chrono::milliseconds timeout{std::chrono::minutes(10)};
  std::string default_language = "en";  // of organisations without a hotline language
};

// Proves that an agent phone's number reaches its owner (issue 15 §6, decision 0069): the
// service calls the number and the person who answers types the code the client shows. The
// code lives only in the memory of this node and of its call, never in storage.
// Thread-safe once a caller is attached.
class PhoneVerificationService {
 public:
  PhoneVerificationService(AgentPhoneService& access, AgentPhoneRepository& phones,
                           OrganizationRepository& organizations, HotlineRepository& hotlines,
                           NumberInventory& numbers, const NumberingPlan& plan,
                           SecureRandom& random, const Clock& clock, VerificationPolicy policy)
      : access_(access),
        phones_(phones),
        organizations_(organizations),
        hotlines_(hotlines),
        numbers_(numbers),
        plan_(plan),
        random_(random),
        clock_(clock),
        policy_(std::move(policy)) {}

  // The engine that places the calls; without one, Start answers kUnavailable. Call before
  // the service takes requests.
  void AttachCaller(VerificationCaller& caller) { caller_ = &caller; }

  // Starts a verification call to phone `id` (the owner, or an admin with consent through
  // `via`; an admin's call is audited). Errors: kNotFound (no such phone, or invisible to the
  // caller); kInvalidArgument (the number may not be called: premium-rate, shared-cost, or one
  // of the service's own); kFailedPrecondition (a call to this phone is under way);
  // kTooManyRequests (a limit, with retry_after); kUnavailable (no phone line).
  Result<VerificationStarted> Start(const Principal& principal, AgentPhoneId id,
                                    std::optional<OrganizationId> via);

  // Six random digits, each equally likely.
  static std::string NewCode(SecureRandom& random);

 private:
  // Errors: kInvalidArgument when `number` may not be called now (the guard of decision 0006,
  // applied again at call time: rules or the inventory may have changed since it was stored).
  Status CheckCallable(const std::string& number);
  // The language, caller ID and name the call uses: of the organisation `via` (or the owner's
  // first), and its first hotline's language and number.
  void DescribeCaller(UserId owner, std::optional<OrganizationId> via, VerificationCall& call);
  // Stores how attempt `call` ended. Errors: of storage.
  Status Finish(const VerificationCall& call, const VerificationOutcome& outcome);

  AgentPhoneService& access_;
  AgentPhoneRepository& phones_;
  OrganizationRepository& organizations_;
  HotlineRepository& hotlines_;
  NumberInventory& numbers_;
  const NumberingPlan& plan_;
  SecureRandom& random_;
  const Clock& clock_;
  const VerificationPolicy policy_;
  VerificationCaller* caller_ = nullptr;
};

}  // namespace fr
