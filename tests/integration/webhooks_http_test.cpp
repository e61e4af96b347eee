// Webhooks over HTTP against the real binary: management and its authorisation, the SSRF
// guard, signed deliveries to a local receiver with retries, the README's verification
// snippets, and an event that outlives a SIGKILL.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <fstream>
#include <regex>
#include <set>
#include <thread>

#include "integration/world.hpp"
#include "support/webhook_receiver.hpp"

namespace fr::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

std::string HmacHex(const std::string& key, const std::string& text) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(text.data()), text.size(), mac, &length);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[mac[i] >> 4];
    hex += kHex[mac[i] & 0xf];
  }
  return hex;
}

// Checks FR-Signature of `delivery` against `secret`: HMAC-SHA256 over "t.body", t recent.
void ExpectSigned(const WebhookReceiver::Delivery& delivery, const std::string& secret) {
  const std::string signature =
      delivery.headers.count("fr-signature") ? delivery.headers.at("fr-signature") : std::string();
  std::smatch match;
  ASSERT_TRUE(std::regex_match(signature, match, std::regex("t=(\\d+),v1=([0-9a-f]{64})")))
      << signature;
  const long long t = std::stoll(match[1]);
  const long long now = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
  EXPECT_LE(std::llabs(now - t), 300);
  EXPECT_EQ(match[2].str(), HmacHex(secret, match[1].str() + "." + delivery.body));
  EXPECT_EQ(delivery.headers.at("content-type"), "application/json");
  EXPECT_EQ(delivery.headers.at("fr-event-id"),
            std::to_string(json::parse(delivery.body)["id"].get<std::int64_t>()));
}

class WebhooksHttpTest : public WorldTest {
 protected:
  std::vector<std::string> ExtraServerArgs() override {
    return {"--webhook-allow-http", "127.0.0.1", "--webhook-allow-private", "--webhook-retry-base",
            "100ms"};
  }

  std::string Webhooks(std::int64_t org = 0) {
    return "/v1/organizations/" + Str(org ? org : org_a_) + "/webhooks";
  }

  HttpResult Create(const json& body, const std::string& token_header) {
    return client_->SendJson("POST", Webhooks(), {token_header}, body.dump());
  }

  // A webhook of organisation A to the receiver; returns {id, secret}.
  std::pair<std::int64_t, std::string> Subscribe(const WebhookReceiver& receiver,
                                                 std::vector<std::string> types) {
    const auto created =
        Create({{"url", receiver.url()}, {"eventTypes", types}}, Api(org_a_token_));
    EXPECT_EQ(created.status, 201) << created.body;
    return {created.Json()["id"], created.Json()["secret"]};
  }

  HttpResult CreatePhone(const std::string& number) {
    return client_->SendJson(
        "POST", "/v1/agent-phones", {Pat(max_token_)},
        json{{"isActive", true}, {"name", "Handy"}, {"phone", number}, {"userID", max_}}.dump());
  }

  json Deliveries(std::int64_t webhook) {
    return client_->Get(Webhooks() + "/" + Str(webhook) + "/deliveries", {Api(org_a_token_)})
        .Json();
  }
};

