// Call events end to end: a sipp call to the real binary, and the webhook receiver hears
// call.started, call.answered and call.ended in order, signed, with the caller's number only
// for a webhook that asked for it, although its first delivery failed.

#include "integration/telephony_fixture.hpp"
#include "support/webhook_receiver.hpp"

namespace fr::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class WebhookCallEventsTest : public TelephonyTest {
 protected:
  std::vector<std::string> EngineArgs() override {
    return {"--webhook-allow-http", "127.0.0.1", "--webhook-allow-private", "--webhook-retry-base",
            "100ms"};
  }

  std::int64_t Subscribe(const WebhookReceiver& receiver, bool include_caller_number) {
    const auto created = client_->SendJson(
        "POST", "/v1/organizations/" + Str(org_a_) + "/webhooks", {Api(org_a_token_)},
        json{{"url", receiver.url()},
             {"eventTypes", {"call.started", "call.answered", "call.ended"}},
             {"includeCallerNumber", include_caller_number}}
            .dump());
    EXPECT_EQ(created.status, 201) << created.body;
    return created.Json()["id"];
  }
};

// The accepted bodies, in the order received.
std::vector<json> Accepted(const WebhookReceiver& receiver) {
  std::vector<json> bodies;
  for (const auto& delivery : receiver.Received()) {
    if (delivery.answered < 300) bodies.push_back(json::parse(delivery.body));
  }
  return bodies;
}

TEST_F(WebhookCallEventsTest, AnAnsweredCallIsStartedAnsweredEndedInOrder) {
  WebhookReceiver with_caller, without_caller;
  with_caller.FailNext(2);
  Subscribe(with_caller, true);
  Subscribe(without_caller, false);
  const std::int64_t hotline = CreateHotline({{"ttsInbound", ""}, {"ttsOutbound", ""}});
  RtpProbe caller_audio, agent_audio;
  SippProcess trunk(Scenario("trunk_answer_then_bye.xml"), TrunkArgs(agent_audio, {"-d", "1000"}),
                    trunk_port_);
  SippProcess caller(Scenario("caller_wait_bye.xml"), CallerArgs("004924155660000", caller_audio));
  EXPECT_EQ(trunk.Wait(), 0) << trunk.Logs();
  EXPECT_EQ(caller.Wait(), 0) << caller.Logs();
  const json log = WaitForEndedCall(hotline);
  ASSERT_EQ(log["outcome"], "answered") << log;

  ASSERT_TRUE(with_caller.WaitForAccepted(3, 20s));
  ASSERT_TRUE(without_caller.WaitForAccepted(3, 20s));
  EXPECT_EQ(with_caller.Received().front().answered, 500) << "the first attempts failed";
  for (const auto* receiver : {&with_caller, &without_caller}) {
    const auto events = Accepted(*receiver);
    ASSERT_EQ(events.size(), 3u);
    EXPECT_EQ(events[0]["type"], "call.started");
    EXPECT_EQ(events[1]["type"], "call.answered");
    EXPECT_EQ(events[2]["type"], "call.ended");
    EXPECT_LT(events[0]["id"], events[1]["id"]);
    EXPECT_LT(events[1]["id"], events[2]["id"]);
    for (const json& event : events) {
      EXPECT_EQ(event["organizationID"], org_a_);
      EXPECT_EQ(event["data"]["hotlineID"], hotline);
      EXPECT_EQ(event["data"]["callLogID"], log["id"]);
      EXPECT_EQ(event["data"].contains("callerNumber"), receiver == &with_caller) << event;
      if (receiver == &with_caller) {
        EXPECT_EQ(event["data"]["callerNumber"], log["caller"]);
      }
    }
    EXPECT_EQ(events[1]["data"]["answeredBy"]["userID"], ann_);
    EXPECT_EQ(events[1]["data"]["answeredBy"]["agentPhoneID"], agent_phone_);
    const json& ended = events[2]["data"];
    EXPECT_EQ(ended["outcome"], "answered");
    EXPECT_EQ(ended["durationSeconds"], log["durationSeconds"]);
    EXPECT_EQ(ended["answeredBy"], log["answeredBy"]);
    EXPECT_EQ(events[2]["time"], log["endTime"]);
    EXPECT_EQ(events[0]["time"], log["startTime"]);
  }
}

}  // namespace
}  // namespace fr::testing
