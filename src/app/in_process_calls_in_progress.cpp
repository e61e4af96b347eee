#include "app/in_process_calls_in_progress.hpp"

namespace fr {

Result<std::optional<ChannelClaimId>> InProcessCallsInProgress::Claim(
    HotlineId hotline, LegDirection direction, int limit,
    const std::optional<std::string>& number) {
  std::lock_guard lock(mu_);
  int& in_use = in_use_[{hotline.value, direction}];
  if (in_use >= limit) return std::optional<ChannelClaimId>();
  ++in_use;
  const ChannelClaimId id(++last_id_);
  held_[id.value] = Held{hotline, direction, number};
  if (number) Count(*number, +1);
  return std::optional(id);
}

Status InProcessCallsInProgress::MarkInCall(ChannelClaimId claim, const std::string& number) {
  std::lock_guard lock(mu_);
  const auto found = held_.find(claim.value);
  if (found == held_.end() || found->second.number) return Ok();
  found->second.number = number;
  Count(number, +1);
  return Ok();
}

Result<bool> InProcessCallsInProgress::InCall(const std::string& number) {
  std::lock_guard lock(mu_);
  return in_call_.contains(number);
}

Status InProcessCallsInProgress::Release(ChannelClaimId claim) {
  std::lock_guard lock(mu_);
  const auto found = held_.find(claim.value);
  if (found == held_.end()) return Ok();
  const Held& held = found->second;
  const auto in_use = in_use_.find({held.hotline.value, held.direction});
  if (--in_use->second <= 0) in_use_.erase(in_use);
  if (held.number) Count(*held.number, -1);
  held_.erase(found);
  return Ok();
}

void InProcessCallsInProgress::Count(const std::string& number, int change) {
  int& count = in_call_[number];
  count += change;
  if (count <= 0) in_call_.erase(number);
}

}  // namespace fr