TEST_F(WebhooksHttpTest, AdminsAndTheApiTokenManageWebhooksAndSeeTheSecretOnce) {
  const json draft = {{"url", "http://127.0.0.1:9/hook"}, {"eventTypes", {"call.ended"}}};
  const auto created = Create(draft, Pat(ann_token_));
  ASSERT_EQ(created.status, 201) << created.body;
  const json webhook = created.Json();
  const std::string secret = webhook["secret"];
  EXPECT_TRUE(std::regex_match(secret, std::regex("whsec_[0-9a-f]{64}"))) << secret;
  EXPECT_EQ(created.Header("location"), Webhooks() + "/" + Str(webhook["id"]));
  EXPECT_EQ(webhook["isActive"], true);
  EXPECT_EQ(webhook["includeCallerNumber"], false);
  EXPECT_TRUE(webhook["disabledReason"].is_null());
  const std::string one = Webhooks() + "/" + Str(webhook["id"]);

  const json read = client_->Get(one, {Api(org_a_token_)}).Json();
  EXPECT_FALSE(read.contains("secret"));
  EXPECT_EQ(read["url"], "http://127.0.0.1:9/hook");
  const auto listed = client_->Get(Webhooks(), {Pat(ann_token_)}).Json();
  EXPECT_EQ(listed["totalWebhooks"], 1);
  EXPECT_FALSE(listed["webhooks"][0].contains("secret"));
  EXPECT_EQ(client_->Get(one, {Pat(ann_token_)}).body.find(secret.substr(6)), std::string::npos);

  ExpectProblem(client_->Get(Webhooks(), {Pat(max_token_)}), 403);
  ExpectProblem(Create(draft, Pat(max_token_)), 403);
  ExpectProblem(client_->Get(one, {Pat(max_token_)}), 403);
  ExpectProblem(client_->Get(Webhooks(), {Api(org_b_token_)}), 404);
  ExpectProblem(client_->Get(one, {Api(org_b_token_)}), 404);
  ExpectProblem(client_->Get(Webhooks(org_b_) + "/" + Str(webhook["id"]), {Api(org_b_token_)}),
                404);
  ExpectProblem(client_->Send("DELETE", one, {Pat(bea_token_)}), 404);

  const auto updated =
      client_->SendJson("PUT", one, {Api(org_a_token_)},
                        json{{"url", "http://127.0.0.1:10/other"},
                             {"eventTypes", {"agent_phone.changed", "call.started"}},
                             {"includeCallerNumber", true},
                             {"isActive", false}}
                            .dump());
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_EQ(updated.Json()["eventTypes"], json({"call.started", "agent_phone.changed"}));
  EXPECT_EQ(updated.Json()["includeCallerNumber"], true);
  EXPECT_EQ(updated.Json()["isActive"], false);

  const auto rotated = client_->Send("POST", one + "/rotate-secret", {Pat(ann_token_)});
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  EXPECT_NE(rotated.Json()["secret"], secret);
  EXPECT_EQ(rotated.Header("cache-control"), "no-store");

  EXPECT_EQ(client_->Send("DELETE", one, {Api(org_a_token_)}).status, 204);
  ExpectProblem(client_->Get(one, {Api(org_a_token_)}), 404);
}

TEST_F(WebhooksHttpTest, EveryBadFieldIsReportedAtOnce) {
  const auto problem = ExpectProblem(
      Create({{"eventTypes", {"call.started", "voicemail.deleted"}}, {"isActive", "yes"}},
             Api(org_a_token_)),
      400);
  const auto fields = ErrorFields(problem);
  EXPECT_EQ(std::set<std::string>(fields.begin(), fields.end()),
            (std::set<std::string>{"eventTypes", "isActive", "url"}))
      << problem;
  const auto http =
      ExpectProblem(Create({{"url", "http://localhost:9/hook"}, {"eventTypes", {"call.started"}}},
                           Api(org_a_token_)),
                    400);
  EXPECT_EQ(http["errors"][0]["message"],
            "must be https (http only to hosts in --webhook-allow-http)");
}

