#pragma once

#include <chrono>
#include <cstdint>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "domain/call_log/call_log.hpp"
#include "domain/call_log/call_log_repository.hpp"
#include "domain/hotline/hotline_repository.hpp"
#include "identity/principal.hpp"

namespace fr {

struct CallRetentionPolicy {
  int days = 90;  // 0 keeps call logs and records forever
};

// Call logs and telephone records of hotlines: they hold callers' numbers, so only the
// organisation's admins read them. Thread-safe.
class CallRecordService {
 public:
  CallRecordService(HotlineRepository& hotlines, CallLogRepository& call_logs, const Clock& clock,
                    CallRetentionPolicy retention)
      : hotlines_(hotlines), call_logs_(call_logs), clock_(clock), retention_(retention) {}

  // Errors (all three): kNotFound when the hotline does not exist or the caller is not in its
  // organisation; kPermissionDenied when the caller is a member but not an admin.
  Result<CallLogPage> ListCallLogs(const Principal& principal, HotlineId hotline,
                                   std::int64_t limit, std::int64_t offset);
  // Also kNotFound when the log does not exist or belongs to another hotline.
  Result<CallLog> GetCallLog(const Principal& principal, HotlineId hotline, CallLogId id);
  Result<TelephoneRecordPage> ListTelephoneRecords(const Principal& principal, HotlineId hotline,
                                                   std::int64_t limit, std::int64_t offset);

  // At start, before calls are taken: closes calls a previous process left open.
  Result<std::int64_t> CloseInterruptedCalls();
  // Deletes what the retention policy no longer keeps; returns how many calls went.
  Result<std::int64_t> PurgeExpired();

 private:
  // Errors: as the methods above.
  Status CheckAccess(const Principal& principal, HotlineId hotline);

  HotlineRepository& hotlines_;
  CallLogRepository& call_logs_;
  const Clock& clock_;
  CallRetentionPolicy retention_;
};

}  // namespace fr
