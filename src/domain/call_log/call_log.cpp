#include "domain/call_log/call_log.hpp"

#include <array>
#include <utility>

namespace fr {
namespace {

template <typename Enum, std::size_t N>
const char* NameOf(const std::array<std::pair<Enum, const char*>, N>& names, Enum value) {
  for (const auto& [candidate, name] : names) {
    if (candidate == value) return name;
  }
  return names.front().second;
}

template <typename Enum, std::size_t N>
std::optional<Enum> Parse(const std::array<std::pair<Enum, const char*>, N>& names,
                          std::string_view text) {
  for (const auto& [value, name] : names) {
    if (text == name) return value;
  }
  return std::nullopt;
}

constexpr std::array<std::pair<CallOutcome, const char*>, 9> kOutcomes = {{
    {CallOutcome::kAnswered, "answered"},
    {CallOutcome::kMissed, "missed"},
    {CallOutcome::kAbandoned, "abandoned"},
    {CallOutcome::kRejectedBusy, "rejected_busy"},
    {CallOutcome::kFailed, "failed"},
    {CallOutcome::kBlocked, "blocked"},
    {CallOutcome::kClosed, "closed"},
    {CallOutcome::kVoicemail, "voicemail"},
    {CallOutcome::kForwarded, "forwarded"},
}};

constexpr std::array<std::pair<CallEntryType, const char*>, 20> kEntryTypes = {{
    {CallEntryType::kCallReceived, "call_received"},
    {CallEntryType::kGreetingPlayed, "greeting_played"},
    {CallEntryType::kAgentDialed, "agent_dialed"},
    {CallEntryType::kAgentRinging, "agent_ringing"},
    {CallEntryType::kAgentAnswered, "agent_answered"},
    {CallEntryType::kAgentConfirmed, "agent_confirmed"},
    {CallEntryType::kAgentDeclined, "agent_declined"},
    {CallEntryType::kAgentNoAnswer, "agent_no_answer"},
    {CallEntryType::kAgentFailed, "agent_failed"},
    {CallEntryType::kBridged, "bridged"},
    {CallEntryType::kCallerHungUp, "caller_hung_up"},
    {CallEntryType::kAgentHungUp, "agent_hung_up"},
    {CallEntryType::kRejectedChannelLimit, "rejected_channel_limit"},
    {CallEntryType::kNoAgentAvailable, "no_agent_available"},
    {CallEntryType::kAgentBusySkipped, "agent_busy_skipped"},
    {CallEntryType::kAgentNotConfirmed, "agent_not_confirmed"},
    {CallEntryType::kEnded, "ended"},
    {CallEntryType::kCallerBlocked, "caller_blocked"},
    {CallEntryType::kClosed, "closed"},
    {CallEntryType::kVoicemailRecorded, "voicemail_recorded"},
}};

constexpr std::array<std::pair<LegDirection, const char*>, 2> kDirections = {{
    {LegDirection::kInbound, "inbound"},
    {LegDirection::kOutbound, "outbound"},
}};

constexpr std::array<std::pair<LegDisposition, const char*>, 6> kDispositions = {{
    {LegDisposition::kAnswered, "answered"},
    {LegDisposition::kBusy, "busy"},
    {LegDisposition::kNoAnswer, "no_answer"},
    {LegDisposition::kCancelled, "cancelled"},
    {LegDisposition::kFailed, "failed"},
    {LegDisposition::kNotConfirmed, "not_confirmed"},
}};

}  // namespace

const char* CallOutcomeName(CallOutcome outcome) { return NameOf(kOutcomes, outcome); }
std::optional<CallOutcome> ParseCallOutcome(std::string_view name) {
  return Parse(kOutcomes, name);
}
const char* CallEntryTypeName(CallEntryType type) { return NameOf(kEntryTypes, type); }
std::optional<CallEntryType> ParseCallEntryType(std::string_view name) {
  return Parse(kEntryTypes, name);
}
const char* LegDirectionName(LegDirection direction) { return NameOf(kDirections, direction); }
std::optional<LegDirection> ParseLegDirection(std::string_view name) {
  return Parse(kDirections, name);
}
const char* LegDispositionName(LegDisposition disposition) {
  return NameOf(kDispositions, disposition);
}
std::optional<LegDisposition> ParseLegDisposition(std::string_view name) {
  return Parse(kDispositions, name);
}

std::int64_t StartedSeconds(Timestamp from, Timestamp to) {
  const std::int64_t millis = (to - from).count();
  if (millis <= 0) return 0;
  return (millis + 999) / 1000;
}

std::optional<std::int64_t> DurationSeconds(const CallLog& log) {
  if (!log.end_time) return std::nullopt;
  return StartedSeconds(log.start_time, *log.end_time);
}

std::optional<std::int64_t> BillableSeconds(const TelephoneRecord& record) {
  if (!record.end_time) return std::nullopt;
  if (!record.answer_time) return 0;
  return StartedSeconds(*record.answer_time, *record.end_time);
}

}  // namespace fr