TEST_F(WebhooksHttpTest, DeliveriesAreSignedInOrderAndRetriedUntilTheReceiverTakesThem) {
  WebhookReceiver receiver;
  receiver.FailNext(2);
  const auto [webhook, secret] = Subscribe(receiver, {"agent_phone.changed"});
  const auto phone = CreatePhone("+49 151 12340002");
  ASSERT_EQ(phone.status, 201) << phone.body;
  const std::string path = "/v1/agent-phones/" + Str(phone.Json()["id"]);
  ASSERT_EQ(client_
                ->SendJson("PUT", path, {Pat(max_token_)},
                           json{{"isActive", false},
                                {"name", "Handy"},
                                {"phone", "+49 151 12340002"},
                                {"userID", max_}}
                               .dump())
                .status,
            200);
  ASSERT_TRUE(receiver.WaitForAccepted(2, 20s)) << Deliveries(webhook);

  const auto received = receiver.Received();
  ASSERT_EQ(received.size(), 4u) << "two refused attempts, then both events";
  EXPECT_EQ(received[0].answered, 500);
  EXPECT_EQ(received[0].body, received[1].body) << "the same event again";
  EXPECT_EQ(received[0].body, received[2].body) << "and it goes first once accepted";
  std::vector<std::string> changes;
  for (const auto& delivery : received) {
    ExpectSigned(delivery, secret);
    const json body = json::parse(delivery.body);
    EXPECT_EQ(body["type"], "agent_phone.changed");
    EXPECT_EQ(body["organizationID"], org_a_);
    EXPECT_EQ(body["data"]["userID"], max_);
    EXPECT_EQ(delivery.body.find("12340002"), std::string::npos) << "never the agent's number";
    if (delivery.answered == 204) changes.push_back(body["data"]["change"]);
  }
  EXPECT_EQ(changes, (std::vector<std::string>{"created", "updated"}));

  const json page = Deliveries(webhook);
  ASSERT_EQ(page["totalDeliveries"], 2) << page;
  const json& first = page["deliveries"][1];  // newest first
  EXPECT_EQ(first["state"], "succeeded");
  EXPECT_EQ(first["attempts"], 3);
  EXPECT_EQ(first["statusCode"], 204);
  EXPECT_TRUE(first["nextAttemptAt"].is_null());
  EXPECT_EQ(first["eventType"], "agent_phone.changed");

  // Sent once more on request, with the same event id.
  const auto again = client_->Send(
      "POST", Webhooks() + "/" + Str(webhook) + "/deliveries/" + Str(first["id"]) + "/redeliver",
      {Pat(ann_token_)});
  ASSERT_EQ(again.status, 202) << again.body;
  EXPECT_EQ(again.Json()["eventID"], first["eventID"]);
  ASSERT_TRUE(receiver.WaitForAccepted(3, 10s));
  EXPECT_EQ(receiver.Received().back().body, received[2].body);
}

// The README's verification snippets (section "Webhooks"), run as written against a delivery.
TEST_F(WebhooksHttpTest, TheReadmeSnippetsVerifyARealDelivery) {
  WebhookReceiver receiver;
  const auto [webhook, secret] = Subscribe(receiver, {"agent_phone.changed"});
  ASSERT_EQ(CreatePhone("+49 151 12340002").status, 201);
  ASSERT_TRUE(receiver.WaitForAccepted(1, 10s)) << Deliveries(webhook);
  const auto delivery = receiver.Received().front();

  std::ifstream readme_file(std::string(FR_SOURCE_DIR) + "/README.md");
  const std::string readme((std::istreambuf_iterator<char>(readme_file)), {});
  const std::string section = readme.substr(readme.find("## Webhooks"));
  // The first fenced block of `fence` after `label`.
  const auto block = [&section](const std::string& label, const std::string& fence) {
    const auto start = section.find(fence, section.find(label)) + fence.size();
    return section.substr(start, section.find("```", start) - start);
  };
  const std::string shell = block("In shell", "```sh\n");
  const std::string python = block("In Python", "```python\n");
  ASSERT_NE(shell.find("openssl dgst"), std::string::npos) << shell;
  ASSERT_NE(python.find("def verify"), std::string::npos) << python;

  const auto dir = server_.dir();
  std::ofstream(dir / "body.json", std::ios::binary) << delivery.body;
  std::ofstream(dir / "verify.sh") << shell;
  std::ofstream(dir / "verify.py")
      << python << "\nimport sys\nbody = open(sys.argv[3], 'rb').read()\n"
      << "print('valid' if verify(sys.argv[1], sys.argv[2], body) else 'invalid')\n";
  const std::string signature = delivery.headers.at("fr-signature");
  const std::vector<std::pair<std::string, std::string>> cases = {{secret, "valid\n"},
                                                                  {secret + "x", ""}};
  for (const auto& [key, expected] : cases) {
    std::string output;
    RunProcess({"/bin/bash", "-c",
                "cd '" + dir.string() + "' && SECRET='" + key + "' SIGNATURE='" + signature +
                    "' bash verify.sh"},
               output);
    EXPECT_EQ(output, expected) << "shell, key " << key;
    RunProcess(
        {FR_PYTHON, (dir / "verify.py").string(), key, signature, (dir / "body.json").string()},
        output);
    EXPECT_EQ(output, expected.empty() ? "invalid\n" : expected) << "python, key " << key;
  }
}

