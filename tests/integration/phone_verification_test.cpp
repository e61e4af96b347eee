// Agent phones that really belong to the agent (issue 15 §6, decision 0069), end to end: the
// server calls the phone through the trunk (sipp), the phone's keypad (an RtpProbe sending
// RFC 4733 events, as a phone does) types the code the API answered, and only a verified phone
// rings for hotlines. The server runs with --require-verified-phones on (the default).
#include <string>

#include "integration/telephony_fixture.hpp"

namespace fr::testing {
namespace {

class PhoneVerificationTest : public TelephonyTest {
 protected:
  std::vector<std::string> EngineArgs() override { return {"--require-verified-phones", "on"}; }

  std::string Verification() {
    return client_->Get("/v1/agent-phones?owner_id=" + Str(ann_), {Pat(ann_token_)})
        .Json()[0]["verification"];
  }
  // Waits until Ann's phone is no longer pending; its verification then.
  std::string WaitForDecision() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    std::string state = Verification();
    while (state == "pending" && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      state = Verification();
    }
    return state;
  }
  HttpResult StartVerification(const std::string& token, std::int64_t phone,
                               const std::string& query = "") {
    return client_->SendJson("POST", "/v1/agent-phones/" + Str(phone) + "/verification" + query,
                             {Pat(token)}, "");
  }
  // The service's RTP port for the phone: where its prompt comes from.
  static std::uint16_t PromptPort(const RtpProbe& phone) {
    EXPECT_TRUE(phone.WaitUntil([](const auto& packets) { return packets.size() >= 10; },
                                std::chrono::seconds(10)))
        << "the phone heard no prompt";
    const auto packets = phone.Packets();
    return packets.empty() ? 0 : packets.front().source_port;
  }
  std::int64_t AgentsReady(std::int64_t hotline) {
    return client_->Get("/v1/hotlines/" + Str(hotline), {Pat(ann_token_)}).Json()["agentsReady"];
  }
};

TEST_F(PhoneVerificationTest, TheCodeTypedOnThePhonesKeypadVerifiesIt) {
  // The hotline gives the call its caller ID and language; nobody is ready on it yet.
  const std::int64_t hotline = CreateHotline();
  EXPECT_EQ(Verification(), "pending");
  EXPECT_EQ(AgentsReady(hotline), 0);

  RtpProbe phone;
  SippProcess trunk(Scenario("trunk_answer.xml"), TrunkArgs(phone), trunk_port_);
  const auto started = StartVerification(ann_token_, agent_phone_);
  ASSERT_EQ(started.status, 202) << started.body;
  const std::string code = started.Json()["code"];
  EXPECT_TRUE(std::regex_match(code, std::regex("[0-9]{6}"))) << code;
  EXPECT_TRUE(started.Json()["expiresAt"].is_string());
  // A second request while the call is under way is refused, and places no call.
  ExpectProblem(StartVerification(ann_token_, agent_phone_), 409);

  phone.SendKeys(PromptPort(phone), code);
  EXPECT_EQ(trunk.Wait(), 0) << "thanked, then hung up by the service: " << trunk.Logs();
  EXPECT_EQ(WaitForDecision(), "verified");
  EXPECT_EQ(AgentsReady(hotline), 1);

  // A new number must be proven again.
  const json renumbered = {
      {"isActive", true}, {"name", "Handy"}, {"phone", "+49 151 12340009"}, {"userID", ann_}};
  const auto changed = Send("PUT", "/v1/agent-phones/" + Str(agent_phone_), renumbered);
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(changed.Json()["verification"], "pending");
  EXPECT_EQ(AgentsReady(hotline), 0);
}

TEST_F(PhoneVerificationTest, ThreeWrongCodesFailThePhone) {
  CreateHotline();
  RtpProbe phone;
  SippProcess trunk(Scenario("trunk_answer.xml"), TrunkArgs(phone), trunk_port_);
  const auto started = StartVerification(ann_token_, agent_phone_);
  ASSERT_EQ(started.status, 202) << started.body;
  std::string wrong = started.Json()["code"];
  wrong[0] = wrong[0] == '9' ? '0' : static_cast<char>(wrong[0] + 1);
  const std::uint16_t port = PromptPort(phone);
  phone.SendKeys(port, wrong);
  phone.SendKeys(port, wrong);
  EXPECT_EQ(Verification(), "pending") << "two wrong codes leave a third try";
  phone.SendKeys(port, wrong);
  EXPECT_EQ(trunk.Wait(), 0) << "hung up by the service: " << trunk.Logs();
  EXPECT_EQ(WaitForDecision(), "failed");
}

TEST_F(PhoneVerificationTest, ABusyPhoneFailsAndTheCallsPerNumberAreLimited) {
  CreateHotline();
  RtpProbe phone;
  SippProcess trunk(Scenario("trunk_busy.xml"), TrunkArgs(phone, {"-m", "5"}), trunk_port_);
  // Each request places a call once the one before it is over (409 until then).
  const auto start_when_free = [this] {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    auto started = StartVerification(ann_token_, agent_phone_);
    while (started.status == 409 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      started = StartVerification(ann_token_, agent_phone_);
    }
    return started;
  };
  for (int i = 0; i < 5; ++i) {
    const auto started = start_when_free();
    ASSERT_EQ(started.status, 202) << i << ": " << started.body;
    EXPECT_EQ(WaitForDecision(), "failed") << i;
  }
  EXPECT_EQ(trunk.Wait(), 0) << trunk.Logs();
  const auto limited = start_when_free();
  ExpectProblem(limited, 429);
  const long retry_after = std::stol(limited.Header("retry-after"));
  EXPECT_GT(retry_after, 23 * 3600) << "the oldest of the five calls leaves the day's window";
  EXPECT_LE(retry_after, 24 * 3600);
}

TEST_F(PhoneVerificationTest, OnlyTheOwnerOrAnAdminWithConsentMayStartOne) {
  CreateHotline();
  // Bea (another organisation) and Max (a member) do not see Ann's phone.
  ExpectProblem(StartVerification(bea_token_, agent_phone_), 404);
  ExpectProblem(StartVerification(max_token_, agent_phone_), 404);
  ExpectProblem(StartVerification(ann_token_, 987654), 404);
  // Ann, admin of organisation A, may verify Max's phone: he consents. It is audited.
  const json max_phone = {
      {"isActive", true}, {"name", "Max"}, {"phone", "+49 151 12340002"}, {"userID", max_}};
  const auto created =
      client_->SendJson("POST", "/v1/agent-phones", {Pat(max_token_)}, max_phone.dump());
  ASSERT_EQ(created.status, 201) << created.body;
  const std::int64_t phone_id = created.Json()["id"];
  EXPECT_EQ(created.Json()["verification"], "pending");
  RtpProbe phone;
  SippProcess trunk(Scenario("trunk_busy.xml"), TrunkArgs(phone), trunk_port_);
  ExpectProblem(StartVerification(bea_token_, phone_id, "?organization_id=" + Str(org_b_)), 404);
  const auto started = StartVerification(ann_token_, phone_id, "?organization_id=" + Str(org_a_));
  ASSERT_EQ(started.status, 202) << started.body;
  EXPECT_EQ(trunk.Wait(), 0) << trunk.Logs();
  const auto audit = client_->Get(
      "/v1/organizations/" + Str(org_a_) + "/audit-log?type=agent_phone.verification_called",
      {Pat(ann_token_)});
  ASSERT_EQ(audit.status, 200) << audit.body;
  EXPECT_NE(audit.body.find("agent_phone.verification_called"), std::string::npos) << audit.body;
}

TEST_F(PhoneVerificationTest, APendingPhoneDoesNotRingWhileAVerifiedOneDoes) {
  // Max's phone is new (pending); Ann's was vouched for by the operator.
  const json max_phone = {
      {"isActive", true}, {"name", "Max"}, {"phone", "+49 151 12340002"}, {"userID", max_}};
  ASSERT_EQ(
      client_->SendJson("POST", "/v1/agent-phones", {Pat(max_token_)}, max_phone.dump()).status,
      201);
  const json verified = server_.Admin({"phone", "verify", "--phone", Str(agent_phone_)});
  EXPECT_EQ(verified["verification"], "verified");
  const std::int64_t hotline = CreateHotline({{"agents", {max_, ann_}}});
  EXPECT_EQ(AgentsReady(hotline), 1);

  RtpProbe agent_audio, caller_audio;
  SippProcess trunk(Scenario("trunk_answer.xml"), TrunkArgs(agent_audio), trunk_port_);
  SippProcess caller(Scenario("caller_talk.xml"),
                     CallerArgs("+4924155660000", caller_audio, {"-d", "3000"}));
  EXPECT_EQ(caller.Wait(), 0) << caller.Logs();
  EXPECT_EQ(trunk.Wait(), 0) << trunk.Logs();
  const json log = WaitForEndedCall(hotline);
  EXPECT_EQ(log["outcome"], "answered") << log;
  EXPECT_EQ(log["answeredBy"]["userID"], ann_);
  for (const json& record : Records(hotline)) {
    if (record["direction"] == "outbound") {
      EXPECT_EQ(record["userID"], ann_) << record;
    }
  }
}

}  // namespace
}  // namespace fr::testing
