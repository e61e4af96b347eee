#pragma once

#include <map>
#include <mutex>
#include <string>
#include <unordered_map>

#include "domain/node/calls_in_progress.hpp"

namespace fr {

// CallsInProgress for one node whose calls nobody else takes (SQLite, the tests): counts in
// memory, as cheap as the engine's own counters were. Never fails. Thread-safe.
class InProcessCallsInProgress final : public CallsInProgress {
 public:
  bool MayBlock() const override { return false; }
  Result<std::optional<ChannelClaimId>> Claim(HotlineId hotline, LegDirection direction,
                                              int limit,
                                              const std::optional<std::string>& number) override;
  Status MarkInCall(ChannelClaimId claim, const std::string& number) override;
  Result<bool> InCall(const std::string& number) override;
  Status Release(ChannelClaimId claim) override;

 private:
  struct Held {
    HotlineId hotline;
    LegDirection direction;
    std::optional<std::string> number;
  };
  void Count(const std::string& number, int change);  // Needs mu_ held.

  std::mutex mu_;
  std::int64_t last_id_ = 0;                                 // Guarded by mu_.
  std::unordered_map<std::int64_t, Held> held_;              // Guarded by mu_. By claim id.
  std::map<std::pair<std::int64_t, LegDirection>, int> in_use_;  // Guarded by mu_.
  std::map<std::string, int> in_call_;  // Guarded by mu_. Only numbers with a count > 0.
};

}  // namespace fr