TEST_F(WebhooksHttpTest, AnEventStoredBeforeASigkillIsDeliveredAfterTheRestart) {
  WebhookReceiver receiver;
  receiver.SetRefusing(true);
  const auto [webhook, secret] = Subscribe(receiver, {"agent_phone.changed"});
  ASSERT_EQ(CreatePhone("+49 151 12340002").status, 201);
  json page;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (std::chrono::steady_clock::now() < deadline) {
    page = Deliveries(webhook);
    if (page["totalDeliveries"] == 1 && page["deliveries"][0]["attempts"] >= 1) break;
    std::this_thread::sleep_for(20ms);
  }
  ASSERT_GE(page["deliveries"][0]["attempts"].get<int>(), 1) << page;
  const std::int64_t event = page["deliveries"][0]["eventID"];
  server_.Kill();
  const std::size_t before = receiver.Received().size();
  receiver.SetRefusing(false);

  server_.Start(ExtraServerArgs());
  client_ = std::make_unique<HttpClient>(server_.base_url());
  ASSERT_TRUE(receiver.WaitForAccepted(1, 45s)) << Deliveries(webhook);
  const auto received = receiver.Received();
  ASSERT_GT(received.size(), before);
  const auto& delivered = received.back();
  EXPECT_EQ(delivered.answered, 204);
  EXPECT_EQ(json::parse(delivered.body)["id"], event);
  EXPECT_EQ(delivered.headers.at("fr-event-id"), Str(event));
  ExpectSigned(delivered, secret);
}

// Without --webhook-allow-private, URLs reaching this machine or its networks are refused at
// creation (names resolved from /etc/hosts; nothing is sent anywhere).
class WebhookAddressGuardTest : public WorldTest {};

TEST_F(WebhookAddressGuardTest, InternalAddressesAreRefused) {
  for (const std::string url :
       {"https://127.0.0.1/hook", "https://10.0.0.1/hook", "https://169.254.169.254/latest",
        "https://[::1]/hook", "https://localhost/hook", "https://localhost:8443/hook"}) {
    const auto problem = ExpectProblem(
        client_->SendJson("POST", "/v1/organizations/" + Str(org_a_) + "/webhooks",
                          {Api(org_a_token_)},
                          json{{"url", url}, {"eventTypes", {"call.started"}}}.dump()),
        400);
    ASSERT_EQ(ErrorFields(problem), std::vector<std::string>{"url"}) << url;
    EXPECT_NE(problem["errors"][0]["message"].get<std::string>().find("address"), std::string::npos)
        << url << ": " << problem;
  }
  const auto http = ExpectProblem(
      client_->SendJson(
          "POST", "/v1/organizations/" + Str(org_a_) + "/webhooks", {Api(org_a_token_)},
          json{{"url", "http://127.0.0.1/hook"}, {"eventTypes", {"call.started"}}}.dump()),
      400);
  EXPECT_NE(http["errors"][0]["message"].get<std::string>().find("https"), std::string::npos);
}

}  // namespace
}  // namespace fr::testing
