#include "domain/hotline/hotline.hpp"

#include <set>

#include "common/validation.hpp"
#include "domain/hotline/language.hpp"
#include "domain/hotline/hotline_repository.hpp"
#include "domain/numbers/number_rules.hpp"

namespace fr {

const char* HotlineStatusName(HotlineStatus status) {
  switch (status) {
    case HotlineStatus::kCreated: return "created";
    case HotlineStatus::kProvisioning: return "provisioning";
    case HotlineStatus::kActive: return "active";
    case HotlineStatus::kPaused: return "paused";
    case HotlineStatus::kFailed: return "failed";
  }
  return "failed";
}

std::optional<HotlineStatus> ParseHotlineStatus(std::string_view name) {
  for (const auto status : {HotlineStatus::kCreated, HotlineStatus::kProvisioning,
                            HotlineStatus::kActive, HotlineStatus::kPaused,
                            HotlineStatus::kFailed}) {
    if (name == HotlineStatusName(status)) return status;
  }
  return std::nullopt;
}

const char* NumberStateName(NumberState state) {
  switch (state) {
    case NumberState::kFree: return "free";
    case NumberState::kReserved: return "reserved";
    case NumberState::kQuarantined: return "quarantined";
  }
  return "free";
}

const char* FallbackActionName(FallbackAction action) {
  switch (action) {
    case FallbackAction::kMessage: return "message";
    case FallbackAction::kVoicemail: return "voicemail";
    case FallbackAction::kForward: return "forward";
  }
  return "message";
}

std::optional<FallbackAction> ParseFallbackAction(std::string_view name) {
  for (const auto action :
       {FallbackAction::kMessage, FallbackAction::kVoicemail, FallbackAction::kForward}) {
    if (name == FallbackActionName(action)) return action;
  }
  return std::nullopt;
}

namespace {

// `draft` checked, its bad fields named under `prefix` ("noAnswer"); nullopt when one is bad.
std::optional<Fallback> CheckFallback(const std::string& prefix, const FallbackDraft& draft,
                                      const NumberingPlan& plan,
                                      std::vector<FieldError>& errors) {
  const std::size_t errors_before = errors.size();
  Fallback fallback;
  const auto action = ParseFallbackAction(draft.action);
  if (!action) {
    errors.push_back({prefix + ".action", "must be \"message\", \"voicemail\" or \"forward\""});
  }
  auto tts = CheckText(prefix + ".ttsVoicemail", draft.tts_voicemail, 0, kMaxTtsLength, errors,
                       TextKind::kSpeech);
  if (draft.max_seconds < kMinVoicemailSeconds || draft.max_seconds > kMaxVoicemailSeconds) {
    errors.push_back({prefix + ".maxSeconds", "must be an integer between 10 and 600"});
  }
  if (!draft.forward_to.empty()) {
    if (auto number = CheckAgentNumber(plan, prefix + ".forwardTo", draft.forward_to, errors)) {
      fallback.forward_to = std::move(number->international);
    }
  } else if (action == FallbackAction::kForward) {
    errors.push_back({prefix + ".forwardTo", "is required when the action is \"forward\""});
  }
  if (errors.size() != errors_before) return std::nullopt;
  fallback.action = *action;
  fallback.tts_voicemail = std::move(*tts);
  fallback.max_seconds = draft.max_seconds;
  return fallback;
}

}  // namespace

Result<Hotline> ValidateHotline(const HotlineDraft& draft, const NumberingPlan& plan) {
  std::vector<FieldError> errors;
  auto name = CheckText("name", draft.name, 1, 100, errors);
  auto tts_inbound = CheckText("ttsInbound", draft.tts_inbound, 0, kMaxTtsLength, errors,
                               TextKind::kSpeech);
  auto tts_outbound = CheckText("ttsOutbound", draft.tts_outbound, 0, kMaxTtsLength, errors,
                                TextKind::kSpeech);
  auto tts_closed =
      CheckText("ttsClosed", draft.tts_closed, 0, kMaxTtsLength, errors, TextKind::kSpeech);
  std::optional<std::string> language = std::string();
  if (!draft.language.empty()) {
    language = CanonicalLanguageTag(draft.language);
    if (!language) {
      errors.push_back({"language",
                        "must be a BCP 47 language tag of a language the speech synthesiser "
                        "speaks, such as de, en-US or pt-BR"});
    }
  }
  std::optional<Schedule> schedule;
  if (draft.schedule) schedule = CheckSchedule("schedule", *draft.schedule, errors);
  auto no_answer = CheckFallback("noAnswer", draft.no_answer, plan, errors);
  auto closed = CheckFallback("closed", draft.closed, plan, errors);
  const auto check_channels = [&errors](const char* field, int value) {
    if (value < 1 || value > kMaxChannels) {
      errors.push_back({field, "must be an integer between 1 and 100"});
    }
  };
  check_channels("channelsInbound", draft.channels_inbound);
  check_channels("channelsOutbound", draft.channels_outbound);
  if (!draft.organization_id.valid()) {
    errors.push_back({"organizationID", "must be a positive 64-bit integer"});
  }
  std::vector<UserId> agents;
  if (draft.agents.size() > kMaxAgentsPerHotline) {
    errors.push_back({"agents", "must list at most 100 users"});
  } else {
    std::set<std::int64_t> seen;
    for (const std::int64_t agent : draft.agents) {
      if (agent < 1) {
        errors.push_back({"agents", "must contain only positive user ids"});
        break;
      }
      if (!seen.insert(agent).second) {
        errors.push_back({"agents", "must not list a user twice (" + std::to_string(agent) + ")"});
        break;
      }
      agents.push_back(UserId(agent));
    }
  }
  if (!errors.empty()) return Error::InvalidArgument("The hotline is invalid.", std::move(errors));
  Hotline hotline;
  hotline.organization_id = draft.organization_id;
  hotline.name = std::move(*name);
  hotline.agents = std::move(agents);
  hotline.channels_inbound = draft.channels_inbound;
  hotline.channels_outbound = draft.channels_outbound;
  hotline.is_active = draft.is_active;
  hotline.tts_inbound = std::move(*tts_inbound);
  hotline.tts_outbound = std::move(*tts_outbound);
  hotline.confirm_answer = draft.confirm_answer;
  hotline.language = std::move(*language);
  hotline.schedule = std::move(schedule);
  hotline.no_answer = std::move(*no_answer);
  hotline.closed = std::move(*closed);
  hotline.tts_closed = std::move(*tts_closed);
  hotline.reject_anonymous = draft.reject_anonymous;
  return hotline;
}

}  // namespace fr
