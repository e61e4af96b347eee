#pragma once

#include <string>

#include "adapters/telephony/engine/telephony_engine.hpp"
#include "app/group_commit_call_event_sink.hpp"

namespace fr {

// /metrics text (Prometheus format) for the call-event sink and the telephony engine.
std::string RenderCallEventMetrics(const GroupCommitCallEventSink::Stats& stats);
std::string RenderTelephonyMetrics(const telephony::TelephonyStats& stats);

}  // namespace fr
