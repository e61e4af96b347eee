#include "adapters/telephony/engine/call_counters.hpp"

namespace fr::telephony {

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
    case CallOutcome::kBlocked: ++stats_.calls_blocked; break;
    case CallOutcome::kClosed: ++stats_.calls_closed; break;
    case CallOutcome::kVoicemail: ++stats_.calls_voicemail; break;
    case CallOutcome::kForwarded: ++stats_.calls_forwarded; break;
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

void CallCounters::RefusedWhileDraining() {
  std::lock_guard lock(mu_);
  ++stats_.refused_draining;
}

void CallCounters::LegQualityMeasured(const LegQuality& quality) {
  std::lock_guard lock(mu_);
  stats_.leg_packet_loss.Observe(quality.packet_loss);
  stats_.leg_jitter_seconds.Observe(quality.jitter_ms / 1000.0);
}

void CallCounters::LegClosed(LegDirection direction, LegDisposition disposition) {
  std::lock_guard lock(mu_);
  ++stats_.legs_closed[static_cast<std::size_t>(direction)][static_cast<std::size_t>(disposition)];
}

void CallCounters::RingToAnswer(double seconds) {
  std::lock_guard lock(mu_);
  stats_.ring_to_answer_seconds.Observe(seconds);
}

void CallCounters::AudioReceived(AudioDirection direction, const RtpTotals& totals) {
  std::lock_guard lock(mu_);
  RtpTotals& sum = stats_.rtp[static_cast<std::size_t>(direction)];
  sum.relayed += totals.relayed;
  sum.lost += totals.lost;
  sum.late += totals.late;
}

TelephonyStats CallCounters::Snapshot() const {
  std::lock_guard lock(mu_);
  return stats_;
}

}  // namespace fr::telephony
