#pragma once

#include <mutex>

#include "adapters/telephony/engine/telephony_engine.hpp"
#include "domain/call_log/call_log.hpp"

namespace fr::telephony {

// The engine's counters for /metrics. Written on the control thread, read from any. Thread-safe.
class CallCounters {
 public:
  // A call was answered and occupies an inbound channel.
  void Started();
  // A call ended with `outcome`; `was_active` when Started() counted it (not refused at once).
  void Ended(CallOutcome outcome, bool was_active);
  // An INVITE was refused with `status` before a call began.
  void Refused(int status);
  // A 503 while the service drains (decision 0033), counted besides Refused.
  void RefusedWhileDraining();
  // A leg's record closed with the quality of its audio (decision 0023).
  void LegQualityMeasured(const LegQuality& quality);
  // A leg's record closed with `disposition`.
  void LegClosed(LegDirection direction, LegDisposition disposition);
  // The agent who took a call answered `seconds` after the phones started ringing.
  void RingToAnswer(double seconds);
  // What became of the RTP of one leg, whose audio went `direction`, when it ended.
  void AudioReceived(AudioDirection direction, const RtpTotals& totals);
  TelephonyStats Snapshot() const;

 private:
  mutable std::mutex mu_;
  TelephonyStats stats_;  // Guarded by mu_.
};

}  // namespace fr::telephony
