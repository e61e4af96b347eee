#pragma once

#include "adapters/storage/database.hpp"
#include "domain/webhook/webhook.hpp"

// The webhook outbox, as the other repositories write to it: each call is made inside the
// caller's write transaction on `session`, so that an event is stored if and only if the change
// it reports is (decision 0049). Every event is stored, as the event stream reads them
// (decision 0063), with one pending delivery per active webhook of the organisation that wants
// its type. Throws what SOCI throws (the caller's Database::Run translates it). The SQL lives in
// soci_webhook_repository.cpp with the rest of the webhook aggregate's.
namespace fr {

// call.started, call.answered, call.ended of the call `event.call_log`: its organisation,
// hotline and caller come from the stored call; for call.ended the duration too, from the call's
// start to `event.occurred_at`.
void AppendCallWebhookEvent(Database& database, soci::session& session, const WebhookEvent& event);

// hotline.status_changed of `event.hotline`, for its organisation.
void AppendHotlineWebhookEvent(Database& database, soci::session& session,
                               const WebhookEvent& event);

// agent_phone.changed of a phone of `event.user`, for every organisation the user is a member of.
void AppendMemberWebhookEvent(Database& database, soci::session& session,
                              const WebhookEvent& event);

// Replaces `number` by `erased` in the caller of `organization`'s stored events, inside the
// erasure's transaction (decision 0046).
void EraseCallerInEvents(soci::session& session, OrganizationId organization,
                         const std::string& number, const std::string& erased);

}  // namespace fr
