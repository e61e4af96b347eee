// Hostile and sloppy input: every case gets a clear 4xx problem, never a 500 or a crash.
#include <sqlite3.h>

#include "integration/world.hpp"

namespace fr::testing {
namespace {

using RobustnessHttpTest = WorldTest;

class RateLimitedHttpTest : public WorldTest {
 protected:
  std::vector<std::string> ExtraServerArgs() override {
    return {"--rate-limit", "1", "--failed-logins-per-minute", "3"};
  }
};

TEST_F(RateLimitedHttpTest, ATokenThatSendsTooFastGets429WithRetryAfter) {
  // A burst of twice the rate passes; the next request waits.
  EXPECT_EQ(client_->Get("/v1/me", {Pat(ann_token_)}).status, 200);
  EXPECT_EQ(client_->Get("/v1/me", {Pat(ann_token_)}).status, 200);
  const auto limited = client_->Get("/v1/me", {Pat(ann_token_)});
  const auto problem = ExpectProblem(limited, 429);
  EXPECT_EQ(problem["type"], "/problems/rate-limited");
  EXPECT_GE(std::stoi(limited.Header("retry-after")), 1);
  EXPECT_EQ(client_->Get("/v1/me", {Pat(max_token_)}).status, 200) << "other tokens are not slowed";
  EXPECT_EQ(client_->Get("/healthz").status, 200) << "operational endpoints have no limit";
}

TEST_F(RateLimitedHttpTest, GuessingTokensIsSlowedDownPerAddress) {
  for (int i = 0; i < 3; ++i) {
    ExpectProblem(client_->Get("/v1/me", {Pat("frpat_wrong" + std::to_string(i))}), 401);
  }
  ExpectProblem(client_->Get("/v1/me", {Pat("frpat_wrong")}), 429);
  // Valid tokens behind the same address (a NAT, a proxy) are never refused by the guessing
  // limit: it slows down only the invalid ones.
  EXPECT_EQ(client_->Get("/v1/me", {Pat(bea_token_)}).status, 200);
  EXPECT_EQ(client_->Get("/v1/me", {Pat(ann_token_)}).status, 200);
  ExpectProblem(client_->Get("/v1/me", {Pat("frpat_wrong")}), 429);
}

TEST_F(RobustnessHttpTest, UnknownPathIs404Problem) {
  for (const char* path : {"/", "/v2/me", "/v1/me/", "/v1/nothing", "/v1/me/organizations"}) {
    ExpectProblem(client_->Get(path, {Pat(ann_token_)}), 404);
  }
}

TEST_F(RobustnessHttpTest, WrongMethodIs405WithAllow) {
  auto result = client_->Send("DELETE", "/v1/me", {Pat(ann_token_)});
  ExpectProblem(result, 405);
  EXPECT_EQ(result.Header("allow"), "GET");
  result = client_->Send("POST", "/v1/me/organizations/1", {Pat(ann_token_)});
  ExpectProblem(result, 405);
  EXPECT_EQ(result.Header("allow"), "PUT");
}

TEST_F(RobustnessHttpTest, BadPathIdsAre400) {
  for (const char* id : {"abc", "0", "-1", "1.5", "9223372036854775808", "99999999999999999999",
                         "%31", "1e3"}) {
    const auto problem = ExpectProblem(
        client_->SendJson("PUT", std::string("/v1/me/organizations/") + id, {Pat(ann_token_)},
                          R"({"allowAdminAccess": true})"),
        400);
    EXPECT_EQ(ErrorFields(problem), std::vector<std::string>{"id"}) << id;
  }
}

TEST_F(RobustnessHttpTest, BodiesMustBeJson) {
  const std::string path = "/v1/me/organizations/" + Str(org_a_);
  ExpectProblem(client_->Send("PUT", path, {Pat(ann_token_)}, R"({"allowAdminAccess": true})"), 415);
  ExpectProblem(client_->Send("PUT", path, {Pat(ann_token_), "Content-Type: text/plain"},
                              R"({"allowAdminAccess": true})"),
                415);
  EXPECT_EQ(client_->Send("PUT", path,
                          {Pat(ann_token_), "Content-Type: application/json; charset=utf-8"},
                          R"({"allowAdminAccess": true})")
                .status,
            200);
}

TEST_F(RobustnessHttpTest, MalformedJsonIs400) {
  const std::string path = "/v1/me/organizations/" + Str(org_a_);
  const std::string deep = std::string(10000, '[') + std::string(10000, ']');
  for (const std::string& body :
       {std::string("{"), std::string("[true]"), std::string("not json"),
        std::string("{\"allowAdminAccess\": tru}"), std::string("{\"a\": \"\xFF\"}"),
        "{\"allowAdminAccess\": true, \"x\": " + deep + "}", std::string("{\"a\":\"\\ud800\"}")}) {
    ExpectProblem(client_->SendJson("PUT", path, {Pat(ann_token_)}, body), 400);
  }
  // The server is still fine.
  EXPECT_EQ(client_->Get("/healthz").status, 200);
}

TEST_F(RobustnessHttpTest, OversizedBodyIs413) {
  const std::string path = "/v1/me/organizations/" + Str(org_a_);
  const std::string body = "{\"allowAdminAccess\": true, \"pad\": \"" +
                           std::string(1024 * 1024, 'x') + "\"}";
  ExpectProblem(client_->SendJson("PUT", path, {Pat(ann_token_)}, body), 413);
}

TEST_F(RobustnessHttpTest, UnknownFieldsAreIgnored) {
  const auto result = client_->SendJson("PUT", "/v1/me/organizations/" + Str(org_a_),
                                        {Pat(max_token_)},
                                        R"({"allowAdminAccess": true, "role": "admin"})");
  ASSERT_EQ(result.status, 200);
  EXPECT_EQ(result.Json()["role"], "member");
}

TEST_F(RobustnessHttpTest, MalformedQueryStringIs400) {
  ExpectProblem(client_->Get("/v1/me?owner_id=%zz", {Pat(ann_token_)}), 400);
}

TEST_F(RobustnessHttpTest, RequestIdIsEchoedOrGenerated) {
  const auto echoed = client_->Get("/v1/me", {Pat(ann_token_), "X-Request-Id: trace-42.a_b"});
  EXPECT_EQ(echoed.Header("x-request-id"), "trace-42.a_b");
  const auto replaced = client_->Get("/v1/me", {Pat(ann_token_), "X-Request-Id: bad id\"{"});
  EXPECT_NE(replaced.Header("x-request-id"), "bad id\"{");
  EXPECT_FALSE(replaced.Header("x-request-id").empty());
  const auto problem = client_->Get("/v1/nowhere", {"X-Request-Id: find-me"});
  EXPECT_EQ(problem.Json()["requestId"], "find-me");
}

}  // namespace
}  // namespace fr::testing
