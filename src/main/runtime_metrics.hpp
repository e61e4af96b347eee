#pragma once

#include <string>

#include "adapters/storage/sqlite_write_groups.hpp"
#include "adapters/telephony/engine/telephony_engine.hpp"
#include "adapters/tts/espeak_synthesizer.hpp"
#include "app/group_commit_call_event_sink.hpp"

namespace fr {

// /metrics text (Prometheus format) for the call-event sink and the telephony engine.
std::string RenderCallEventMetrics(const GroupCommitCallEventSink::Stats& stats);
std::string RenderTelephonyMetrics(const telephony::TelephonyStats& stats);
// fr_sip_trunk_registered (gauge 0/1) and fr_sip_trunk_registration_failures_total.
std::string RenderTrunkRegistrationMetrics(const sip::RegistrationStatus& status);
// The SIP port's shield: fr_sip_blocked_sources, fr_sip_requests_dropped_total{reason},
// fr_sip_dialogs_in_progress and the 503s above --sip-max-dialogs.
std::string RenderSipShieldMetrics(const sip::ShieldStats& stats);
// fr_tts_cache_hits_total and fr_tts_cache_misses_total.
std::string RenderSpeechMetrics(const tts::EspeakSynthesizer::CacheStats& stats);
// SQLite's write gate: fr_sqlite_writes_total{turn} (grouped or alone),
// fr_sqlite_write_group_commits_total and fr_sqlite_writes_waiting.
std::string RenderSqliteWriteMetrics(const SqliteWriteGroups::Counts& counts);
// fr_draining: 1 while the service drains before it stops (decision 0033).
std::string RenderDrainMetrics(bool draining);
// /readyz's words for the registration: "registering", "registered", "failed: …".
std::string TrunkRegistrationReadiness(const sip::RegistrationStatus& status);

}  // namespace fr
