#pragma once

#include <string>
#include <vector>

#include "adapters/storage/database.hpp"
#include "domain/node/calls_in_progress.hpp"

namespace fr {

// SOCI storage of the calls in progress of every node and of the nodes' leases (decisions 0039,
// 0040): channel_claims with their counts per hotline in hotline_channels, and node_leases.
// Each claim, release or mark is one statement. All SQL of these tables lives in the .cpp.
// Thread-safe.
class SociCallsInProgress final : public CallsInProgress, public NodeLeases {
 public:
  // Claims are made for `node` (this process's --node-id).
  SociCallsInProgress(Database& database, std::string node)
      : database_(database), node_(std::move(node)) {}

  Result<std::optional<ChannelClaimId>> Claim(HotlineId hotline, LegDirection direction,
                                              int limit,
                                              const std::optional<std::string>& number) override;
  Status MarkInCall(ChannelClaimId claim, const std::string& number) override;
  Result<bool> InCall(const std::string& number) override;
  Status Release(ChannelClaimId claim) override;

  Status Renew(const std::string& node, Timestamp until) override;
  Result<std::vector<std::string>> Expired(Timestamp now, const std::string& except) override;
  Status Forget(const std::string& node) override;

 private:
  Database& database_;
  const std::string node_;
};

}  // namespace fr
