#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "domain/call_log/call_log_repository.hpp"
#include "domain/node/calls_in_progress.hpp"

namespace fr {

// Keeps this node's lease and cleans up after nodes that died (decision 0040): a node closes
// its own calls left open by an earlier run when it starts, and the calls of any node whose
// lease ended, and releases the channels they held. Several nodes may do the same at once.
// Call from one thread at a time.
class NodeSupervisor {
 public:
  // `lease`: how long a node counts as alive after its last renewal.
  NodeSupervisor(std::string node, NodeLeases& leases, CallLogRepository& call_logs,
                 const Clock& clock, std::chrono::milliseconds lease)
      : node_(std::move(node)),
        leases_(leases),
        call_logs_(call_logs),
        clock_(clock),
        lease_(lease) {}

  // At start, before this node takes calls: releases what it held in an earlier run, renews
  // its lease, closes the calls it left open, then does what Beat does. Returns the calls
  // closed. Errors: storage errors.
  Result<std::int64_t> Recover();
  // Periodically, well within the lease: renews the lease, then closes the calls of every other
  // node whose lease ended and forgets it. Returns the calls closed. Errors: storage errors.
  Result<std::int64_t> Beat();

  const std::string& node() const { return node_; }

 private:
  const std::string node_;
  NodeLeases& leases_;
  CallLogRepository& call_logs_;
  const Clock& clock_;
  const std::chrono::milliseconds lease_;
};

}  // namespace fr
