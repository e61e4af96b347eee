#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/ids.hpp"
#include "common/result.hpp"

// The audit log (issue 18 §3, decision 0058): an append-only record, per organisation, of what
// admins, API tokens and operators did to people's data. Entries name ids, never secrets and
// never caller numbers.
namespace fr {

using AuditEntryId = Id<struct AuditEntryTag>;

enum class AuditType {
  kAgentPhonesRead,    // an admin (or API token) listed a member's agent phones
  kAgentPhoneCreated,  // … created, changed or deleted one of them
  kAgentPhoneChanged,
  kAgentPhoneDeleted,
  kTokenCreated,
  kTokenRevoked,
  kConsentGiven,  // a member allowed the organisation's admins to see their phones
  kConsentWithdrawn,
  kHotlineCreated,
  kHotlineChanged,
  kHotlinePaused,  // changed, and isActive went from true to false
  kHotlineDeleted,
  kMemberAdded,
  kMemberRemoved,      // by an operator, or the member left
  kMemberRoleChanged,  // an admin or the API token made a member admin or member
  kCallerErased,
  kOrganizationExported,
  kWebhookCreated,
  kWebhookChanged,
  kWebhookDeleted,
  kWebhookSecretRotated,
  // An admin (or API token) had the service place a verification call to a member's phone
  // (decision 0069).
  kAgentPhoneVerificationCalled,
};

// "agent_phone.read", "hotline.paused", …: the names of the API and the database.
std::string_view AuditTypeName(AuditType type);
std::optional<AuditType> AuditTypeFromName(std::string_view name);
// Every type, in declaration order.
const std::vector<AuditType>& AllAuditTypes();

// Who did it. An operator's `admin` command has neither user nor token.
struct AuditActor {
  std::optional<UserId> user;    // the user of a personal token
  std::optional<TokenId> token;  // the token the request carried
  std::string source_address;    // the client's address, or "admin-command"
  std::string request_id;        // the HTTP request's id; empty for the admin command
};

// The objects an entry is about; each is set where it applies.
struct AuditSubject {
  std::optional<UserId> member;  // whose phones, consent or membership; a token's owner
  std::optional<AgentPhoneId> agent_phone;
  std::optional<HotlineId> hotline;
  std::optional<TokenId> token;
  std::optional<std::int64_t> webhook;
  std::optional<std::int64_t> count;  // how many rows an erasure changed
  std::optional<std::string> role;    // the role a member was given: "admin" or "member"
};

struct AuditEntry {
  AuditEntryId id;  // assigned when stored; ascending in the order entries were stored
  OrganizationId organization;
  AuditType type = AuditType::kHotlineChanged;
  Timestamp occurred_at;
  AuditActor actor;
  AuditSubject subject;
};

// Which entries AuditLogRepository::List returns. `from` inclusive, `to` exclusive.
struct AuditFilter {
  std::optional<OrganizationId> organization;
  std::optional<UserId> member;  // entries about this member only
  std::vector<AuditType> types;  // empty: every type
  std::optional<Timestamp> from, to;
};

struct AuditPage {
  std::vector<AuditEntry> entries;  // newest first
  std::int64_t total = 0;           // matching the filter, over all pages
};

// Port: the stored audit log. Changes append their entries inside their own transaction (the
// storage adapter takes them from AuditedChange); this port appends entries of reads and lists.
// No method changes or deletes an entry except PurgeBefore. Thread-safe; every method may fail
// with kUnavailable or kInternal.
class AuditLogRepository {
 public:
  virtual ~AuditLogRepository() = default;
  // Stores `entries` in one transaction.
  virtual Status Append(const std::vector<AuditEntry>& entries) = 0;
  // Entries matching `filter`, newest first, `limit` of them after skipping `offset`.
  virtual Result<AuditPage> List(const AuditFilter& filter, std::int64_t limit,
                                 std::int64_t offset) = 0;
  // Keyset reads, for a whole log (an export): entries matching `filter` with ids below
  // `before` (nullopt: from the newest), newest first, at most `limit`. A page costs the same
  // however deep it lies; `total` is not counted (0).
  virtual Result<AuditPage> ListBefore(const AuditFilter& filter,
                                       std::optional<AuditEntryId> before, std::int64_t limit) = 0;
  // Deletes entries older than `cutoff`; returns how many.
  virtual Result<std::int64_t> PurgeBefore(Timestamp cutoff) = 0;
};

// Installs `actor` as the actor of the work this thread does until the scope ends: the HTTP
// adapter for each request (after authentication), the admin command for its run. Work done
// without a scope (the telephony engine, background loops, demo data) is the system's own and
// is not audited. Scopes nest; the innermost wins. Not movable: it lives on one thread's stack.
class AuditScope {
 public:
  explicit AuditScope(AuditActor actor);
  ~AuditScope();
  AuditScope(const AuditScope&) = delete;
  AuditScope& operator=(const AuditScope&) = delete;

  // The actor of the innermost scope on this thread, or nullptr.
  static const AuditActor* Current();

 private:
  AuditActor actor_;
  AuditScope* outer_;
};

// An entry for `organization` by the current actor, at `now`; nullopt without an AuditScope.
std::optional<AuditEntry> MakeAuditEntry(OrganizationId organization, AuditType type,
                                         AuditSubject subject, Timestamp now);

// The entries of a change the current thread is about to write. An app service creates one on
// its stack, adds entries, and calls the repository; the storage adapter takes the entries
// (TakeAuditedChanges) inside the transaction that writes the change, so that the change is
// stored if and only if its entries are. Entries not taken when the object dies (the change
// failed before it was written) are dropped. Without an AuditScope nothing is added.
class AuditedChange {
 public:
  AuditedChange();
  ~AuditedChange();
  AuditedChange(const AuditedChange&) = delete;
  AuditedChange& operator=(const AuditedChange&) = delete;

  void Add(OrganizationId organization, AuditType type, AuditSubject subject, Timestamp now);

 private:
  friend std::vector<AuditEntry> TakeAuditedChanges();
  std::vector<AuditEntry> entries_;
  AuditedChange* outer_;
};

// Removes and returns the entries of every live AuditedChange on this thread. For the storage
// adapter, inside the write transaction of the change.
std::vector<AuditEntry> TakeAuditedChanges();

}  // namespace fr
