#include "app/call_report_service.hpp"

#include "identity/authorization.hpp"

namespace fr {

Result<CallReport> CallReportService::Report(const Principal& principal, HotlineId hotline,
                                             const ReportPeriod& period) {
  FR_ASSIGN_OR_RETURN(const auto found, hotlines_.Find(hotline));
  if (!found || !IsOrganizationMember(principal, found->organization_id)) {
    return Error::NotFound("No such hotline.");
  }
  if (!CanRead(CallRecordAccess(principal, found->organization_id))) {
    return Error::PermissionDenied(
        "Only admins of the organization may read call reports, as they may call logs.");
  }
  CallReport report;
  report.period = period;
  FR_ASSIGN_OR_RETURN(report.buckets, ReportBuckets(period));
  FR_ASSIGN_OR_RETURN(report.totals, source_.BucketTotals(hotline, report.buckets));
  FR_ASSIGN_OR_RETURN(report.agents, source_.AgentTotals(hotline, period.from, period.to));
  return report;
}

}  // namespace fr
