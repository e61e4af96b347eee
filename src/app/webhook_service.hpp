#pragma once

#include <cstdint>
#include <string>

#include "app/webhook_ports.hpp"
#include "common/clock.hpp"
#include "common/random.hpp"
#include "common/result.hpp"
#include "domain/webhook/webhook.hpp"
#include "domain/webhook/webhook_repository.hpp"
#include "identity/principal.hpp"

namespace fr {

// A webhook with its secret in the clear: only the answer to a creation or a rotation.
struct WebhookWithSecret {
  Webhook webhook;
  std::string secret;  // "whsec_" + 64 hex digits
};

// The webhooks of organisations: admins and the organisation's API token manage them
// (RequireOrganizationAdmin): outsiders get kNotFound, members kPermissionDenied. Thread-safe.
class WebhookService {
 public:
  WebhookService(WebhookRepository& webhooks, const WebhookUrlGuard& guard,
                 const SecretSealer& sealer, SecureRandom& random, const Clock& clock)
      : webhooks_(webhooks), guard_(guard), sealer_(sealer), random_(random), clock_(clock) {}

  // Errors: kNotFound (not a member of `organization`), kPermissionDenied (a member, not an
  // admin).
  Result<WebhookPage> List(const Principal& principal, OrganizationId organization,
                           std::int64_t limit, std::int64_t offset);
  // Errors: kNotFound, kPermissionDenied as List; kInvalidArgument (fields, or a URL the guard refuses);
  // kResourceExhausted (too many webhooks); kFailedPrecondition (no key to seal secrets).
  Result<WebhookWithSecret> Create(const Principal& principal, const WebhookDraft& draft);
  // Errors: kNotFound (no such webhook in `organization`, or an outsider), kPermissionDenied
  // (a member, not an admin).
  Result<Webhook> Get(const Principal& principal, OrganizationId organization, WebhookId id);
  // Full replacement. Errors: as Get and Create.
  Result<Webhook> Update(const Principal& principal, WebhookId id, const WebhookDraft& draft);
  Status Delete(const Principal& principal, OrganizationId organization, WebhookId id);
  // A new secret replaces the old one at once. Errors: as Get; kFailedPrecondition.
  Result<WebhookWithSecret> RotateSecret(const Principal& principal, OrganizationId organization,
                                         WebhookId id);
  Result<WebhookDeliveryPage> ListDeliveries(const Principal& principal,
                                             OrganizationId organization, WebhookId id,
                                             std::int64_t limit, std::int64_t offset);
  // Errors: as Get; kNotFound for a delivery of another webhook.
  Result<WebhookDelivery> Redeliver(const Principal& principal, OrganizationId organization,
                                    WebhookId id, WebhookDeliveryId delivery);

 private:
  // The webhook `id` of `organization` if the caller may manage it. Errors: kNotFound,
  // kPermissionDenied.
  Result<Webhook> Visible(const Principal& principal, OrganizationId organization, WebhookId id);
  // Validation and the URL guard, every field error at once. Errors: kInvalidArgument.
  Result<Webhook> Checked(const WebhookDraft& draft);
  std::string NewSecret();

  WebhookRepository& webhooks_;
  const WebhookUrlGuard& guard_;
  const SecretSealer& sealer_;
  SecureRandom& random_;
  const Clock& clock_;
};

}  // namespace fr
