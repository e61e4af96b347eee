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
    org_a_ = server_.Admin({"org", "create", "--name", "Relief A"})["id"];
    org_b_ = server_.Admin({"org", "create", "--name", "Relief B"})["id"];
    ann_ = server_.Admin({"user", "create", "--name", "Ann Admin"})["id"];
    max_ = server_.Admin({"user", "create", "--name", "Max Member"})["id"];
    bea_ = server_.Admin({"user", "create", "--name", "Bea Admin"})["id"];
    server_.Admin({"member", "add", "--org", Str(org_a_), "--user", Str(ann_), "--role", "admin"});
    server_.Admin({"member", "add", "--org", Str(org_a_), "--user", Str(max_), "--role", "member",
                   "--allow-admin-access"});
    server_.Admin({"member", "add", "--org", Str(org_b_), "--user", Str(bea_), "--role", "admin"});
    ann_token_ = Secret({"token", "create", "--user", Str(ann_)});
    max_token_ = Secret({"token", "create", "--user", Str(max_)});
    bea_token_ = Secret({"token", "create", "--user", Str(bea_)});
    org_a_token_ = Secret({"token", "create", "--org", Str(org_a_)});
    org_b_token_ = Secret({"token", "create", "--org", Str(org_b_)});
    server_.Start(ExtraServerArgs());
    client_ = std::make_unique<HttpClient>(server_.base_url());
  }

  virtual std::vector<std::string> ExtraServerArgs() { return {}; }

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
