#pragma once

#include "common/result.hpp"
#include "domain/call_log/call_report.hpp"
#include "domain/hotline/hotline_repository.hpp"
#include "identity/principal.hpp"

namespace fr {

// Reports over a hotline's calls (decision 0061). Who may read them: whoever may read the
// hotline's call logs (its organisation's admins and API token), though a report holds no
// caller's number: it tells how each agent fared, which is the organisation's business only.
// Thread-safe.
class CallReportService {
 public:
  CallReportService(HotlineRepository& hotlines, CallReportSource& source)
      : hotlines_(hotlines), source_(source) {}

  // The report of `hotline` over `period`. Errors: kInvalidArgument for a bad period (see
  // ReportBuckets); kNotFound when the hotline does not exist or the caller is not in its
  // organisation; kPermissionDenied for a member who is not an admin; kUnavailable, kInternal.
  Result<CallReport> Report(const Principal& principal, HotlineId hotline,
                            const ReportPeriod& period);

 private:
  HotlineRepository& hotlines_;
  CallReportSource& source_;
};

}  // namespace fr
