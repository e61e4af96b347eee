#include "app/hotline_service.hpp"

#include <algorithm>
#include <chrono>
#include <utility>

#include "domain/audit/audit.hpp"
#include "identity/authorization.hpp"

namespace fr {
namespace {

Error NoSuchHotline() { return Error::NotFound("No such hotline."); }
Error NoSuchOrganization() { return Error::NotFound("No such organization."); }
Error AdminsOnly() {
  return Error::PermissionDenied("Only admins of the organization may change its hotlines.");
}

// A hotline that is switched off is paused; one switched back on (or retried after a failure)
// goes through provisioning again.
HotlineStatus NextStatus(HotlineStatus current, bool is_active) {
  if (!is_active) return HotlineStatus::kPaused;
  if (current == HotlineStatus::kPaused || current == HotlineStatus::kFailed) {
    return HotlineStatus::kCreated;
  }
  return current;
}

// The version the repository's compare-and-set expects for a write to `current`: none without a
// condition; a single accepted version as it is; from a longer list, the current version if it
// is listed (the compare-and-set still catches a change since `current` was read), else one
// that never matches, so that the write fails with kConflict.
std::optional<std::int64_t> ExpectedVersion(const AcceptedVersions& accepted,
                                            const Hotline& current) {
  constexpr std::int64_t kNoVersion = -1;
  if (!accepted) return std::nullopt;
  if (accepted->size() == 1) return accepted->front();
  const bool listed =
      std::find(accepted->begin(), accepted->end(), current.version) != accepted->end();
  return listed ? current.version : kNoVersion;
}

// A fallback's forwardTo may be someone's own phone: only who may change the hotline (admins
// and the organisation's API token) reads it; members get it empty (decision 0075).
bool SeesForwardNumbers(const Principal& principal, OrganizationId organization) {
  return CanWrite(OrganizationResourceAccess(principal, organization));
}

Hotline AsSeenBy(bool sees_forward_numbers, Hotline hotline) {
  if (!sees_forward_numbers) {
    hotline.no_answer.forward_to.clear();
    hotline.closed.forward_to.clear();
  }
  return hotline;
}

}  // namespace

Hotline HotlineService::WithDefaults(Hotline hotline) const {
  if (hotline.language.empty()) hotline.language = policy_.default_language;
  hotline.agents_ready = policy_.require_verified_phones ? hotline.agents_with_verified_phone
                                                         : hotline.agents_with_active_phone;
  return hotline;
}

Status HotlineService::CheckAgentsAreMembers(const Hotline& hotline) {
  for (const UserId agent : hotline.agents) {
    FR_ASSIGN_OR_RETURN(const auto membership,
                        organizations_.FindMembership(hotline.organization_id, agent));
    if (!membership) {
      return Error::InvalidArgument(
          "The hotline is invalid.",
          {{"agents", "user " + std::to_string(agent.value) +
                          " is not a member of the organization"}});
    }
  }
  return Ok();
}

Status HotlineService::RefuseOwnForwardNumbers(const Hotline& hotline) {
  std::vector<FieldError> errors;
  for (const auto& [field, fallback] : {std::pair{"noAnswer.forwardTo", &hotline.no_answer},
                                        std::pair{"closed.forwardTo", &hotline.closed}}) {
    if (fallback->forward_to.empty()) continue;
    FR_ASSIGN_OR_RETURN(const bool own, numbers_.Contains(fallback->forward_to));
    if (own) errors.push_back({field, "is a number of this service (a hotline number)"});
  }
  if (errors.empty()) return Ok();
  return Error::InvalidArgument("The hotline is invalid.", std::move(errors));
}

Status HotlineService::MayList(const Principal& principal, OrganizationId organization) const {
  if (!CanRead(OrganizationResourceAccess(principal, organization))) {
    return Error::PermissionDenied("You are not a member of this organization.");
  }
  return Ok();
}

Hotline HotlineService::ShowTo(bool sees_forward_numbers, Hotline hotline) const {
  return AsSeenBy(sees_forward_numbers, WithDefaults(std::move(hotline)));
}

Result<SharedHotlinePage> HotlineService::List(const Principal& principal,
                                               OrganizationId organization, std::int64_t limit,
                                               std::int64_t offset) {
  FR_RETURN_IF_ERROR(MayList(principal, organization));
  FR_ASSIGN_OR_RETURN(const SharedHotlinePage stored,
                      hotlines_.ListByOrganization(organization, limit, offset));
  // Every hotline of the page is `organization`'s, so one answer decides the whole page.
  const bool sees_forward_numbers = SeesForwardNumbers(principal, organization);
  const auto show = [&](const HotlinePage& page) {
    HotlinePage seen{.hotlines = {}, .total = page.total, .held = page.held};
    seen.hotlines.reserve(page.hotlines.size());
    for (const Hotline& hotline : page.hotlines) {
      seen.hotlines.push_back(ShowTo(sees_forward_numbers, hotline));
    }
    return seen;
  };
  // A page made for this request alone (PostgreSQL, the fake) never comes again: a memo of it
  // would only fill up and start over.
  if (!stored->held) return std::make_shared<const HotlinePage>(show(*stored));
  // Each answer has its own memo, so a page made for an admin is never handed to a member.
  auto& memo = sees_forward_numbers ? seen_with_forward_numbers_ : seen_without_forward_numbers_;
  return memo.Get(stored, show);
}

Result<Hotline> HotlineService::Create(const Principal& principal, const HotlineDraft& draft) {
  FR_ASSIGN_OR_RETURN(Hotline hotline, ValidateHotline(draft, plan_));
  const Access access = OrganizationResourceAccess(principal, hotline.organization_id);
  if (!CanRead(access)) return NoSuchOrganization();
  if (!CanWrite(access)) return AdminsOnly();
  FR_RETURN_IF_ERROR(CheckAgentsAreMembers(hotline));
  FR_RETURN_IF_ERROR(RefuseOwnForwardNumbers(hotline));
  FR_ASSIGN_OR_RETURN(const auto customer, customers_.FindByOrganization(hotline.organization_id));
  if (!customer) {
    return Error::FailedPrecondition(
        "The organization has no SIP customer account: register it first with "
        "POST /v1/sip-customer; its city decides the hotline's local number.");
  }
  hotline.status = hotline.is_active ? HotlineStatus::kCreated : HotlineStatus::kPaused;
  hotline = WithDefaults(std::move(hotline));
  AuditedChange audited;
  audited.Add(hotline.organization_id, AuditType::kHotlineCreated, {}, clock_.Now());
  FR_ASSIGN_OR_RETURN(Hotline created,
                      hotlines_.Create(hotline, {customer->country, customer->city},
                                       policy_.max_per_organization, clock_.Now()));
  return WithDefaults(std::move(created));
}

Result<Hotline> HotlineService::Get(const Principal& principal, HotlineId id) {
  FR_ASSIGN_OR_RETURN(const auto hotline, hotlines_.Find(id));
  if (!hotline || !CanRead(OrganizationResourceAccess(principal, hotline->organization_id))) {
    return NoSuchHotline();
  }
  return ShowTo(SeesForwardNumbers(principal, hotline->organization_id), *hotline);
}

Result<Hotline> HotlineService::WritableHotline(const Principal& principal, HotlineId id) {
  FR_ASSIGN_OR_RETURN(const auto hotline, hotlines_.Find(id));
  if (!hotline) return NoSuchHotline();
  const Access access = OrganizationResourceAccess(principal, hotline->organization_id);
  if (!CanRead(access)) return NoSuchHotline();
  if (!CanWrite(access)) return AdminsOnly();
  return *hotline;
}

Result<Hotline> HotlineService::Update(const Principal& principal, HotlineId id,
                                       const HotlineDraft& draft,
                                       const AcceptedVersions& accepted) {
  FR_ASSIGN_OR_RETURN(const Hotline existing, WritableHotline(principal, id));
  auto validated = ValidateHotline(draft, plan_);
  std::vector<FieldError> errors =
      validated.ok() ? std::vector<FieldError>{} : validated.error().field_errors;
  if (draft.organization_id != existing.organization_id) {
    errors.push_back({"organizationID", "a hotline cannot move to another organization"});
  }
  if (!errors.empty()) return Error::InvalidArgument("The hotline is invalid.", std::move(errors));
  Hotline updated = WithDefaults(std::move(validated).value());
  FR_RETURN_IF_ERROR(CheckAgentsAreMembers(updated));
  FR_RETURN_IF_ERROR(RefuseOwnForwardNumbers(updated));
  updated.id = existing.id;
  updated.number = existing.number;
  updated.status = NextStatus(existing.status, updated.is_active);
  updated.status_detail = updated.status == existing.status ? existing.status_detail : "";
  AuditedChange audited;
  audited.Add(existing.organization_id,
              existing.is_active && !updated.is_active ? AuditType::kHotlinePaused
                                                       : AuditType::kHotlineChanged,
              {.hotline = existing.id}, clock_.Now());
  FR_ASSIGN_OR_RETURN(Hotline stored,
                      hotlines_.Update(updated, ExpectedVersion(accepted, existing), clock_.Now()));
  stored = WithDefaults(std::move(stored));
  if (stored.status == HotlineStatus::kPaused && existing.status != HotlineStatus::kPaused) {
    FR_RETURN_IF_ERROR(provider_.DeactivateNumber(stored.number));
  }
  return stored;
}

Status HotlineService::Delete(const Principal& principal, HotlineId id,
                              const AcceptedVersions& accepted) {
  FR_ASSIGN_OR_RETURN(const Hotline existing, WritableHotline(principal, id));
  const Timestamp until = clock_.Now() + std::chrono::days(policy_.quarantine_days);
  AuditedChange audited;
  audited.Add(existing.organization_id, AuditType::kHotlineDeleted, {.hotline = existing.id},
              clock_.Now());
  return hotlines_.Delete(existing.id, ExpectedVersion(accepted, existing), until);
}

Result<std::vector<Hotline>> HotlineService::ListAfter(const Principal& principal,
                                                       OrganizationId organization,
                                                       std::optional<HotlineId> after,
                                                       std::int64_t limit) {
  FR_RETURN_IF_ERROR(MayList(principal, organization));
  FR_ASSIGN_OR_RETURN(std::vector<Hotline> hotlines,
                      hotlines_.ListByOrganizationAfter(organization, after, limit));
  const bool sees_forward_numbers = SeesForwardNumbers(principal, organization);
  for (Hotline& hotline : hotlines) hotline = ShowTo(sees_forward_numbers, std::move(hotline));
  return hotlines;
}

}  // namespace fr
