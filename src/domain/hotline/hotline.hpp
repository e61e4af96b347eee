#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/ids.hpp"
#include "common/result.hpp"
#include "domain/hotline/schedule.hpp"
#include "domain/numbers/phone_number.hpp"

namespace fr {

// created → provisioning → active; paused while isActive is false (the number stays reserved);
// failed when provisioning failed (statusDetail says why).
enum class HotlineStatus { kCreated, kProvisioning, kActive, kPaused, kFailed };

const char* HotlineStatusName(HotlineStatus status);  // "created", …
std::optional<HotlineStatus> ParseHotlineStatus(std::string_view name);

inline constexpr int kDefaultChannels = 10;
inline constexpr int kMaxChannels = 100;
inline constexpr std::size_t kMaxAgentsPerHotline = 100;
inline constexpr std::size_t kMaxTtsLength = 300;

// What happens to a call that nobody takes (`noAnswer`) or that arrives outside the opening
// hours (`closed`): `message` says a sentence and hangs up; `voicemail` says a prompt, beeps and
// records the caller; `forward` passes the call to a fallback number (decision 0054).
enum class FallbackAction { kMessage, kVoicemail, kForward };
const char* FallbackActionName(FallbackAction action);  // "message", "voicemail", "forward"
std::optional<FallbackAction> ParseFallbackAction(std::string_view name);

inline constexpr int kDefaultVoicemailSeconds = 120;
inline constexpr int kMinVoicemailSeconds = 10;
inline constexpr int kMaxVoicemailSeconds = 600;

// One fallback with its fields. The fields of the other actions are kept as the client sent
// them (validated), so that switching the action back and forth loses nothing.
struct Fallback {
  FallbackAction action = FallbackAction::kMessage;
  std::string tts_voicemail;  // 0..300 code points; empty: the built-in "please leave a message"
  int max_seconds = kDefaultVoicemailSeconds;  // 10..600: the longest recording
  std::string forward_to;  // "00…" form; valid, not premium-rate or shared-cost; set for forward
};

// A fallback as the client sent it.
struct FallbackDraft {
  std::string action = "message";
  std::string tts_voicemail;
  int max_seconds = kDefaultVoicemailSeconds;
  std::string forward_to;
};

struct Hotline {
  HotlineId id;
  OrganizationId organization_id;
  std::string name;             // 1..100 code points, trimmed
  std::vector<UserId> agents;   // unique, members of the organisation, in the client's order
  // Read-only, filled by storage: of the agents, how many have an active phone, and how many
  // an active verified one (issue 15 §6).
  int agents_with_active_phone = 0;
  int agents_with_verified_phone = 0;
  // Read-only: the agents a call would ring (agentsReady), one of the two counts above as
  // HotlineService's policy requires verified phones or not.
  int agents_ready = 0;
  int channels_inbound = kDefaultChannels;   // 1..100
  int channels_outbound = kDefaultChannels;  // 1..100
  bool is_active = true;
  std::string tts_inbound;   // 0..300 code points: played to callers
  std::string tts_outbound;  // 0..300 code points: played to the agent who answers
  // The answering agent must press 1 before being connected, so that a voicemail that picks up
  // cannot take the call (our extension of the specification's Hotline).
  bool confirm_answer = true;
  // A canonical BCP 47 tag: the voice of every prompt and the language of the built-in
  // sentences (decision 0043). Empty: the service's default (--tts-voice).
  std::string language;
  std::optional<Schedule> schedule;  // none: always open (decision 0042)
  Fallback no_answer;  // when no agent takes the call (default: the built-in message)
  Fallback closed;     // outside the opening hours
  std::string tts_closed;  // 0..300 code points; empty: the built-in sentence
  // Callers who withhold their number are refused like blocked ones (decision 0044).
  bool reject_anonymous = false;
  std::string number;        // the reserved local number, "00…" form
  HotlineStatus status = HotlineStatus::kCreated;
  std::string status_detail;  // why provisioning failed
  std::int64_t version = 1;   // grows with every change; the ETag
  Timestamp created_at;
  Timestamp updated_at;
};

// The client's fields of a create or a full update.
struct HotlineDraft {
  OrganizationId organization_id;
  std::string name;
  std::vector<std::int64_t> agents;
  int channels_inbound = kDefaultChannels;
  int channels_outbound = kDefaultChannels;
  bool is_active = true;
  std::string tts_inbound;
  std::string tts_outbound;
  bool confirm_answer = true;
  std::string language;  // empty: the service's default
  std::optional<ScheduleDraft> schedule;
  FallbackDraft no_answer;
  FallbackDraft closed;
  std::string tts_closed;
  bool reject_anonymous = false;
};

// Validates a draft's own fields (lengths, ranges, agents unique, positive and at most 100).
// The fallbacks' fields are named "noAnswer.forwardTo", "closed.maxSeconds"; a forwardTo is
// checked like an agent's phone (CheckAgentNumber). Membership of the agents, and whether a
// forwardTo is one of the service's own numbers, are checked by the service, which knows the
// organisation and the inventory. Errors: kInvalidArgument with one FieldError per bad field.
Result<Hotline> ValidateHotline(const HotlineDraft& draft, const NumberingPlan& plan);

}  // namespace fr
