#pragma once

#include <chrono>
#include <string>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "domain/hotline/hotline_repository.hpp"

namespace fr {

// Moves hotlines through created → provisioning → active (or failed) by driving the
// TelephonyProvider. The hotline's stored status is the job, so work interrupted by a crash
// resumes on the next round after a restart. Every node runs one: each round claims the jobs it
// works on for `hold`, so no two nodes drive the same hotline (decision 0039); the jobs of a
// node that died are taken over once its hold ends. Call ProvisionPending from one thread at a
// time.
class HotlineProvisioner {
 public:
  // `minimum_provisioning` keeps a hotline in `provisioning` at least that long, as a carrier's
  // activation delay would (0 in production with the built-in provider). `node` names this
  // worker among the nodes; a round must end well within `hold`.
  HotlineProvisioner(HotlineRepository& hotlines, TelephonyProvider& provider, const Clock& clock,
                     std::chrono::milliseconds minimum_provisioning = {},
                     std::string node = "local",
                     std::chrono::milliseconds hold = std::chrono::minutes(1))
      : hotlines_(hotlines),
        provider_(provider),
        clock_(clock),
        minimum_provisioning_(minimum_provisioning),
        node_(std::move(node)),
        hold_(hold) {}

  // One round over the hotlines awaiting provisioning; returns how many reached active or
  // failed. A transient provider failure leaves the hotline for the next round.
  // Errors: storage errors (kUnavailable, kInternal); the caller simply tries again later.
  Result<int> ProvisionPending();

 private:
  // Activates one hotline already in `provisioning`; true when it reached a final status.
  Result<bool> Activate(const Hotline& hotline);

  HotlineRepository& hotlines_;
  TelephonyProvider& provider_;
  const Clock& clock_;
  std::chrono::milliseconds minimum_provisioning_;
  const std::string node_;
  const std::chrono::milliseconds hold_;
};

}  // namespace fr
