#pragma once

#include "adapters/storage/database.hpp"
#include "domain/call_log/call_report.hpp"

namespace fr {

// Call reports computed by SQL over the stored call logs and telephone records, on SQLite and
// PostgreSQL alike (decision 0061). Thread-safe: each call takes its own pooled session.
class SociCallReportSource final : public CallReportSource {
 public:
  explicit SociCallReportSource(Database& database) : database_(database) {}

  Result<std::vector<CallBucketTotals>> BucketTotals(
      HotlineId hotline, std::span<const ReportBucketRange> buckets) override;
  Result<std::vector<AgentCallTotals>> AgentTotals(HotlineId hotline, Timestamp from,
                                                   Timestamp to) override;

 private:
  Database& database_;
};

}  // namespace fr
