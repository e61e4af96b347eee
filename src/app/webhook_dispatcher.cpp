#include "app/webhook_dispatcher.hpp"

#include <array>

namespace fr {

double WebhookDispatcher::Jitter() {
  std::array<std::uint8_t, 4> bytes{};
  random_.Fill(bytes);
  const std::uint32_t value = static_cast<std::uint32_t>(bytes[0]) << 24 |
                              static_cast<std::uint32_t>(bytes[1]) << 16 |
                              static_cast<std::uint32_t>(bytes[2]) << 8 | bytes[3];
  return static_cast<double>(value) / 4294967296.0;
}

Result<int> WebhookDispatcher::DeliverDue(std::int64_t limit) {
  const Timestamp now = clock_.Now();
  FR_ASSIGN_OR_RETURN(const std::vector<DueDelivery> due,
                      webhooks_.ClaimDue(now, now + lease_, limit));
  int attempted = 0;
  for (const DueDelivery& delivery : due) {
    FR_RETURN_IF_ERROR(Attempt(delivery));
    ++attempted;
  }
  return attempted;
}

Status WebhookDispatcher::Attempt(const DueDelivery& due) {
  DeliveryAttempt attempt;
  if (const auto secret = sealer_.Open(due.sealed_secret); secret.ok()) {
    attempt = sender_.Send({due.webhook.url, *secret, due.webhook.include_caller_number}, due.event,
                           due.delivery.id);
  } else {
    // Not sent unsigned: a receiver must be able to trust every request it gets.
    attempt.at = clock_.Now();
    attempt.error =
        "the webhook's secret cannot be opened (" + secret.error().detail + "); rotate the secret";
  }
  if (attempt.succeeded()) return webhooks_.RecordSuccess(due, attempt);
  AfterFailure next;
  next.retry_at = NextDeliveryAttempt(policy_, due.delivery.attempts + 1, due.delivery.created_at,
                                      attempt.at, Jitter());
  const Timestamp failing_since = due.failing_since.value_or(attempt.at);
  if (ShouldDisableWebhook(policy_, failing_since, attempt.at)) {
    next.retry_at.reset();
    next.disable_reason = "Every delivery failed since " + FormatTimestamp(failing_since) +
                          "; the last error: " + attempt.error;
  }
  return webhooks_.RecordFailure(due, attempt, next);
}

}  // namespace fr
