#include "app/hotline_provisioner.hpp"

namespace fr {
namespace {

constexpr std::int64_t kBatch = 100;

}  // namespace

Result<int> HotlineProvisioner::ProvisionPending() {
  const Timestamp round = clock_.Now();
  FR_ASSIGN_OR_RETURN(std::vector<Hotline> pending,
                      hotlines_.ClaimAwaitingProvisioning(node_, kBatch, round, round + hold_));
  int finished = 0;
  for (Hotline& hotline : pending) {
    if (hotline.status == HotlineStatus::kCreated) {
      const Timestamp now = clock_.Now();
      FR_ASSIGN_OR_RETURN(const bool started,
                          hotlines_.TransitionStatus(hotline.id, HotlineStatus::kCreated,
                                                     HotlineStatus::kProvisioning, "", now));
      if (!started) continue;  // changed meanwhile; the next round sees its new state
      hotline.status = HotlineStatus::kProvisioning;
      hotline.updated_at = now;
    }
    if (clock_.Now() - hotline.updated_at < minimum_provisioning_) continue;
    FR_ASSIGN_OR_RETURN(const bool done, Activate(hotline));
    if (done) ++finished;
  }
  return finished;
}

Result<bool> HotlineProvisioner::Activate(const Hotline& hotline) {
  const Status activated = provider_.ActivateNumber(hotline.number);
  if (!activated.ok() && activated.error().code == ErrorCode::kUnavailable) return false;
  const bool ok = activated.ok();
  FR_ASSIGN_OR_RETURN(
      const bool moved,
      hotlines_.TransitionStatus(hotline.id, HotlineStatus::kProvisioning,
                                 ok ? HotlineStatus::kActive : HotlineStatus::kFailed,
                                 ok ? "" : activated.error().detail, clock_.Now()));
  if (ok && !moved) {
    // Paused or deleted while the number was being activated: take the route back.
    (void)provider_.DeactivateNumber(hotline.number);
  }
  return moved;
}

}  // namespace fr
