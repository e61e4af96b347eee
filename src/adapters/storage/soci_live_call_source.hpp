#pragma once

#include "adapters/storage/database.hpp"
#include "domain/call_log/live_call.hpp"

namespace fr {

// The calls in progress as every node stored them: open call logs with their entries and their
// legs to agents (decision 0062). A read model of the call-log aggregate, like the reports.
// Thread-safe: each call takes its own pooled session.
class SociLiveCallSource final : public LiveCallSource {
 public:
  explicit SociLiveCallSource(Database& database) : database_(database) {}

  Result<std::vector<OpenCallRecord>> OpenCalls(HotlineId hotline, int limit) override;

 private:
  Database& database_;
};

}  // namespace fr
