#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/ids.hpp"

namespace fr {

// How an inbound call ended. kBlocked: refused unrung, the caller being on the organisation's
// blocklist, anonymous with rejectAnonymous, or over --caller-calls-per-hour (decision 0044);
// kClosed: outside the hotline's opening hours (decision 0042). kVoicemail: nobody answered and
// the caller left a voicemail; kForwarded: nobody answered and the fallback number took the
// call (decision 0054).
enum class CallOutcome {
  kAnswered,
  kMissed,
  kAbandoned,
  kRejectedBusy,
  kFailed,
  kBlocked,
  kClosed,
  kVoicemail,
  kForwarded
};
const char* CallOutcomeName(CallOutcome outcome);  // "answered", "rejected_busy", …
std::optional<CallOutcome> ParseCallOutcome(std::string_view name);

// One step of a call, in the order it happened.
enum class CallEntryType {
  kCallReceived,
  kGreetingPlayed,
  kAgentDialed,
  kAgentRinging,
  kAgentAnswered,
  kAgentConfirmed,  // the agent pressed 1: they take the call (hotlines with confirmAnswer)
  kAgentDeclined,
  kAgentNoAnswer,
  kAgentFailed,
  kBridged,
  kCallerHungUp,
  kAgentHungUp,
  kRejectedChannelLimit,
  kNoAgentAvailable,
  kAgentBusySkipped,   // the agent's phone is in another call of this service: not rung
  kAgentNotConfirmed,  // answered but did not press 1 (no key in time, another key, hung up)
  kEnded,
  kCallerBlocked,  // refused without ringing anyone; the detail says why
  kClosed,         // outside the opening hours; the detail names the action taken
  kVoicemailRecorded,  // a voicemail was kept; the detail says how long and why it ended
};
const char* CallEntryTypeName(CallEntryType type);  // "call_received", …
std::optional<CallEntryType> ParseCallEntryType(std::string_view name);

enum class LegDirection { kInbound, kOutbound };
const char* LegDirectionName(LegDirection direction);
std::optional<LegDirection> ParseLegDirection(std::string_view name);

// How a telephony leg ended.
// kNotConfirmed: an agent's phone answered but the agent did not press 1 (confirmAnswer).
enum class LegDisposition { kAnswered, kBusy, kNoAnswer, kCancelled, kFailed, kNotConfirmed };
const char* LegDispositionName(LegDisposition disposition);
std::optional<LegDisposition> ParseLegDisposition(std::string_view name);

struct CallEntry {
  Timestamp time;
  CallEntryType type = CallEntryType::kCallReceived;
  std::optional<UserId> user;
  std::optional<AgentPhoneId> agent_phone;
  std::optional<std::string> detail;
};

// An agent's phone, named by ids: what a leg to an agent carries besides the number, so that
// the number can be withheld from readers the agent has not consented to.
struct AgentPhoneRef {
  UserId user;
  AgentPhoneId agent_phone;
};
using AnsweredBy = AgentPhoneRef;

// How good a leg's audio was, from RTCP (decision 0023): its worse direction.
struct LegQuality {
  // The share of audio packets lost over the whole leg, 0..1: the higher of what the far end
  // reported about our audio and what we measured of its audio.
  double packet_loss = 0;
  // The highest interarrival jitter any report of the leg gave, either way, in milliseconds.
  double jitter_ms = 0;

  bool operator==(const LegQuality&) const = default;
};

// One inbound call to a hotline. Open (in progress) while `end_time` is empty.
struct CallLog {
  CallLogId id;
  HotlineId hotline;
  Timestamp start_time;
  std::optional<Timestamp> end_time;
  std::optional<std::string> caller;  // "00…", empty when the caller withheld the number
  std::optional<CallOutcome> outcome;  // set when the call ended
  std::optional<AnsweredBy> answered_by;
  std::optional<VoicemailId> voicemail;  // the message the caller left, if one was kept
  std::vector<CallEntry> entries;  // filled only when one log is read whole
};

// One telephony leg: the unit that occupies a channel and costs money.
struct TelephoneRecord {
  TelephoneRecordId id;
  HotlineId hotline;
  CallLogId call_log;
  LegDirection direction = LegDirection::kInbound;
  std::optional<std::string> from;  // empty for a withheld caller
  // The number called. For a leg to an agent this is the agent's own phone number: readers see
  // it only while the agent consents (MaySeeAgentNumber), else masked.
  std::string to;
  std::optional<AgentPhoneRef> agent;  // set on outbound legs to an agent's phone
  Timestamp start_time;
  std::optional<Timestamp> answer_time;
  std::optional<Timestamp> end_time;
  std::optional<LegDisposition> disposition;  // set when the leg ended
  std::optional<int> sip_status;              // the final SIP status, when there was one
  std::optional<LegQuality> quality;          // when the leg carried audio that RTCP measured
};

// Whole seconds from `from` to `to`, a started second counting as one (how carriers bill).
std::int64_t StartedSeconds(Timestamp from, Timestamp to);

// The call's length; empty while it is in progress.
std::optional<std::int64_t> DurationSeconds(const CallLog& log);
// Seconds from answer to end; 0 for a leg never answered; empty while the leg is up.
std::optional<std::int64_t> BillableSeconds(const TelephoneRecord& record);

// Which of a hotline's call logs a list shows (our extension of GET …/call-logs). Empty: all.
struct CallLogFilter {
  std::optional<CallOutcome> outcome;  // only calls that ended so
  std::optional<Timestamp> from;       // calls that started at or after
  std::optional<Timestamp> to;         // calls that started before

  bool empty() const { return !outcome && !from && !to; }
};

struct CallLogPage {
  std::vector<CallLog> call_logs;  // newest first, without entries
  std::int64_t total = 0;
  // Read by key (CallLogRepository::ListCallLogsBefore): where the next, older page starts, a
  // key only the repository reads; nullopt after the last page.
  std::optional<std::int64_t> next;
};

struct TelephoneRecordPage {
  std::vector<TelephoneRecord> records;  // newest first
  std::int64_t total = 0;
  std::optional<std::int64_t> next;  // as CallLogPage::next
};

}  // namespace fr
