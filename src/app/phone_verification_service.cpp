#include "app/phone_verification_service.hpp"

#include <array>

#include "domain/audit/audit.hpp"
#include "domain/numbers/number_rules.hpp"

namespace fr {

std::string PhoneVerificationService::NewCode(SecureRandom& random) {
  std::string code;
  while (code.size() < 6) {
    std::array<std::uint8_t, 1> byte{};
    random.Fill(byte);
    // 250 = 25 × 10: the bytes above it would favour the low digits.
    if (byte[0] < 250) code.push_back(static_cast<char>('0' + byte[0] % 10));
  }
  return code;
}

Status PhoneVerificationService::CheckCallable(const std::string& number) {
  std::vector<FieldError> errors;
  const auto checked = CheckAgentNumber(plan_, "phone", number, errors);
  if (checked) {
    FR_ASSIGN_OR_RETURN(const bool own, numbers_.Contains(checked->international));
    if (own) errors.push_back({"phone", "is a number of this service (a hotline number)"});
  }
  if (errors.empty()) return Ok();
  return Error::InvalidArgument("The agent phone's number may not be called.", std::move(errors));
}

void PhoneVerificationService::DescribeCaller(UserId owner, std::optional<OrganizationId> via,
                                              VerificationCall& call) {
  call.language = policy_.default_language;
  // The organisation named by the request presents the call only if the owner belongs to it:
  // otherwise anyone could ring a stranger in another organisation's name and number.
  std::optional<OrganizationId> organization;
  if (via) {
    const auto membership = organizations_.FindMembership(*via, owner);
    if (membership.ok() && *membership) organization = via;
  }
  if (!organization) {
    const auto memberships = organizations_.MembershipsOfUser(owner);
    if (memberships.ok() && !memberships->empty()) {
      organization = memberships->front().organization_id;
    }
  }
  if (!organization) return;
  if (const auto found = organizations_.Find(*organization); found.ok() && *found) {
    call.from_display = (*found)->name;
  }
  // What the owner may recognise: the number and language of their organisation's line. A
  // failed read only costs that recognition, never the call.
  const auto page = hotlines_.ListByOrganization(*organization, 1, 0);
  if (!page.ok() || (*page)->hotlines.empty()) return;
  const Hotline& hotline = (*page)->hotlines.front();
  if (!hotline.language.empty()) call.language = hotline.language;
  call.from_number = hotline.number;
}

Result<VerificationStarted> PhoneVerificationService::Start(const Principal& principal,
                                                            AgentPhoneId id,
                                                            std::optional<OrganizationId> via) {
  FR_ASSIGN_OR_RETURN(const ManagedPhone managed, access_.Manage(principal, id, via));
  const AgentPhone& phone = managed.phone;
  FR_RETURN_IF_ERROR(CheckCallable(phone.phone));
  if (caller_ == nullptr) {
    return Error::Unavailable(
        "This server has no phone line to place verification calls (--sip-listen off, or no "
        "--sip-trunk).");
  }
  const Timestamp now = clock_.Now();
  VerificationAttempt attempt{0, phone.id, phone.user_id, phone.phone, now, now + policy_.timeout};
  AuditedChange audited;
  if (managed.admin_access_through) {
    audited.Add(*managed.admin_access_through, AuditType::kAgentPhoneVerificationCalled,
                {.member = phone.user_id, .agent_phone = phone.id}, now);
  }
  FR_ASSIGN_OR_RETURN(const std::int64_t attempt_id,
                      phones_.BeginVerification(attempt, policy_.limits));
  VerificationCall call;
  call.attempt = attempt_id;
  call.phone = phone.id;
  call.number = phone.phone;
  call.code = NewCode(random_);
  call.timeout = policy_.timeout;
  DescribeCaller(phone.user_id, via, call);
  VerificationStarted started{call.code, attempt.expires_at};
  const Status placed = caller_->Place(
      call, [this, call](const VerificationOutcome& outcome) { return Finish(call, outcome); });
  if (!placed.ok()) {
    // The attempt still counts against the limits: it was recorded before the call.
    (void)Finish(call, {PhoneVerification::kFailed, placed.error().detail});
    return placed.error();
  }
  return started;
}

Status PhoneVerificationService::Finish(const VerificationCall& call,
                                        const VerificationOutcome& outcome) {
  FR_ASSIGN_OR_RETURN(
      const bool taken,
      phones_.FinishVerification(call.attempt, call.phone, call.number, outcome.verification));
  (void)taken;  // false: the phone was deleted or renumbered meanwhile; nothing to prove
  return Ok();
}

}  // namespace fr
