#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/clock.hpp"
#include "common/ids.hpp"
#include "common/result.hpp"
#include "domain/call_log/call_log.hpp"

namespace fr {

// What an erasure of a caller's number changed (decision 0046).
struct CallerErasure {
  std::int64_t call_logs = 0;          // logs whose caller was the number
  std::int64_t telephone_records = 0;  // legs from or to the number
  std::int64_t call_log_entries = 0;   // entries whose detail mentioned it
};

// The text that replaces an erased number wherever it was stored.
inline constexpr const char* kErasedNumber = "erased";

// Port: reading and maintaining the stored call logs and telephone records. Thread-safe.
// Every method may fail with kUnavailable or kInternal.
class CallLogRepository {
 public:
  virtual ~CallLogRepository() = default;
  // The hotline's call logs that match `filter`, newest first, without entries; `total`
  // counts the matching ones.
  virtual Result<CallLogPage> ListCallLogs(HotlineId hotline, const CallLogFilter& filter,
                                           std::int64_t limit, std::int64_t offset) = 0;
  // All of the hotline's call logs.
  Result<CallLogPage> ListCallLogs(HotlineId hotline, std::int64_t limit, std::int64_t offset) {
    return ListCallLogs(hotline, CallLogFilter{}, limit, offset);
  }
  // Log `id` with its entries, only if it belongs to `hotline`.
  virtual Result<std::optional<CallLog>> FindCallLog(HotlineId hotline, CallLogId id) = 0;
  // The hotline's telephone records, newest first.
  virtual Result<TelephoneRecordPage> ListTelephoneRecords(HotlineId hotline, std::int64_t limit,
                                                           std::int64_t offset) = 0;
  // Keyset reads, for a whole history (an export): the hotline's call logs (without entries)
  // or telephone records older than `before` (the previous page's `next`; nullopt: from the
  // newest), newest first, at most `limit`. A page costs the same however deep it lies; `total`
  // is not counted (0).
  virtual Result<CallLogPage> ListCallLogsBefore(HotlineId hotline,
                                                 std::optional<std::int64_t> before,
                                                 std::int64_t limit) = 0;
  virtual Result<TelephoneRecordPage> ListTelephoneRecordsBefore(
      HotlineId hotline, std::optional<std::int64_t> before, std::int64_t limit) = 0;
  // Closes every call still open that node `node` took (and any logged before calls named
  // their node), as left by a node that died mid-call: the call ends at its last known event
  // with outcome failed and an `ended` entry saying why; its legs end then too (answered if
  // they were, else failed). Calls of other nodes are left alone. Run by a node at start, before
  // it takes calls, and for a node whose lease ended (decision 0040). Two nodes closing the same
  // calls at once close each once. Returns the number of calls this call closed.
  virtual Result<std::int64_t> CloseInterruptedCalls(const std::string& node,
                                                     const std::string& reason) = 0;
  // Deletes ended calls that started before `cutoff`, with their entries and records, at most
  // `limit` calls per call. Returns how many were deleted.
  virtual Result<std::int64_t> PurgeEndedBefore(Timestamp cutoff, std::int64_t limit) = 0;
  // Deletes ended calls of organisations with their own call retention that started longer
  // than that many days before `now`, as PurgeEndedBefore does. Returns how many were deleted.
  virtual Result<std::int64_t> PurgeByOrganizationRetention(Timestamp now, std::int64_t limit) = 0;
  // Replaces `number` ("00…") by kErasedNumber in every call log, telephone record and entry
  // detail of `organization`'s hotlines, in one transaction; in the entry details its "+"
  // form (`plus_form`) too. Returns the counts.
  virtual Result<CallerErasure> EraseCaller(OrganizationId organization, const std::string& number,
                                            const std::string& plus_form) = 0;
};

}  // namespace fr
