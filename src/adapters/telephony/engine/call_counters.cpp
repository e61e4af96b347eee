#include "adapters/telephony/engine/call_counters.hpp"

namespace fr::telephony {

void QualityHistogram::Observe(double value) {
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    if (value <= bounds[i]) ++cumulative[i];
  }
  ++count;
  sum += value;
}

void CallCounters::Started() {
  std::lock_guard lock(mu_);
  ++stats_.active_calls;
}

void CallCounters::Ended(CallOutcome outcome, bool was_active) {
  std::lock_guard lock(mu_);
  if (was_active) --stats_.active_calls;
  switch (outcome) {
    case CallOutcome::kAnswered: ++stats_.calls_answered; break;
    case CallOutcome::kMissed: ++stats_.calls_missed; break;
    case CallOutcome::kAbandoned: ++stats_.calls_abandoned; break;
    case CallOutcome::kRejectedBusy: ++stats_.calls_rejected_busy; break;
    case CallOutcome::kFailed: ++stats_.calls_failed; break;
  }
}

void CallCounters::Refused(int status) {
  std::lock_guard lock(mu_);
  switch (status) {
    case 403: ++stats_.refused_forbidden; break;
    case 404: ++stats_.refused_not_found; break;
    case 480: ++stats_.refused_unavailable; break;
    case 486: ++stats_.refused_busy; break;
    case 488: ++stats_.refused_codec; break;
    default: ++stats_.refused_overload; break;
  }
}

void CallCounters::LegQualityMeasured(const LegQuality& quality) {
  std::lock_guard lock(mu_);
  stats_.leg_packet_loss.Observe(quality.packet_loss);
  stats_.leg_jitter_seconds.Observe(quality.jitter_ms / 1000.0);
}

TelephonyStats CallCounters::Snapshot() const {
  std::lock_guard lock(mu_);
  return stats_;
}

}  // namespace fr::telephony
