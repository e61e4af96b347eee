#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/ids.hpp"
#include "common/result.hpp"
#include "domain/call_log/call_log.hpp"

namespace fr {

using WebhookId = Id<struct WebhookTag>;
using WebhookEventId = Id<struct WebhookEventTag>;
using WebhookDeliveryId = Id<struct WebhookDeliveryTag>;

// What a webhook can subscribe to. `agent_phone.changed` goes to every organisation the phone's
// owner is a member of.
enum class WebhookEventType {
  kCallStarted,
  kCallAnswered,
  kCallEnded,
  kHotlineStatusChanged,
  kAgentPhoneChanged,
  kVoicemailRecorded,
};
const char* WebhookEventTypeName(WebhookEventType type);  // "call.started", …
std::optional<WebhookEventType> ParseWebhookEventType(std::string_view name);
inline constexpr WebhookEventType kAllWebhookEventTypes[] = {
    WebhookEventType::kCallStarted, WebhookEventType::kCallAnswered, WebhookEventType::kCallEnded,
    WebhookEventType::kHotlineStatusChanged, WebhookEventType::kAgentPhoneChanged,
    WebhookEventType::kVoicemailRecorded};

inline constexpr std::size_t kMaxWebhookUrlLength = 2048;
inline constexpr int kMaxWebhooksPerOrganization = 20;

// An organisation's subscription: events of `event_types` are POSTed to `url`, signed with the
// webhook's secret. The secret itself is not part of this value: the client sees it once, and
// the store keeps it sealed (decision 0048).
struct Webhook {
  WebhookId id;
  OrganizationId organization_id;
  std::string url;
  std::vector<WebhookEventType> event_types;  // unique, in the order of kAllWebhookEventTypes
  bool is_active = true;
  // call.* events carry the caller's number (personal data) only when this is set.
  bool include_caller_number = false;
  // Why the service switched the webhook off (after days of failed deliveries); empty otherwise.
  std::string disabled_reason;
  Timestamp created_at;
  Timestamp updated_at;
};

// What a client sends to create or replace a webhook.
struct WebhookDraft {
  OrganizationId organization_id;
  std::string url;
  std::vector<std::string> event_types;
  bool is_active = true;
  bool include_caller_number = false;
};

// Checks the fields that need no network: a URL of at most kMaxWebhookUrlLength characters and
// at least one known event type, none twice. Whether the URL's scheme and address are allowed
// is the URL guard's job (WebhookUrlGuard). Errors: kInvalidArgument with one FieldError per bad
// field.
Result<Webhook> ValidateWebhook(const WebhookDraft& draft);

// One fact an organisation's webhooks may hear about, as the outbox keeps it: written in the
// same transaction as the change it reports. Which members are set depends on `type`.
struct WebhookEvent {
  WebhookEventId id;
  OrganizationId organization_id;
  WebhookEventType type = WebhookEventType::kCallStarted;
  Timestamp occurred_at;
  std::optional<HotlineId> hotline;              // call.*, hotline.status_changed
  std::optional<CallLogId> call_log;             // call.*
  std::optional<std::string> caller;             // call.*: "00…"; empty when withheld
  std::optional<CallOutcome> outcome;            // call.ended
  std::optional<std::int64_t> duration_seconds;  // call.ended
  std::optional<AnsweredBy> answered_by;         // call.answered, call.ended when answered
  std::optional<std::string> status;             // hotline.status_changed: the new status
  std::optional<std::string> detail;             // its statusDetail
  std::optional<UserId> user;                    // agent_phone.changed: the owner
  std::optional<AgentPhoneId> agent_phone;       // agent_phone.changed
  std::optional<std::string> change;             // agent_phone.changed: created|updated|deleted
  std::optional<bool> is_active;                 // agent_phone.changed, unless deleted
  std::optional<VoicemailId> voicemail;          // voicemail.recorded
};

enum class DeliveryState { kPending, kSucceeded, kFailed };
const char* DeliveryStateName(DeliveryState state);  // "pending", …
std::optional<DeliveryState> ParseDeliveryState(std::string_view name);

// One event for one webhook, and its latest attempt.
struct WebhookDelivery {
  WebhookDeliveryId id;
  WebhookId webhook;
  WebhookEventId event;
  WebhookEventType event_type = WebhookEventType::kCallStarted;
  DeliveryState state = DeliveryState::kPending;
  int attempts = 0;
  Timestamp created_at;
  std::optional<Timestamp> next_attempt_at;  // pending only
  std::optional<Timestamp> last_attempt_at;
  std::optional<int> status_code;  // the receiver's HTTP status, when it answered
  std::optional<std::int64_t> duration_ms;
  std::string error;  // why the latest attempt failed; empty after a success
};

// How deliveries are retried (decision 0049).
struct DeliveryPolicy {
  std::chrono::milliseconds retry_base{std::chrono::seconds(30)};   // first retry after about this
  std::chrono::milliseconds retry_cap{std::chrono::hours(1)};       // no wait is longer
  std::chrono::milliseconds give_up_after{std::chrono::hours(24)};  // since the delivery began
  std::chrono::milliseconds disable_after{std::chrono::hours(72)};  // of failures without success
};

// When to try a failed delivery again after its `attempts`-th attempt (1 for the first) ended at
// `now`: base · 2^(attempts−1), at most the cap, times a jitter factor in [0.5, 1) from
// `jitter` (a number in [0, 1)); nullopt when the next try would be later than give_up_after
// from `created_at` (the delivery fails for good).
std::optional<Timestamp> NextDeliveryAttempt(const DeliveryPolicy& policy, int attempts,
                                             Timestamp created_at, Timestamp now, double jitter);

// Whether a webhook failing since `failing_since` (its first failure after the last success)
// is to be switched off at `now`.
bool ShouldDisableWebhook(const DeliveryPolicy& policy, Timestamp failing_since, Timestamp now);

}  // namespace fr
