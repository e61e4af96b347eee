#include "domain/webhook/webhook.hpp"

#include <algorithm>
#include <cmath>

#include "common/validation.hpp"

namespace fr {

const char* WebhookEventTypeName(WebhookEventType type) {
  switch (type) {
    case WebhookEventType::kCallStarted:
      return "call.started";
    case WebhookEventType::kCallAnswered:
      return "call.answered";
    case WebhookEventType::kCallEnded:
      return "call.ended";
    case WebhookEventType::kHotlineStatusChanged:
      return "hotline.status_changed";
    case WebhookEventType::kAgentPhoneChanged:
      return "agent_phone.changed";
    case WebhookEventType::kVoicemailRecorded:
      return "voicemail.recorded";
  }
  return "call.started";
}

std::optional<WebhookEventType> ParseWebhookEventType(std::string_view name) {
  for (const auto type : kAllWebhookEventTypes) {
    if (name == WebhookEventTypeName(type)) return type;
  }
  return std::nullopt;
}

const char* DeliveryStateName(DeliveryState state) {
  switch (state) {
    case DeliveryState::kPending:
      return "pending";
    case DeliveryState::kSucceeded:
      return "succeeded";
    case DeliveryState::kFailed:
      return "failed";
  }
  return "failed";
}

std::optional<DeliveryState> ParseDeliveryState(std::string_view name) {
  for (const auto state :
       {DeliveryState::kPending, DeliveryState::kSucceeded, DeliveryState::kFailed}) {
    if (name == DeliveryStateName(state)) return state;
  }
  return std::nullopt;
}

Result<Webhook> ValidateWebhook(const WebhookDraft& draft) {
  std::vector<FieldError> errors;
  Webhook webhook;
  webhook.organization_id = draft.organization_id;
  webhook.is_active = draft.is_active;
  webhook.include_caller_number = draft.include_caller_number;
  if (const auto url = CheckText("url", draft.url, 1, kMaxWebhookUrlLength, errors)) {
    webhook.url = *url;
  }
  std::vector<bool> seen(std::size(kAllWebhookEventTypes), false);
  for (const std::string& name : draft.event_types) {
    const auto type = ParseWebhookEventType(name);
    if (!type) {
      errors.push_back({"eventTypes", "'" + name + "' is not an event type"});
      continue;
    }
    if (seen[static_cast<std::size_t>(*type)]) {
      errors.push_back({"eventTypes", "'" + name + "' is listed twice"});
    }
    seen[static_cast<std::size_t>(*type)] = true;
  }
  if (draft.event_types.empty()) errors.push_back({"eventTypes", "must name at least one event"});
  for (const auto type : kAllWebhookEventTypes) {
    if (seen[static_cast<std::size_t>(type)]) webhook.event_types.push_back(type);
  }
  if (!errors.empty()) return Error::InvalidArgument("The webhook is invalid.", std::move(errors));
  return webhook;
}

std::optional<Timestamp> NextDeliveryAttempt(const DeliveryPolicy& policy, int attempts,
                                             Timestamp created_at, Timestamp now, double jitter) {
  using std::chrono::milliseconds;
  // 2^30 times any sensible base is past the cap; the exponent stays small to avoid overflow.
  const int exponent = std::clamp(attempts - 1, 0, 30);
  const double uncapped =
      static_cast<double>(policy.retry_base.count()) * std::ldexp(1.0, exponent);
  const double capped = std::min(uncapped, static_cast<double>(policy.retry_cap.count()));
  // Equal jitter: the wait is at least half the backoff, so that receivers coming back from an
  // outage are not hit by every sender at once, and never less than a millisecond.
  const double factor = 0.5 + 0.5 * std::clamp(jitter, 0.0, 1.0);
  const auto wait = milliseconds(std::max<std::int64_t>(1, std::llround(capped * factor)));
  const Timestamp next = now + wait;
  if (next - created_at > policy.give_up_after) return std::nullopt;
  return next;
}

bool ShouldDisableWebhook(const DeliveryPolicy& policy, Timestamp failing_since, Timestamp now) {
  return now - failing_since >= policy.disable_after;
}

}  // namespace fr
