#include "adapters/webhook/webhook_payload.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <nlohmann/json.hpp>

#include "common/text.hpp"

namespace fr::webhook {
namespace {

using Json = nlohmann::json;

Json CallData(const WebhookEvent& event, bool include_caller_number) {
  Json data = Json::object();
  if (event.hotline) data["hotlineID"] = event.hotline->value;
  if (event.call_log) data["callLogID"] = event.call_log->value;
  if (include_caller_number && event.caller && !event.caller->empty()) {
    data["callerNumber"] = *event.caller;
  }
  if (event.answered_by) {
    data["answeredBy"] = {{"userID", event.answered_by->user.value},
                          {"agentPhoneID", event.answered_by->agent_phone.value}};
  }
  if (event.type == WebhookEventType::kCallEnded) {
    data["outcome"] = event.outcome ? Json(CallOutcomeName(*event.outcome)) : Json(nullptr);
    data["durationSeconds"] =
        event.duration_seconds ? Json(*event.duration_seconds) : Json(nullptr);
    if (!event.answered_by) data["answeredBy"] = nullptr;
  }
  return data;
}

Json Data(const WebhookEvent& event, bool include_caller_number) {
  switch (event.type) {
    case WebhookEventType::kCallStarted:
    case WebhookEventType::kCallAnswered:
    case WebhookEventType::kCallEnded:
      return CallData(event, include_caller_number);
    case WebhookEventType::kVoicemailRecorded: {
      Json data = CallData(event, include_caller_number);
      if (event.voicemail) data["voicemailID"] = event.voicemail->value;
      return data;
    }
    case WebhookEventType::kHotlineStatusChanged: {
      Json data = {{"status", event.status.value_or("")}};
      if (event.hotline) data["hotlineID"] = event.hotline->value;
      if (event.detail && !event.detail->empty()) data["statusDetail"] = *event.detail;
      return data;
    }
    case WebhookEventType::kAgentPhoneChanged: {
      Json data = {{"change", event.change.value_or("")}};
      if (event.agent_phone) data["agentPhoneID"] = event.agent_phone->value;
      if (event.user) data["userID"] = event.user->value;
      if (event.is_active) data["isActive"] = *event.is_active;
      return data;
    }
  }
  return Json::object();
}

}  // namespace

std::string RenderWebhookBody(const WebhookEvent& event, bool include_caller_number) {
  const Json body = {{"data", Data(event, include_caller_number)},
                     {"id", event.id.value},
                     {"organizationID", event.organization_id.value},
                     {"time", FormatTimestamp(event.occurred_at)},
                     {"type", WebhookEventTypeName(event.type)}};
  return body.dump();
}

std::string SignatureHeaderValue(const std::string& secret, std::int64_t unix_seconds,
                                 const std::string& body) {
  const std::string timestamp = std::to_string(unix_seconds);
  const std::string signed_text = timestamp + "." + body;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(signed_text.data()), signed_text.size(), mac,
       &length);
  return "t=" + timestamp +
         ",v1=" + HexEncode(std::string_view(reinterpret_cast<const char*>(mac), length));
}

}  // namespace fr::webhook
