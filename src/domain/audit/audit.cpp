#include "domain/audit/audit.hpp"

#include <array>
#include <utility>

namespace fr {
namespace {

struct TypeName {
  AuditType type;
  std::string_view name;
};

constexpr std::array kTypeNames{
    TypeName{AuditType::kAgentPhonesRead, "agent_phone.read"},
    TypeName{AuditType::kAgentPhoneCreated, "agent_phone.created"},
    TypeName{AuditType::kAgentPhoneChanged, "agent_phone.changed"},
    TypeName{AuditType::kAgentPhoneDeleted, "agent_phone.deleted"},
    TypeName{AuditType::kTokenCreated, "token.created"},
    TypeName{AuditType::kTokenRevoked, "token.revoked"},
    TypeName{AuditType::kConsentGiven, "consent.given"},
    TypeName{AuditType::kConsentWithdrawn, "consent.withdrawn"},
    TypeName{AuditType::kHotlineCreated, "hotline.created"},
    TypeName{AuditType::kHotlineChanged, "hotline.changed"},
    TypeName{AuditType::kHotlinePaused, "hotline.paused"},
    TypeName{AuditType::kHotlineDeleted, "hotline.deleted"},
    TypeName{AuditType::kMemberAdded, "member.added"},
    TypeName{AuditType::kMemberRemoved, "member.removed"},
    TypeName{AuditType::kMemberRoleChanged, "member.role_changed"},
    TypeName{AuditType::kCallerErased, "caller.erased"},
    TypeName{AuditType::kOrganizationExported, "organization.exported"},
    TypeName{AuditType::kWebhookCreated, "webhook.created"},
    TypeName{AuditType::kWebhookChanged, "webhook.changed"},
    TypeName{AuditType::kWebhookDeleted, "webhook.deleted"},
    TypeName{AuditType::kWebhookSecretRotated, "webhook.secret_rotated"},
    TypeName{AuditType::kAgentPhoneVerificationCalled, "agent_phone.verification_called"},
};

// The scopes and changes of this thread, innermost first: each request or command runs on one
// thread from start to end, so thread-local state is its state.
thread_local AuditScope* current_scope = nullptr;
thread_local AuditedChange* current_change = nullptr;

}  // namespace

std::string_view AuditTypeName(AuditType type) {
  for (const auto& entry : kTypeNames) {
    if (entry.type == type) return entry.name;
  }
  return "unknown";
}

std::optional<AuditType> AuditTypeFromName(std::string_view name) {
  for (const auto& entry : kTypeNames) {
    if (entry.name == name) return entry.type;
  }
  return std::nullopt;
}

const std::vector<AuditType>& AllAuditTypes() {
  static const std::vector<AuditType> types = [] {
    std::vector<AuditType> all;
    for (const auto& entry : kTypeNames) all.push_back(entry.type);
    return all;
  }();
  return types;
}

AuditScope::AuditScope(AuditActor actor) : actor_(std::move(actor)), outer_(current_scope) {
  current_scope = this;
}

AuditScope::~AuditScope() { current_scope = outer_; }

const AuditActor* AuditScope::Current() {
  return current_scope == nullptr ? nullptr : &current_scope->actor_;
}

std::optional<AuditEntry> MakeAuditEntry(OrganizationId organization, AuditType type,
                                         AuditSubject subject, Timestamp now) {
  const AuditActor* actor = AuditScope::Current();
  if (actor == nullptr) return std::nullopt;
  return AuditEntry{AuditEntryId(), organization, type, now, *actor, std::move(subject)};
}

AuditedChange::AuditedChange() : outer_(current_change) { current_change = this; }

AuditedChange::~AuditedChange() { current_change = outer_; }

void AuditedChange::Add(OrganizationId organization, AuditType type, AuditSubject subject,
                        Timestamp now) {
  if (auto entry = MakeAuditEntry(organization, type, std::move(subject), now)) {
    entries_.push_back(std::move(*entry));
  }
}

std::vector<AuditEntry> TakeAuditedChanges() {
  std::vector<AuditEntry> taken;
  for (AuditedChange* change = current_change; change != nullptr; change = change->outer_) {
    for (auto& entry : change->entries_) taken.push_back(std::move(entry));
    change->entries_.clear();
  }
  return taken;
}

}  // namespace fr
