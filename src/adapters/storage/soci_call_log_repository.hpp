#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>

#include "adapters/storage/database.hpp"
#include "adapters/storage/sqlite_change_watch.hpp"
#include "domain/call_log/call_events.hpp"
#include "domain/call_log/call_log_repository.hpp"

namespace fr {

// SOCI storage of call logs, their entries and telephone records: the event writer the
// group-commit sink drives, and the reads and maintenance of the API. All SQL of the call-log
// aggregate lives in its .cpp. Reads are thread-safe; Write is used by one thread at a time.
class SociCallLogRepository final : public CallLogRepository, public CallEventWriter {
 public:
  // Calls written through Write name `node` (this process's --node-id; empty: none).
  explicit SociCallLogRepository(Database& database, std::string node = {})
      : database_(database), node_(std::move(node)) {}

  Status Write(std::span<const CallEvent> events) override;

  using CallLogRepository::ListCallLogs;
  Result<CallLogPage> ListCallLogs(HotlineId hotline, const CallLogFilter& filter,
                                   std::int64_t limit, std::int64_t offset) override;
  Result<std::optional<CallLog>> FindCallLog(HotlineId hotline, CallLogId id) override;
  Result<TelephoneRecordPage> ListTelephoneRecords(HotlineId hotline, std::int64_t limit,
                                                   std::int64_t offset) override;
  Result<CallLogPage> ListCallLogsBefore(HotlineId hotline, std::optional<std::int64_t> before,
                                         std::int64_t limit) override;
  Result<TelephoneRecordPage> ListTelephoneRecordsBefore(HotlineId hotline,
                                                         std::optional<std::int64_t> before,
                                                         std::int64_t limit) override;
  Result<std::int64_t> CloseInterruptedCalls(const std::string& node,
                                             const std::string& reason) override;
  Result<std::int64_t> PurgeEndedBefore(Timestamp cutoff, std::int64_t limit) override;
  Result<std::int64_t> PurgeByOrganizationRetention(Timestamp now, std::int64_t limit) override;
  Result<CallerErasure> EraseCaller(OrganizationId organization, const std::string& number,
                                    const std::string& plus_form) override;

  // The ids of calls and legs that are open in this process, by the engine's handles. Only the
  // writer thread touches them; a batch's changes apply only when its transaction commits.
  struct OpenIds {
    std::unordered_map<std::uint64_t, std::int64_t> calls;
    std::unordered_map<std::uint64_t, std::int64_t> legs;
  };

 private:
  Result<CallLogPage> ListFilteredCallLogs(HotlineId hotline, const CallLogFilter& filter,
                                           std::int64_t limit, std::int64_t offset);

  Database& database_;
  const std::string node_;
  OpenIds open_;
  // Unfiltered pages of ListCallLogs by hotline, limit and offset, served while nothing was
  // committed since their read (SQLite only, decisions 0084 and 0085).
  ChangeCheckedCache<ListPageKey, std::shared_ptr<const CallLogPage>, ListPageKey::Hash> listed_{
      64};
};

}  // namespace fr
