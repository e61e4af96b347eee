#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "app/prompt_preview_service.hpp"
#include "common/result.hpp"
#include "domain/agent_phone/agent_phone.hpp"
#include "domain/blocked_caller/blocked_caller.hpp"
#include "domain/hotline/hotline.hpp"
#include "domain/sip_customer/sip_customer.hpp"
#include "domain/webhook/webhook.hpp"

// The JSON request bodies of the API, decoded into what the app services take. Each decoder
// parses the body (ParseJsonObject's rules: an object, valid UTF-8, at most kMaxJsonDepth deep)
// and reads every field; when a field fails to decode, the domain's checks still run on the
// others, so that the client hears about every bad field at once. Errors: kInvalidArgument,
// with one FieldError per bad field where the body was an object. Pure; thread-safe.
namespace fr::http {

// POST /v1/agent-phones and PUT /v1/agent-phones/{id}; `path_id` is set for updates (the
// body's `id` must then be absent, 0 or the path's). A draft that decodes is returned as is:
// the service validates it (ValidateAgentPhone).
Result<AgentPhoneDraft> DecodeAgentPhoneDraft(std::string_view body,
                                              std::optional<std::int64_t> path_id,
                                              const NumberingPlan& plan);

// POST /v1/hotlines and PUT /v1/hotlines/{hotlineID}; `path_id` as above. `id`, `number` and
// `status` are read-only and ignored; `schedule`, `noAnswer` and `closed` are nested objects
// whose bad fields are named "schedule.weekly[2].from", "noAnswer.forwardTo". A draft that
// decodes is returned as is: the service validates it (ValidateHotline).
Result<HotlineDraft> DecodeHotlineDraft(std::string_view body, std::optional<std::int64_t> path_id,
                                        const NumberingPlan& plan);

// POST /v1/organizations/{organizationID}/blocked-callers: number, note, expiresAt (RFC 3339).
// A draft that decodes is returned as is: the service validates it (ValidateBlockedCaller).
Result<BlockedCallerDraft> DecodeBlockedCallerDraft(std::string_view body,
                                                    const NumberingPlan& plan);

// POST /v1/sip-customer: decoded and validated (ValidateSipCustomer).
Result<SipCustomer> DecodeSipCustomer(std::string_view body, const NumberingPlan& plan);

// POST /v1/organizations/{organizationID}/webhooks and PUT …/webhooks/{webhookID}; the
// organisation comes from the path, `path_id` as above. `secret`, `disabledReason` and the
// times are read-only and ignored. A draft that decodes is returned as is: the service
// validates it (ValidateWebhook and the URL guard).
Result<WebhookDraft> DecodeWebhookDraft(std::string_view body, OrganizationId organization,
                                        std::optional<std::int64_t> path_id);

// PUT /v1/me/organizations/{id}: the member's `allowAdminAccess`.
Result<bool> DecodeAdminAccessConsent(std::string_view body);

// POST /v1/session: `email` and `password`, both required strings.
struct SignInBody {
  std::string email;
  std::string password;
};
Result<SignInBody> DecodeSignIn(std::string_view body);

// POST /v1/password: `invite` (the secret of a set-password link) and the new `password`.
struct SetPasswordBody {
  std::string invite;
  std::string password;
};
Result<SetPasswordBody> DecodeSetPassword(std::string_view body);

// POST /v1/organizations/{organizationID}/members/{userID}/invite: an optional `email`. An empty
// body is an empty object.
Result<std::optional<std::string>> DecodeInviteRequest(std::string_view body);
// PATCH /v1/organizations/{organizationID}: `callRetentionDays`, a positive integer or null
// (the server's retention); the service checks the upper bound.
Result<std::optional<int>> DecodeCallRetention(std::string_view body);

// POST /v1/organizations/{organizationID}/privacy/erase-caller: the `number` (a string; the
// service parses it).
Result<std::string> DecodeEraseCaller(std::string_view body);

// POST /v1/tts/preview: the `text` (required) and an optional `language`; the service checks
// both.
Result<PromptPreviewRequest> DecodePromptPreview(std::string_view body);

}  // namespace fr::http
