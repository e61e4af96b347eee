#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "domain/webhook/webhook.hpp"

namespace fr {

struct WebhookPage {
  std::vector<Webhook> webhooks;  // ordered by id
  std::int64_t total = 0;
};

struct WebhookDeliveryPage {
  std::vector<WebhookDelivery> deliveries;  // newest first
  std::int64_t total = 0;
};

// A delivery whose turn has come, with everything needed to send it.
struct DueDelivery {
  WebhookDelivery delivery;
  Webhook webhook;
  std::string sealed_secret;               // as SecretSealer::Seal made it
  std::optional<Timestamp> failing_since;  // the webhook's first failure since its last success
  WebhookEvent event;
};

// How one attempt went.
struct DeliveryAttempt {
  Timestamp at;                    // when it ended
  std::optional<int> status_code;  // the receiver's HTTP status, when it answered
  std::int64_t duration_ms = 0;
  std::string error;  // empty when the receiver answered 2xx
  bool succeeded() const { return error.empty(); }
};

// What follows a failed attempt: the next try, or none (the delivery failed for good), and
// whether the webhook is switched off (with `disable_reason`), which fails all its pending
// deliveries too.
struct AfterFailure {
  std::optional<Timestamp> retry_at;
  std::optional<std::string> disable_reason;
};

// Port: webhooks, their outbox of events and the deliveries of those events. Events are
// appended by the repositories whose changes cause them, in the same transaction (the storage
// adapter's job, not this port's). Thread-safe; every method may fail with kUnavailable or
// kInternal, other errors are listed per method.
class WebhookRepository {
 public:
  virtual ~WebhookRepository() = default;
  // Stores a new webhook with its sealed secret; returns it with id and times.
  // Errors: kResourceExhausted when the organisation has kMaxWebhooksPerOrganization.
  virtual Result<Webhook> Create(const Webhook& webhook, const std::string& sealed_secret,
                                 Timestamp now) = 0;
  virtual Result<std::optional<Webhook>> Find(WebhookId id) = 0;
  virtual Result<WebhookPage> ListByOrganization(OrganizationId organization, std::int64_t limit,
                                                 std::int64_t offset) = 0;
  // Replaces url, event types, is_active and include_caller_number. Switching is_active on
  // clears disabled_reason and the failure streak. Errors: kNotFound.
  virtual Result<Webhook> Update(const Webhook& webhook, Timestamp now) = 0;
  // Deletes the webhook with its deliveries. Errors: kNotFound.
  virtual Status Delete(WebhookId id) = 0;
  // Errors: kNotFound.
  virtual Status ReplaceSecret(WebhookId id, const std::string& sealed_secret, Timestamp now) = 0;

  virtual Result<WebhookDeliveryPage> ListDeliveries(WebhookId webhook, std::int64_t limit,
                                                     std::int64_t offset) = 0;
  // Queues delivery `delivery`'s event to its webhook once more, as a new pending delivery due
  // at `now`. Errors: kNotFound (no such delivery of `webhook`).
  virtual Result<WebhookDelivery> Redeliver(WebhookId webhook, WebhookDeliveryId delivery,
                                            Timestamp now) = 0;

  // Pending deliveries due at `now`, at most `limit`, each the oldest pending one of an active
  // webhook (so that a webhook hears of its events in order), claimed until `lease_until`: no
  // other claim returns them before then, on this node or another.
  virtual Result<std::vector<DueDelivery>> ClaimDue(Timestamp now, Timestamp lease_until,
                                                    std::int64_t limit) = 0;
  // Marks the delivery succeeded and ends the webhook's failure streak.
  virtual Status RecordSuccess(const DueDelivery& due, const DeliveryAttempt& attempt) = 0;
  // Records a failed attempt and what follows it (see AfterFailure); starts the webhook's
  // failure streak at `attempt.at` if none runs.
  virtual Status RecordFailure(const DueDelivery& due, const DeliveryAttempt& attempt,
                               const AfterFailure& next) = 0;
  // Deletes finished deliveries and events without pending deliveries older than `cutoff`.
  // Returns how many events were deleted.
  virtual Result<std::int64_t> PurgeBefore(Timestamp cutoff) = 0;
};

}  // namespace fr
