#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/clock.hpp"
#include "common/ids.hpp"
#include "common/result.hpp"
#include "domain/call_log/call_log.hpp"

namespace fr {

// Port: reading and maintaining the stored call logs and telephone records. Thread-safe.
// Every method may fail with kUnavailable or kInternal.
class CallLogRepository {
 public:
  virtual ~CallLogRepository() = default;
  // The hotline's call logs, newest first, without entries.
  virtual Result<CallLogPage> ListCallLogs(HotlineId hotline, std::int64_t limit,
                                           std::int64_t offset) = 0;
  // Log `id` with its entries, only if it belongs to `hotline`.
  virtual Result<std::optional<CallLog>> FindCallLog(HotlineId hotline, CallLogId id) = 0;
  // The hotline's telephone records, newest first.
  virtual Result<TelephoneRecordPage> ListTelephoneRecords(HotlineId hotline, std::int64_t limit,
                                                           std::int64_t offset) = 0;
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
};

}  // namespace fr
