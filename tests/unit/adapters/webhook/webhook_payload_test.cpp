#include "adapters/webhook/webhook_payload.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace fr::webhook {
namespace {

using nlohmann::json;

WebhookEvent CallEnded() {
  WebhookEvent event;
  event.id = WebhookEventId(42);
  event.organization_id = OrganizationId(3);
  event.type = WebhookEventType::kCallEnded;
  event.occurred_at = FromEpochMillis(1'800'000'000'123);
  event.hotline = HotlineId(5);
  event.call_log = CallLogId(9);
  event.caller = "004924112345";
  event.outcome = CallOutcome::kAnswered;
  event.duration_seconds = 61;
  event.answered_by = AnsweredBy{UserId(2), AgentPhoneId(4)};
  return event;
}

TEST(RenderWebhookBody, CallEndedWithAndWithoutTheCallersNumber) {
  const json with = json::parse(RenderWebhookBody(CallEnded(), true));
  EXPECT_EQ(with, json::parse(R"({"data":{"answeredBy":{"agentPhoneID":4,"userID":2},
      "callLogID":9,"callerNumber":"004924112345","durationSeconds":61,"hotlineID":5,
      "outcome":"answered"},"id":42,"organizationID":3,"time":"2027-01-15T08:00:00.123Z",
      "type":"call.ended"})"));
  const json without = json::parse(RenderWebhookBody(CallEnded(), false));
  EXPECT_FALSE(without["data"].contains("callerNumber"));
  WebhookEvent withheld = CallEnded();
  withheld.caller = "";
  EXPECT_FALSE(json::parse(RenderWebhookBody(withheld, true))["data"].contains("callerNumber"));
  EXPECT_EQ(RenderWebhookBody(CallEnded(), true), RenderWebhookBody(CallEnded(), true));
}

TEST(RenderWebhookBody, AnAgentPhoneChangeNamesThePhoneNotItsNumber) {
  WebhookEvent event;
  event.id = WebhookEventId(1);
  event.organization_id = OrganizationId(3);
  event.type = WebhookEventType::kAgentPhoneChanged;
  event.user = UserId(2);
  event.agent_phone = AgentPhoneId(4);
  event.change = "updated";
  event.is_active = false;
  const json body = json::parse(RenderWebhookBody(event, true));
  EXPECT_EQ(body["data"],
            json::parse(R"({"agentPhoneID":4,"change":"updated","isActive":false,"userID":2})"));
}

// Computed independently with Python's hmac module:
// hmac.new(b"whsec_test", b'1700000000.{"a":1}', hashlib.sha256).hexdigest()
TEST(SignatureHeaderValue, IsHmacSha256OverTimestampDotBody) {
  EXPECT_EQ(SignatureHeaderValue("whsec_test", 1700000000, R"({"a":1})"),
            "t=1700000000,v1=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789");
}

}  // namespace
}  // namespace fr::webhook
