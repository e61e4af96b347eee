#pragma once

#include <chrono>
#include <cstdint>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "domain/call_log/call_log.hpp"
#include "domain/call_log/call_log_repository.hpp"
#include "domain/hotline/hotline_repository.hpp"
#include "domain/numbers/phone_number.hpp"
#include "identity/principal.hpp"
#include "identity/repositories.hpp"

namespace fr {

struct CallRetentionPolicy {
  int days = 90;  // 0 keeps call logs and records forever
};

// Call logs and telephone records of hotlines: they hold callers' numbers, so only the
// organisation's admins read them. The agents' own numbers in them are shown only as
// MaySeeAgentNumber allows, masked otherwise, decided at each read. Thread-safe.
class CallRecordService {
 public:
  CallRecordService(HotlineRepository& hotlines, CallLogRepository& call_logs,
                    OrganizationRepository& organizations, const NumberingPlan& plan,
                    const Clock& clock, CallRetentionPolicy retention)
      : hotlines_(hotlines),
        call_logs_(call_logs),
        organizations_(organizations),
        plan_(plan),
        clock_(clock),
        retention_(retention) {}

  // Errors (all three): kNotFound when the hotline does not exist or the caller is not in its
  // organisation; kPermissionDenied when the caller is a member but not an admin.
  Result<CallLogPage> ListCallLogs(const Principal& principal, HotlineId hotline,
                                   std::int64_t limit, std::int64_t offset,
                                   const CallLogFilter& filter = {});
  // Also kNotFound when the log does not exist or belongs to another hotline.
  Result<CallLog> GetCallLog(const Principal& principal, HotlineId hotline, CallLogId id);
  Result<TelephoneRecordPage> ListTelephoneRecords(const Principal& principal, HotlineId hotline,
                                                   std::int64_t limit, std::int64_t offset);
  // Keyset reads of the whole history (exports): as the two lists above, each page from
  // `before` (the previous page's `next`; nullopt: the newest) and without `total`.
  Result<CallLogPage> ListCallLogsBefore(const Principal& principal, HotlineId hotline,
                                         std::optional<std::int64_t> before, std::int64_t limit);
  Result<TelephoneRecordPage> ListTelephoneRecordsBefore(const Principal& principal,
                                                         HotlineId hotline,
                                                         std::optional<std::int64_t> before,
                                                         std::int64_t limit);

  // Deletes what the retention policy and the organisations' own shorter retention no longer
  // keep; returns how many calls went.
  Result<std::int64_t> PurgeExpired();

 private:
  // The hotline, when the caller may read its calls. Errors: as the methods above.
  Result<Hotline> ReadableHotline(const Principal& principal, HotlineId hotline);
  // Masks the agents' numbers in `records` of `hotline` that `principal` may not see. A leg to
  // one of the hotline's fallback numbers (forwardTo) is the organisation's own, not a member's:
  // readers of the records see it, as they see it in the hotline.
  Status MaskAgentNumbers(const Principal& principal, const Hotline& hotline,
                          std::vector<TelephoneRecord>& records);

  HotlineRepository& hotlines_;
  CallLogRepository& call_logs_;
  OrganizationRepository& organizations_;
  const NumberingPlan& plan_;
  const Clock& clock_;
  CallRetentionPolicy retention_;
};

}  // namespace fr
