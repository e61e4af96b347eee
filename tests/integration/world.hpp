#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "support/http_client.hpp"
#include "support/server_process.hpp"

namespace fr::testing {

// Two organisations with admins, a member and tokens, created through the real admin CLI, and
// a running server on that database. Organisation A: admin Ann, member Max (consents to admin
// access), API token. Organisation B: admin Bea, API token.
class WorldTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Built once by admin commands, then copied for every test (ServerProcess::Seed).
    const nlohmann::json world = server_.Seed("world", [this] { return BuildWorld(); });
    org_a_ = world["orgA"];
    org_b_ = world["orgB"];
    ann_ = world["ann"];
    max_ = world["max"];
    bea_ = world["bea"];
    ann_token_ = world["annToken"];
    max_token_ = world["maxToken"];
    bea_token_ = world["beaToken"];
    org_a_token_ = world["orgAToken"];
    org_b_token_ = world["orgBToken"];
    server_.Start(ExtraServerArgs());
    client_ = std::make_unique<HttpClient>(server_.base_url());
  }

  nlohmann::json BuildWorld() {
    const std::int64_t org_a = server_.Admin({"org", "create", "--name", "Relief A"})["id"];
    const std::int64_t org_b = server_.Admin({"org", "create", "--name", "Relief B"})["id"];
    const std::int64_t ann = server_.Admin({"user", "create", "--name", "Ann Admin"})["id"];
    const std::int64_t max = server_.Admin({"user", "create", "--name", "Max Member"})["id"];
    const std::int64_t bea = server_.Admin({"user", "create", "--name", "Bea Admin"})["id"];
    server_.Admin({"member", "add", "--org", Str(org_a), "--user", Str(ann), "--role", "admin"});
    server_.Admin({"member", "add", "--org", Str(org_a), "--user", Str(max), "--role", "member",
                   "--allow-admin-access"});
    server_.Admin({"member", "add", "--org", Str(org_b), "--user", Str(bea), "--role", "admin"});
    return {{"orgA", org_a},
            {"orgB", org_b},
            {"ann", ann},
            {"max", max},
            {"bea", bea},
            {"annToken", Secret({"token", "create", "--user", Str(ann)})},
            {"maxToken", Secret({"token", "create", "--user", Str(max)})},
            {"beaToken", Secret({"token", "create", "--user", Str(bea)})},
            {"orgAToken", Secret({"token", "create", "--org", Str(org_a)})},
            {"orgBToken", Secret({"token", "create", "--org", Str(org_b)})}};
  }

  virtual std::vector<std::string> ExtraServerArgs() { return {}; }

  // What organisation A needs before it creates hotlines: numbers in Aachen (two) and its SIP
  // customer account, registered by Ann.
  void PrepareOrgAForHotlines() {
    server_.Admin({"numbers", "add", "--country", "DE", "--city", "Aachen", "--from",
                   "004924155660000", "--to", "004924155660001"});
    const nlohmann::json customer = {{"city", "Aachen"},         {"cityCode", "52062"},
                                     {"country", "DE"},          {"name", "Relief"},
                                     {"organizationID", org_a_}, {"street", "Markt"},
                                     {"streetHousenumber", 1}};
    ASSERT_EQ(
        client_->SendJson("POST", "/v1/sip-customer", {Pat(ann_token_)}, customer.dump()).status,
        201);
  }

  static std::string Str(std::int64_t value) { return std::to_string(value); }
  std::string Secret(const std::vector<std::string>& args) {
    return server_.Admin(args)["secret"].get<std::string>();
  }
  static std::string Pat(const std::string& secret) { return "Personal-Access-Token: " + secret; }
  static std::string Api(const std::string& secret) { return "API-TOKEN: " + secret; }
  static std::string Bearer(const std::string& secret) { return "Authorization: Bearer " + secret; }

  ServerProcess server_;
  std::unique_ptr<HttpClient> client_;
  std::int64_t org_a_ = 0, org_b_ = 0, ann_ = 0, max_ = 0, bea_ = 0;
  std::string ann_token_, max_token_, bea_token_, org_a_token_, org_b_token_;
};

// Asserts an RFC 9457 body with `status`, and returns it.
inline nlohmann::json ExpectProblem(const HttpResult& result, long status) {
  EXPECT_EQ(result.status, status) << result.body;
  EXPECT_EQ(result.Header("content-type"), "application/problem+json") << result.body;
  const auto body = nlohmann::json::parse(result.body, nullptr, false);
  EXPECT_TRUE(body.is_object()) << result.body;
  if (!body.is_object()) return body;
  EXPECT_EQ(body.value("status", 0), status);
  EXPECT_TRUE(body.contains("type") && body.contains("title") && body.contains("detail"))
      << result.body;
  return body;
}

// The `field` members of a problem's `errors`.
inline std::vector<std::string> ErrorFields(const nlohmann::json& problem) {
  std::vector<std::string> fields;
  if (problem.contains("errors")) {
    for (const auto& error : problem["errors"]) fields.push_back(error["field"]);
  }
  return fields;
}

}  // namespace fr::testing
