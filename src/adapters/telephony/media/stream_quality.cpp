#include "adapters/telephony/media/stream_quality.hpp"

#include <algorithm>
#include <cmath>

namespace fr::media {

double DirectionQuality::LossRatio() const {
  if (packets_expected <= 0) return 0;
  const auto lost = std::clamp<std::int64_t>(packets_lost, 0, packets_expected);
  return static_cast<double>(lost) / static_cast<double>(packets_expected);
}

std::optional<WorseDirection> WorseDirectionOf(const StreamQuality& quality) {
  if (!quality.sent && !quality.received) return std::nullopt;
  WorseDirection worse;
  for (const auto& direction : {quality.sent, quality.received}) {
    if (!direction) continue;
    worse.loss_ratio = std::max(worse.loss_ratio, direction->LossRatio());
    worse.jitter_ms = std::max(worse.jitter_ms, direction->max_jitter_ms);
  }
  // A record shows the share to a hundredth of a percent; more digits would be noise.
  worse.loss_ratio = std::round(worse.loss_ratio * 10000) / 10000;
  return worse;
}

}  // namespace fr::media
