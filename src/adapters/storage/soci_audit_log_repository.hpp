#pragma once

#include "adapters/storage/database.hpp"
#include "domain/audit/audit.hpp"

namespace fr {

// SOCI implementation of AuditLogRepository: every statement about the audit_log table lives in
// its .cpp. Thread-safe.
class SociAuditLogRepository final : public AuditLogRepository {
 public:
  explicit SociAuditLogRepository(Database& database) : database_(database) {}

  Status Append(const std::vector<AuditEntry>& entries) override;
  Result<AuditPage> List(const AuditFilter& filter, std::int64_t limit,
                         std::int64_t offset) override;
  Result<AuditPage> ListBefore(const AuditFilter& filter, std::optional<AuditEntryId> before,
                               std::int64_t limit) override;
  Result<std::int64_t> PurgeBefore(Timestamp cutoff) override;

 private:
  Database& database_;
};

// The other repositories call this inside the write transaction of a change, before its commit:
// it stores the entries of the thread's live AuditedChange objects (TakeAuditedChanges), so that
// the change and its audit entries commit or roll back together (decision 0058, as the webhook
// outbox does, 0049). Nothing is written when there are none. Throws what SOCI throws (the
// caller's Database::Run translates it).
// `assigned` carries what the change itself produced (the id of what it created, how many rows it
// changed): each of its fields fills the same field of every entry where that is unset.
void AppendAuditedChanges(soci::session& session, const AuditSubject& assigned = {});
// The same with the insert kept prepared on `session` (Database::Run's), for changes made often
// (a hotline's PUT).
void AppendAuditedChanges(Database& database, soci::session& session,
                          const AuditSubject& assigned = {});

}  // namespace fr
