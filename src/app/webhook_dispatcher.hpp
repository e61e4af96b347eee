#pragma once

#include <chrono>
#include <cstdint>

#include "app/webhook_ports.hpp"
#include "common/clock.hpp"
#include "common/random.hpp"
#include "common/result.hpp"
#include "domain/webhook/webhook.hpp"
#include "domain/webhook/webhook_repository.hpp"

namespace fr {

// The delivery worker's rounds: sends what is due from the outbox, one delivery at a time,
// and schedules retries (decision 0049). The outbox is the persisted job: a restart, or another
// node, finds every pending delivery again. Used by one thread at a time.
class WebhookDispatcher {
 public:
  // `lease` must exceed the sender's timeout: a delivery claimed by a node that died in the
  // middle of it is retried once its lease ran out.
  WebhookDispatcher(WebhookRepository& webhooks, WebhookSender& sender, const SecretSealer& sealer,
                    SecureRandom& random, const Clock& clock, DeliveryPolicy policy,
                    std::chrono::milliseconds lease = std::chrono::seconds(30))
      : webhooks_(webhooks),
        sender_(sender),
        sealer_(sealer),
        random_(random),
        clock_(clock),
        policy_(policy),
        lease_(lease) {}

  // Claims the deliveries due now (at most `limit`) and attempts each. Returns how many were
  // attempted. Errors: the repository's (the round stops; the next one retries).
  Result<int> DeliverDue(std::int64_t limit = 20);

 private:
  // One attempt of `due`, and its record.
  Status Attempt(const DueDelivery& due);
  double Jitter();

  WebhookRepository& webhooks_;
  WebhookSender& sender_;
  const SecretSealer& sealer_;
  SecureRandom& random_;
  const Clock& clock_;
  DeliveryPolicy policy_;
  std::chrono::milliseconds lease_;
};

}  // namespace fr
