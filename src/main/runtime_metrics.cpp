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

void RenderHistogram(std::ostringstream& out, const char* name, const char* help,
                     const telephony::QualityHistogram& histogram) {
  out << "# HELP " << name << " " << help << "\n# TYPE " << name << " histogram\n";
  for (std::size_t i = 0; i < histogram.bounds.size(); ++i) {
    out << name << "_bucket{le=\"" << FormatDouble(histogram.bounds[i]) << "\"} "
        << histogram.cumulative[i] << "\n";
  }
  out << name << "_bucket{le=\"+Inf\"} " << histogram.count << "\n"
      << name << "_sum " << FormatDouble(histogram.sum) << "\n"
      << name << "_count " << histogram.count << "\n";
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
      {"failed", stats.calls_failed}};
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
