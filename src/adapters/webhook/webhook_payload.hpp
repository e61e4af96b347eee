#pragma once

#include <cstdint>
#include <string>

#include "domain/webhook/webhook.hpp"

namespace fr::webhook {

// The JSON body of a delivery: {"data":{…},"id":…,"organizationID":…,"time":…,"type":…}.
// call.* data carries `callerNumber` only when `include_caller_number` is set and the caller
// did not withhold it; no event ever carries an agent's phone number (decision 0050). The same
// event renders to the same text every time. Pure.
std::string RenderWebhookBody(const WebhookEvent& event, bool include_caller_number);

// The FR-Signature header's value: "t=<unix_seconds>,v1=<hex HMAC-SHA256(secret,
// "<unix_seconds>.<body>")>". Pure.
std::string SignatureHeaderValue(const std::string& secret, std::int64_t unix_seconds,
                                 const std::string& body);

}  // namespace fr::webhook
