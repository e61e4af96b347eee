#include "app/agent_phone_service.hpp"

namespace fr {
namespace {

Error NoAccessToOwner() {
  return Error::PermissionDenied(
      "You may not manage this user's agent phones: only the user, or an admin of an "
      "organization the user belongs to (organization_id) while the user allows admin access.");
}

Error NoSuchPhone() { return Error::NotFound("No such agent phone."); }

// The organisation through which `principal` reaches `owner`'s phones as an admin (or as the
// organisation's token), or nullopt when the owner acts on their own phones: only the former
// is recorded in the audit log.
std::optional<OrganizationId> AdminAccessThrough(const Principal& principal, UserId owner,
                                                 std::optional<OrganizationId> via) {
  if (principal.IsUser() && principal.user_id == owner) return std::nullopt;
  if (via) return via;
  if (!principal.IsUser()) return principal.organization_id;
  return std::nullopt;
}

// The repository's generic duplicate becomes a message the client can act on.
Status ExplainDuplicate(Status status, const AgentPhone& phone) {
  if (status.ok() || status.error().code != ErrorCode::kAlreadyExists) return status;
  return Error::AlreadyExists("The user already has an agent phone with the number " +
                              phone.phone + ".");
}

}  // namespace

Status AgentPhoneService::RefuseOwnNumber(const AgentPhone& phone) {
  FR_ASSIGN_OR_RETURN(const bool own, numbers_.Contains(phone.phone));
  if (!own) return Ok();
  // A hotline's number as an agent phone makes the service call itself through the trunk:
  // a loop that costs money on both legs.
  return Error::InvalidArgument(
      "The agent phone is invalid.",
      {{"phone", "is a number of this service (a hotline number), not a phone of a person"}});
}

Result<Access> AgentPhoneService::AccessTo(const Principal& principal, UserId owner,
                                           std::optional<OrganizationId> via) {
  std::optional<Membership> owner_membership;
  if (via && !(principal.IsUser() && principal.user_id == owner)) {
    // Read now, not from a cache: withdrawn consent must take effect on the next request.
    FR_ASSIGN_OR_RETURN(owner_membership, organizations_.FindMembership(*via, owner));
  }
  return AgentPhoneAccess(principal, owner, via, owner_membership);
}

Result<std::vector<AgentPhone>> AgentPhoneService::List(const Principal& principal, UserId owner,
                                                        std::optional<OrganizationId> via) {
  FR_ASSIGN_OR_RETURN(const Access access, AccessTo(principal, owner, via));
  if (!CanRead(access)) return NoAccessToOwner();
  FR_ASSIGN_OR_RETURN(auto listed, phones_.ListByOwner(owner));
  if (const auto organization = AdminAccessThrough(principal, owner, via)) {
    if (auto entry = MakeAuditEntry(*organization, AuditType::kAgentPhonesRead,
                                    {.member = owner}, clock_.Now())) {
      FR_RETURN_IF_ERROR(audit_.Append({std::move(*entry)}));
    }
  }
  return listed;
}

Result<AgentPhone> AgentPhoneService::Create(const Principal& principal,
                                             std::optional<OrganizationId> via,
                                             const AgentPhoneDraft& draft) {
  FR_ASSIGN_OR_RETURN(const AgentPhone phone, ValidateAgentPhone(draft, plan_));
  FR_ASSIGN_OR_RETURN(const Access access, AccessTo(principal, draft.user_id, via));
  if (!CanWrite(access)) return NoAccessToOwner();
  FR_RETURN_IF_ERROR(RefuseOwnNumber(phone));
  AuditedChange audited;
  if (const auto organization = AdminAccessThrough(principal, draft.user_id, via)) {
    audited.Add(*organization, AuditType::kAgentPhoneCreated, {.member = draft.user_id},
                clock_.Now());
  }
  auto created = phones_.Create(phone);
  if (!created.ok()) return ExplainDuplicate(std::move(created).error(), phone).error();
  return created;
}

Result<AgentPhone> AgentPhoneService::WritablePhone(const Principal& principal, AgentPhoneId id,
                                                    std::optional<OrganizationId> via) {
  FR_ASSIGN_OR_RETURN(const auto existing, phones_.Find(id));
  if (!existing) return NoSuchPhone();
  FR_ASSIGN_OR_RETURN(const Access access, AccessTo(principal, existing->user_id, via));
  // Readable and writable coincide for agent phones, so a phone the caller may not write is
  // one it may not see: 404, never revealing that it exists.
  if (!CanWrite(access)) return NoSuchPhone();
  return *existing;
}

Result<AgentPhone> AgentPhoneService::Update(const Principal& principal, AgentPhoneId id,
                                             std::optional<OrganizationId> via,
                                             const AgentPhoneDraft& draft) {
  FR_ASSIGN_OR_RETURN(const AgentPhone existing, WritablePhone(principal, id, via));
  auto validated = ValidateAgentPhone(draft, plan_);
  std::vector<FieldError> errors =
      validated.ok() ? std::vector<FieldError>{} : validated.error().field_errors;
  if (draft.user_id != existing.user_id) {
    errors.push_back({"userID", "the owner of an agent phone cannot change"});
  }
  if (!errors.empty()) return Error::InvalidArgument("The agent phone is invalid.", std::move(errors));
  AgentPhone updated = std::move(validated).value();
  FR_RETURN_IF_ERROR(RefuseOwnNumber(updated));
  updated.id = existing.id;
  AuditedChange audited;
  if (const auto organization = AdminAccessThrough(principal, existing.user_id, via)) {
    audited.Add(*organization, AuditType::kAgentPhoneChanged,
                {.member = existing.user_id, .agent_phone = existing.id}, clock_.Now());
  }
  auto stored = phones_.Update(updated);
  if (!stored.ok()) return ExplainDuplicate(std::move(stored).error(), updated).error();
  return stored;
}

Result<ManagedPhone> AgentPhoneService::Manage(const Principal& principal, AgentPhoneId id,
                                               std::optional<OrganizationId> via) {
  FR_ASSIGN_OR_RETURN(AgentPhone phone, WritablePhone(principal, id, via));
  const auto through = AdminAccessThrough(principal, phone.user_id, via);
  return ManagedPhone{std::move(phone), through};
}

Result<AgentPhone> AgentPhoneService::VerifyByOperator(AgentPhoneId id) {
  FR_ASSIGN_OR_RETURN(auto phone, phones_.Find(id));
  if (!phone) return NoSuchPhone();
  FR_ASSIGN_OR_RETURN(const bool set,
                      phones_.SetVerification(id, phone->phone, PhoneVerification::kVerified));
  // The number changed between the read and the write: what the operator vouched for is gone.
  if (!set) return Error::Conflict("The phone's number changed meanwhile; check it and try again.");
  phone->verification = PhoneVerification::kVerified;
  return std::move(*phone);
}

Status AgentPhoneService::Delete(const Principal& principal, AgentPhoneId id,
                                 std::optional<OrganizationId> via) {
  FR_ASSIGN_OR_RETURN(const AgentPhone existing, WritablePhone(principal, id, via));
  AuditedChange audited;
  if (const auto organization = AdminAccessThrough(principal, existing.user_id, via)) {
    audited.Add(*organization, AuditType::kAgentPhoneDeleted,
                {.member = existing.user_id, .agent_phone = existing.id}, clock_.Now());
  }
  return phones_.Delete(existing.id);
}

}  // namespace fr
