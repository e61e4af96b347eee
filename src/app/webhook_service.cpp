#include "app/webhook_service.hpp"

#include <algorithm>
#include <array>

#include "domain/audit/audit.hpp"
#include "identity/authorization.hpp"

namespace fr {
namespace {

Error NoSuchWebhook() { return Error::NotFound("No such webhook."); }
// Outsiders are told there is no such organisation, members that only admins manage webhooks.
Status RequireAdmin(const Principal& principal, OrganizationId organization) {
  return RequireOrganizationAdmin(
      principal, organization,
      "Only admins of the organization and its API token may manage its webhooks.");
}

}  // namespace

std::string WebhookService::NewSecret() {
  std::array<std::uint8_t, 32> bytes{};
  random_.Fill(bytes);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string secret = "whsec_";
  for (const std::uint8_t byte : bytes) {
    secret += kHex[byte >> 4];
    secret += kHex[byte & 0x0f];
  }
  return secret;
}

Result<Webhook> WebhookService::Checked(const WebhookDraft& draft) {
  auto validated = ValidateWebhook(draft);
  std::vector<FieldError> errors =
      validated.ok() ? std::vector<FieldError>{} : validated.error().field_errors;
  const bool url_failed = std::any_of(errors.begin(), errors.end(),
                                      [](const FieldError& error) { return error.field == "url"; });
  if (!url_failed) {
    if (const Status allowed = guard_.Check(draft.url); !allowed.ok()) {
      if (allowed.error().code != ErrorCode::kInvalidArgument) return allowed.error();
      for (const FieldError& error : allowed.error().field_errors) errors.push_back(error);
    }
  }
  if (!errors.empty()) return Error::InvalidArgument("The webhook is invalid.", std::move(errors));
  return std::move(validated).value();
}

Result<WebhookPage> WebhookService::List(const Principal& principal, OrganizationId organization,
                                         std::int64_t limit, std::int64_t offset) {
  FR_RETURN_IF_ERROR(RequireAdmin(principal, organization));
  return webhooks_.ListByOrganization(organization, limit, offset);
}

Result<WebhookWithSecret> WebhookService::Create(const Principal& principal,
                                                 const WebhookDraft& draft) {
  FR_RETURN_IF_ERROR(RequireAdmin(principal, draft.organization_id));
  FR_ASSIGN_OR_RETURN(const Webhook webhook, Checked(draft));
  std::string secret = NewSecret();
  FR_ASSIGN_OR_RETURN(const std::string sealed, sealer_.Seal(secret));
  AuditedChange audited;
  audited.Add(draft.organization_id, AuditType::kWebhookCreated, {}, clock_.Now());
  FR_ASSIGN_OR_RETURN(Webhook created, webhooks_.Create(webhook, sealed, clock_.Now()));
  return WebhookWithSecret{std::move(created), std::move(secret)};
}

Result<Webhook> WebhookService::Visible(const Principal& principal, OrganizationId organization,
                                        WebhookId id) {
  FR_RETURN_IF_ERROR(RequireAdmin(principal, organization));
  FR_ASSIGN_OR_RETURN(const auto webhook, webhooks_.Find(id));
  if (!webhook || webhook->organization_id != organization) return NoSuchWebhook();
  return *webhook;
}

Result<Webhook> WebhookService::Get(const Principal& principal, OrganizationId organization,
                                    WebhookId id) {
  return Visible(principal, organization, id);
}

Result<Webhook> WebhookService::Update(const Principal& principal, WebhookId id,
                                       const WebhookDraft& draft) {
  FR_ASSIGN_OR_RETURN(const Webhook existing, Visible(principal, draft.organization_id, id));
  FR_ASSIGN_OR_RETURN(Webhook updated, Checked(draft));
  updated.id = existing.id;
  AuditedChange audited;
  audited.Add(existing.organization_id, AuditType::kWebhookChanged,
              {.webhook = existing.id.value}, clock_.Now());
  return webhooks_.Update(updated, clock_.Now());
}

Status WebhookService::Delete(const Principal& principal, OrganizationId organization,
                              WebhookId id) {
  FR_ASSIGN_OR_RETURN(const Webhook existing, Visible(principal, organization, id));
  AuditedChange audited;
  audited.Add(organization, AuditType::kWebhookDeleted, {.webhook = existing.id.value},
              clock_.Now());
  return webhooks_.Delete(existing.id);
}

Result<WebhookWithSecret> WebhookService::RotateSecret(const Principal& principal,
                                                       OrganizationId organization, WebhookId id) {
  FR_ASSIGN_OR_RETURN(Webhook existing, Visible(principal, organization, id));
  std::string secret = NewSecret();
  FR_ASSIGN_OR_RETURN(const std::string sealed, sealer_.Seal(secret));
  AuditedChange audited;
  audited.Add(organization, AuditType::kWebhookSecretRotated, {.webhook = existing.id.value},
              clock_.Now());
  FR_RETURN_IF_ERROR(webhooks_.ReplaceSecret(existing.id, sealed, clock_.Now()));
  return WebhookWithSecret{std::move(existing), std::move(secret)};
}

Result<WebhookDeliveryPage> WebhookService::ListDeliveries(const Principal& principal,
                                                           OrganizationId organization,
                                                           WebhookId id, std::int64_t limit,
                                                           std::int64_t offset) {
  FR_ASSIGN_OR_RETURN(const Webhook existing, Visible(principal, organization, id));
  return webhooks_.ListDeliveries(existing.id, limit, offset);
}

Result<WebhookDelivery> WebhookService::Redeliver(const Principal& principal,
                                                  OrganizationId organization, WebhookId id,
                                                  WebhookDeliveryId delivery) {
  FR_ASSIGN_OR_RETURN(const Webhook existing, Visible(principal, organization, id));
  return webhooks_.Redeliver(existing.id, delivery, clock_.Now());
}

}  // namespace fr
