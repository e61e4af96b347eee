#include "main/runtime_metrics.hpp"

#include <cstdio>
#include <sstream>

namespace fr {
namespace {

std::string FormatDouble(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", value);
  return buffer;
}

template <std::size_t kBuckets>
void RenderHistogram(std::ostringstream& out, const char* name, const char* help,
                     const telephony::BucketHistogram<kBuckets>& histogram) {
  out << "# HELP " << name << " " << help << "\n# TYPE " << name << " histogram\n";
  for (std::size_t i = 0; i < histogram.bounds.size(); ++i) {
    out << name << "_bucket{le=\"" << FormatDouble(histogram.bounds[i]) << "\"} "
        << histogram.cumulative[i] << "\n";
  }
  out << name << "_bucket{le=\"+Inf\"} " << histogram.count << "\n"
      << name << "_sum " << FormatDouble(histogram.sum) << "\n"
      << name << "_count " << histogram.count << "\n";
}

void RenderLegs(std::ostringstream& out, const telephony::TelephonyStats& stats) {
  out << "# HELP fr_call_legs_total Call legs whose telephone record closed, by direction and "
         "disposition.\n"
      << "# TYPE fr_call_legs_total counter\n";
  for (std::size_t direction = 0; direction < telephony::kLegDirections; ++direction) {
    for (std::size_t disposition = 0; disposition < telephony::kLegDispositions; ++disposition) {
      out << "fr_call_legs_total{direction=\""
          << LegDirectionName(static_cast<LegDirection>(direction)) << "\",disposition=\""
          << LegDispositionName(static_cast<LegDisposition>(disposition)) << "\"} "
          << stats.legs_closed[direction][disposition] << "\n";
    }
  }
}

void RenderRtp(std::ostringstream& out, const telephony::TelephonyStats& stats) {
  struct Counter {
    const char* name;
    const char* help;
    std::uint64_t telephony::RtpTotals::*field;
  };
  const Counter counters[] = {
      {"fr_rtp_packets_relayed_total", "RTP packets relayed from one phone of a call to the other",
       &telephony::RtpTotals::relayed},
      {"fr_rtp_packets_lost_total", "RTP packets a phone sent that never arrived",
       &telephony::RtpTotals::lost},
      {"fr_rtp_packets_late_total",
       "RTP packets that arrived after one their phone sent later (reordered)",
       &telephony::RtpTotals::late}};
  const char* directions[] = {"caller_to_agent", "agent_to_caller"};  // AudioDirection's order
  for (const Counter& counter : counters) {
    out << "# HELP " << counter.name << " " << counter.help
        << ", by the direction of the audio; counted as each leg ends.\n"
        << "# TYPE " << counter.name << " counter\n";
    for (std::size_t direction = 0; direction < telephony::kAudioDirections; ++direction) {
      out << counter.name << "{direction=\"" << directions[direction] << "\"} "
          << stats.rtp[direction].*counter.field << "\n";
    }
  }
}

}  // namespace

std::string RenderCallEventMetrics(const GroupCommitCallEventSink::Stats& stats) {
  std::ostringstream out;
  out << "# HELP fr_call_events_total Call events reported by the engine, by what became of them.\n"
      << "# TYPE fr_call_events_total counter\n"
      << "fr_call_events_total{state=\"accepted\"} " << stats.accepted << "\n"
      << "fr_call_events_total{state=\"written\"} " << stats.written << "\n"
      << "fr_call_events_total{state=\"dropped\"} " << stats.dropped << "\n"
      << "# HELP fr_call_event_transactions_total Transactions that wrote call events.\n"
      << "# TYPE fr_call_event_transactions_total counter\n"
      << "fr_call_event_transactions_total " << stats.transactions << "\n";
  return out.str();
}

std::string RenderSqliteWriteMetrics(const SqliteWriteGroups::Counts& counts) {
  std::ostringstream out;
  out << "# HELP fr_sqlite_writes_total Writes through SQLite's write gate, by their turn: "
         "grouped (in a group that committed, sharing its commit) or alone (turns of a "
         "transaction of their own, committed or not).\n"
      << "# TYPE fr_sqlite_writes_total counter\n"
      << "fr_sqlite_writes_total{turn=\"grouped\"} " << counts.members << "\n"
      << "fr_sqlite_writes_total{turn=\"alone\"} " << counts.alone << "\n"
      << "# HELP fr_sqlite_write_group_commits_total Commits of groups of writes; fewer than the "
         "grouped writes when writes shared a commit.\n"
      << "# TYPE fr_sqlite_write_group_commits_total counter\n"
      << "fr_sqlite_write_group_commits_total " << counts.commits << "\n"
      << "# HELP fr_sqlite_writes_waiting Writes waiting for their turn in the open group.\n"
      << "# TYPE fr_sqlite_writes_waiting gauge\n"
      << "fr_sqlite_writes_waiting " << counts.waiting << "\n";
  return out.str();
}

std::string RenderTelephonyMetrics(const telephony::TelephonyStats& stats) {
  std::ostringstream out;
  out << "# HELP fr_calls_active Inbound calls in progress.\n"
      << "# TYPE fr_calls_active gauge\n"
      << "fr_calls_active " << stats.active_calls << "\n"
      << "# HELP fr_calls_total Inbound calls that ended, by outcome.\n"
      << "# TYPE fr_calls_total counter\n";
  const std::pair<const char*, std::uint64_t> outcomes[] = {
      {"answered", stats.calls_answered},   {"missed", stats.calls_missed},
      {"abandoned", stats.calls_abandoned}, {"rejected_busy", stats.calls_rejected_busy},
      {"failed", stats.calls_failed},       {"blocked", stats.calls_blocked},
      {"closed", stats.calls_closed},       {"voicemail", stats.calls_voicemail},
      {"forwarded", stats.calls_forwarded}};
  for (const auto& [outcome, count] : outcomes) {
    out << "fr_calls_total{outcome=\"" << outcome << "\"} " << count << "\n";
  }
  out << "# HELP fr_sip_invites_refused_total INVITEs refused before a call began, by SIP status.\n"
      << "# TYPE fr_sip_invites_refused_total counter\n";
  const std::pair<int, std::uint64_t> refusals[] = {
      {403, stats.refused_forbidden}, {404, stats.refused_not_found},
      {480, stats.refused_unavailable}, {486, stats.refused_busy},
      {488, stats.refused_codec},       {503, stats.refused_overload}};
  for (const auto& [status, count] : refusals) {
    out << "fr_sip_invites_refused_total{status=\"" << status << "\"} " << count << "\n";
  }
  RenderHistogram(out, "fr_call_leg_packet_loss_ratio",
                  "Share of audio packets lost per call leg, its worse direction, from RTCP.",
                  stats.leg_packet_loss);
  RenderHistogram(out, "fr_call_leg_jitter_seconds",
                  "Highest interarrival jitter per call leg, either direction, from RTCP.",
                  stats.leg_jitter_seconds);
  out << "# HELP fr_sip_invites_refused_draining_total INVITEs refused with 503 while the service "
         "drained.\n"
      << "# TYPE fr_sip_invites_refused_draining_total counter\n"
      << "fr_sip_invites_refused_draining_total " << stats.refused_draining << "\n";
  RenderHistogram(out, "fr_call_ring_to_answer_seconds",
                  "From the agents' phones starting to ring to the answer of the agent who took "
                  "the call.",
                  stats.ring_to_answer_seconds);
  RenderLegs(out, stats);
  RenderRtp(out, stats);
  return out.str();
}

std::string RenderTrunkRegistrationMetrics(const sip::RegistrationStatus& status) {
  std::ostringstream out;
  out << "# HELP fr_sip_trunk_registered 1 while the trunk holds our registration.\n"
      << "# TYPE fr_sip_trunk_registered gauge\n"
      << "fr_sip_trunk_registered "
      << (status.state == sip::RegistrationState::kRegistered ? 1 : 0) << "\n"
      << "# HELP fr_sip_trunk_registration_failures_total Registration attempts that failed.\n"
      << "# TYPE fr_sip_trunk_registration_failures_total counter\n"
      << "fr_sip_trunk_registration_failures_total " << status.failures << "\n";
  return out.str();
}

std::string RenderSipShieldMetrics(const sip::ShieldStats& stats) {
  std::ostringstream out;
  out << "# HELP fr_sip_blocked_sources Source addresses blocked now for sending too many "
         "requests.\n"
      << "# TYPE fr_sip_blocked_sources gauge\n"
      << "fr_sip_blocked_sources " << stats.blocked_sources << "\n"
      << "# HELP fr_sip_source_blocks_total Times a source address was blocked.\n"
      << "# TYPE fr_sip_source_blocks_total counter\n"
      << "fr_sip_source_blocks_total " << stats.sources_blocked << "\n"
      << "# HELP fr_sip_requests_dropped_total SIP requests dropped unanswered, by reason.\n"
      << "# TYPE fr_sip_requests_dropped_total counter\n"
      << "fr_sip_requests_dropped_total{reason=\"blocked_source\"} " << stats.dropped_from_blocked
      << "\n"
      << "fr_sip_requests_dropped_total{reason=\"scanner\"} " << stats.dropped_scanners << "\n"
      << "# HELP fr_sip_dialogs_in_progress SIP dialogs in progress: callers' and agents' legs.\n"
      << "# TYPE fr_sip_dialogs_in_progress gauge\n"
      << "fr_sip_dialogs_in_progress " << stats.dialogs_in_progress << "\n"
      << "# HELP fr_sip_invites_over_dialog_cap_total INVITEs refused with 503 above "
         "--sip-max-dialogs.\n"
      << "# TYPE fr_sip_invites_over_dialog_cap_total counter\n"
      << "fr_sip_invites_over_dialog_cap_total " << stats.refused_dialog_cap << "\n";
  return out.str();
}

std::string RenderSpeechMetrics(const tts::EspeakSynthesizer::CacheStats& stats) {
  std::ostringstream out;
  out << "# HELP fr_tts_cache_hits_total Prompts spoken without a synthesis of their own.\n"
      << "# TYPE fr_tts_cache_hits_total counter\n"
      << "fr_tts_cache_hits_total " << stats.hits << "\n"
      << "# HELP fr_tts_cache_misses_total Prompts that needed a text-to-speech synthesis.\n"
      << "# TYPE fr_tts_cache_misses_total counter\n"
      << "fr_tts_cache_misses_total " << stats.misses << "\n"
      << "# HELP fr_tts_prompts_total Prompts asked for (hits and misses), by espeak-ng voice.\n"
      << "# TYPE fr_tts_prompts_total counter\n";
  for (const auto& [voice, count] : stats.by_voice) {
    // Voice names are [A-Za-z0-9_+-] (IsWellFormedVoiceName): nothing to escape in a label.
    out << "fr_tts_prompts_total{voice=\"" << voice << "\"} " << count << "\n";
  }
  return out.str();
}

std::string RenderDrainMetrics(bool draining) {
  std::ostringstream out;
  out << "# HELP fr_draining 1 from SIGTERM until the service stops: new calls are refused, "
         "calls in progress go on.\n"
      << "# TYPE fr_draining gauge\n"
      << "fr_draining " << (draining ? 1 : 0) << "\n";
  return out.str();
}

std::string TrunkRegistrationReadiness(const sip::RegistrationStatus& status) {
  switch (status.state) {
    case sip::RegistrationState::kRegistered:
      return "registered";
    case sip::RegistrationState::kFailed:
      return "failed: " + status.failure;
    case sip::RegistrationState::kOff:
    case sip::RegistrationState::kRegistering:
      break;
  }
  return "registering";
}

}  // namespace fr
