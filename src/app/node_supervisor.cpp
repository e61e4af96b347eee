#include "app/node_supervisor.hpp"

namespace fr {

Result<std::int64_t> NodeSupervisor::Recover() {
  FR_RETURN_IF_ERROR(leases_.Forget(node_));
  FR_RETURN_IF_ERROR(leases_.Renew(node_, clock_.Now() + lease_));
  FR_ASSIGN_OR_RETURN(
      const std::int64_t own,
      call_logs_.CloseInterruptedCalls(
          node_, "The service stopped during the call; the call was closed when it started again."));
  FR_ASSIGN_OR_RETURN(const std::int64_t others, Beat());
  return own + others;
}

Result<std::int64_t> NodeSupervisor::Beat() {
  const Timestamp now = clock_.Now();
  FR_RETURN_IF_ERROR(leases_.Renew(node_, now + lease_));
  FR_ASSIGN_OR_RETURN(const std::vector<std::string> expired, leases_.Expired(now, node_));
  std::int64_t closed = 0;
  for (const std::string& node : expired) {
    // Calls first: should this fail, the lease stays expired and the next beat tries again.
    FR_ASSIGN_OR_RETURN(const std::int64_t calls,
                        call_logs_.CloseInterruptedCalls(
                            node, "The service stopped during the call: node '" + node +
                                      "' stopped renewing its lease, and another node closed "
                                      "the call."));
    FR_RETURN_IF_ERROR(leases_.Forget(node));
    closed += calls;
  }
  return closed;
}

}  // namespace fr
