#pragma once

#include "adapters/storage/database.hpp"
#include "domain/webhook/event_log.hpp"
#include "domain/webhook/webhook_repository.hpp"

namespace fr {

// SOCI implementation of WebhookRepository, and of the outbox appenders (webhook_outbox.hpp):
// every statement about webhooks, their events and deliveries lives in its .cpp. Thread-safe.
class SociWebhookRepository final : public WebhookRepository, public EventLog {
 public:
  explicit SociWebhookRepository(Database& database) : database_(database) {}

  Result<Webhook> Create(const Webhook& webhook, const std::string& sealed_secret,
                         Timestamp now) override;
  Result<std::optional<Webhook>> Find(WebhookId id) override;
  Result<WebhookPage> ListByOrganization(OrganizationId organization, std::int64_t limit,
                                         std::int64_t offset) override;
  Result<Webhook> Update(const Webhook& webhook, Timestamp now) override;
  Status Delete(WebhookId id) override;
  Status ReplaceSecret(WebhookId id, const std::string& sealed_secret, Timestamp now) override;
  Result<WebhookDeliveryPage> ListDeliveries(WebhookId webhook, std::int64_t limit,
                                             std::int64_t offset) override;
  Result<WebhookDelivery> Redeliver(WebhookId webhook, WebhookDeliveryId delivery,
                                    Timestamp now) override;
  Result<std::vector<DueDelivery>> ClaimDue(Timestamp now, Timestamp lease_until,
                                            std::int64_t limit) override;
  Status RecordSuccess(const DueDelivery& due, const DeliveryAttempt& attempt) override;
  Status RecordFailure(const DueDelivery& due, const DeliveryAttempt& attempt,
                       const AfterFailure& next) override;
  Result<std::int64_t> PurgeBefore(Timestamp cutoff) override;
  Result<std::vector<WebhookEvent>> EventsAfter(OrganizationId organization, WebhookEventId after,
                                                int limit) override;
  Result<WebhookEventId> LatestEventId(OrganizationId organization) override;

 private:
  Database& database_;
};

}  // namespace fr
