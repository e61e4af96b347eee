// An organisation's members for its admins (decision 0073) and a user's own personal access
// tokens (decision 0074), through the real binary over HTTP.
#include <algorithm>
#include <map>

#include "integration/world.hpp"

namespace fr::testing {
namespace {

using nlohmann::json;

constexpr const char* kMaxPassword = "a kettle hums in the dark";

class MembersAndTokensHttpTest : public WorldTest {
 protected:
  std::string Members(std::int64_t organization) {
    return "/v1/organizations/" + Str(organization) + "/members";
  }
  std::string Member(std::int64_t organization, std::int64_t user) {
    return Members(organization) + "/" + Str(user);
  }
  HttpResult SetRole(std::int64_t organization, std::int64_t user, const std::string& role,
                     const std::string& auth) {
    return client_->SendJson("PUT", Member(organization, user), {auth},
                             json{{"role", role}}.dump());
  }
  // The types of organisation `organization`'s audit entries about `member` made through the
  // API (not the world's admin commands), newest first.
  std::vector<std::string> AuditTypes(std::int64_t organization, std::int64_t member) {
    const auto log = client_->Get("/v1/organizations/" + Str(organization) + "/audit-log?limit=50",
                                  {Api(org_a_token_)});
    EXPECT_EQ(log.status, 200) << log.body;
    std::vector<std::string> types;
    const json entries = log.Json()["entries"];
    for (const auto& entry : entries) {
      if (entry["memberUserID"] == member && entry["sourceAddress"] != "admin-command") {
        types.push_back(entry["type"]);
      }
    }
    return types;
  }
  // Max signs in (an operator gave him a login); the cookie and CSRF headers.
  std::pair<std::string, std::string> MaxSession() {
    server_.Admin({"user", "set-login", "--user", Str(max_), "--email", "max@relief.example"});
    const std::string url = server_.Admin({"user", "invite", "--user", Str(max_)})["url"];
    const auto set = client_->SendJson(
        "POST", "/v1/password", {},
        json{{"invite", url.substr(url.find("#invite=") + 8)}, {"password", kMaxPassword}}.dump());
    EXPECT_EQ(set.status, 204) << set.body;
    const auto signed_in =
        client_->SendJson("POST", "/v1/session", {},
                          json{{"email", "max@relief.example"}, {"password", kMaxPassword}}.dump());
    EXPECT_EQ(signed_in.status, 200) << signed_in.body;
    const std::string cookie = signed_in.Header("set-cookie");
    return {"Cookie: " + cookie.substr(0, cookie.find(';')),
            "X-CSRF-Token: " + signed_in.Json()["csrfToken"].get<std::string>()};
  }
};

TEST_F(MembersAndTokensHttpTest, AdminsListMembersWithRoleConsentAndLoginButNoEmail) {
  server_.Admin({"user", "set-login", "--user", Str(max_), "--email", "max@relief.example"});
  for (const std::string& auth : {Pat(ann_token_), Api(org_a_token_)}) {
    const auto result = client_->Get(Members(org_a_), {auth});
    ASSERT_EQ(result.status, 200) << result.body;
    EXPECT_EQ(result.body.find("relief.example"), std::string::npos) << result.body;
    const json expected = {{"members",
                            {{{"userID", ann_},
                              {"name", "Ann Admin"},
                              {"role", "admin"},
                              {"allowAdminAccess", false},
                              {"hasLogin", false}},
                             {{"userID", max_},
                              {"name", "Max Member"},
                              {"role", "member"},
                              {"allowAdminAccess", true},
                              {"hasLogin", false}}}}};
    EXPECT_EQ(result.Json(), expected);
  }
  // A password makes hasLogin true.
  MaxSession();
  const auto members = client_->Get(Members(org_a_), {Pat(ann_token_)}).Json()["members"];
  EXPECT_EQ(members[1]["hasLogin"], true);
  EXPECT_EQ(members[0]["hasLogin"], false);
}

TEST_F(MembersAndTokensHttpTest, MembersAre403AndOutsidersAndOtherOrganizations404) {
  ExpectProblem(client_->Get(Members(org_a_), {Pat(max_token_)}), 403);
  ExpectProblem(SetRole(org_a_, max_, "admin", Pat(max_token_)), 403);
  for (const std::string& auth : {Pat(bea_token_), Api(org_b_token_)}) {
    ExpectProblem(client_->Get(Members(org_a_), {auth}), 404);
    ExpectProblem(SetRole(org_a_, max_, "admin", auth), 404);
  }
  ExpectProblem(client_->Get(Members(99999), {Pat(ann_token_)}), 404);
  ExpectProblem(client_->Get(Members(org_a_)), 401);
  // Bea is not in organisation A: no such member, whoever asks.
  ExpectProblem(SetRole(org_a_, bea_, "admin", Pat(ann_token_)), 404);
  EXPECT_EQ(client_->Get(Members(org_a_), {Pat(max_token_)}).status, 403);
}

TEST_F(MembersAndTokensHttpTest, AdminsChangeRolesAuditedAndTheOnlyAdminStays) {
  // Ann is the only admin: she cannot step down, and nothing is recorded.
  const auto refused = ExpectProblem(SetRole(org_a_, ann_, "member", Pat(ann_token_)), 409);
  EXPECT_NE(refused["detail"].get<std::string>().find("only admin"), std::string::npos);
  const auto promoted = SetRole(org_a_, max_, "admin", Api(org_a_token_));
  ASSERT_EQ(promoted.status, 200) << promoted.body;
  EXPECT_EQ(promoted.Json()["role"], "admin");
  EXPECT_EQ(promoted.Json()["userID"], max_);
  // Max is an admin now: he lists the members, and /v1/me says so.
  EXPECT_EQ(client_->Get(Members(org_a_), {Pat(max_token_)}).status, 200);
  EXPECT_EQ(client_->Get("/v1/me", {Pat(max_token_)}).Json()["memberships"][0]["role"], "admin");
  // With another admin, Ann may step down; the same role again changes nothing.
  ASSERT_EQ(SetRole(org_a_, ann_, "member", Pat(ann_token_)).status, 200);
  ASSERT_EQ(SetRole(org_a_, ann_, "member", Pat(max_token_)).status, 200);
  ExpectProblem(client_->Get(Members(org_a_), {Pat(ann_token_)}), 403);
  EXPECT_EQ(AuditTypes(org_a_, ann_), std::vector<std::string>{"member.role_changed"});
  EXPECT_EQ(AuditTypes(org_a_, max_), std::vector<std::string>{"member.role_changed"});
  // Each entry names the role given; other entries have none.
  const json entries =
      client_->Get("/v1/organizations/" + Str(org_a_) + "/audit-log?limit=50", {Api(org_a_token_)})
          .Json()["entries"];
  std::map<std::int64_t, std::string> given;
  for (const auto& entry : entries) {
    if (entry["type"] == "member.role_changed") {
      given[entry["memberUserID"].get<std::int64_t>()] = entry["role"];
    } else {
      EXPECT_TRUE(entry["role"].is_null()) << entry;
    }
  }
  EXPECT_EQ(given, (std::map<std::int64_t, std::string>{{ann_, "member"}, {max_, "admin"}}));

  const auto bad = ExpectProblem(SetRole(org_a_, ann_, "owner", Pat(max_token_)), 400);
  EXPECT_EQ(ErrorFields(bad), std::vector<std::string>{"role"});
  ExpectProblem(client_->SendJson("PUT", Member(org_a_, ann_), {Pat(max_token_)}, "{}"), 400);
}

TEST_F(MembersAndTokensHttpTest, UsersCreateListAndRevokeTheirOwnTokens) {
  const auto created =
      client_->SendJson("POST", "/v1/me/tokens", {Pat(max_token_)},
                        json{{"name", "roster script"}, {"expiresInDays", 30}}.dump());
  ASSERT_EQ(created.status, 201) << created.body;
  const json token = created.Json();
  const std::string secret = token["secret"];
  EXPECT_EQ(secret.rfind("frpat_", 0), 0u);
  EXPECT_EQ(token["name"], "roster script");
  EXPECT_TRUE(token["expiresAt"].is_string());
  // The new secret acts as Max.
  EXPECT_EQ(client_->Get("/v1/me", {Pat(secret)}).Json()["id"], max_);

  const auto listed = client_->Get("/v1/me/tokens", {Pat(secret)});
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(listed.body.find(secret), std::string::npos);
  EXPECT_EQ(listed.body.find("secret"), std::string::npos);
  const json tokens = listed.Json()["tokens"];
  ASSERT_EQ(tokens.size(), 2u);  // the world's token and the new one, oldest first
  EXPECT_EQ(tokens[1]["id"], token["id"]);
  EXPECT_EQ(tokens[1]["name"], "roster script");
  EXPECT_TRUE(tokens[1]["lastUsedAt"].is_string());  // it authenticated /v1/me just now
  EXPECT_TRUE(tokens[0]["expiresAt"].is_null());

  // Nobody else sees or revokes it; an organisation token has no tokens of its own here.
  const std::string path = "/v1/me/tokens/" + Str(token["id"].get<std::int64_t>());
  EXPECT_EQ(client_->Get("/v1/me/tokens", {Pat(ann_token_)}).Json()["tokens"].size(), 1u);
  ExpectProblem(client_->Send("DELETE", path, {Pat(ann_token_)}), 404);
  ExpectProblem(client_->Get("/v1/me/tokens", {Api(org_a_token_)}), 403);
  ExpectProblem(client_->SendJson("POST", "/v1/me/tokens", {Api(org_a_token_)}, "{}"), 403);

  ASSERT_EQ(client_->Send("DELETE", path, {Pat(max_token_)}).status, 204);
  ExpectProblem(client_->Get("/v1/me", {Pat(secret)}), 401);
  ExpectProblem(client_->Send("DELETE", path, {Pat(max_token_)}), 404);
  EXPECT_EQ(client_->Get("/v1/me/tokens", {Pat(max_token_)}).Json()["tokens"].size(), 1u);
  // Created and revoked, each in the audit log of Max's organisation.
  EXPECT_EQ(AuditTypes(org_a_, max_), (std::vector<std::string>{"token.revoked", "token.created"}));
}

TEST_F(MembersAndTokensHttpTest, TokenNamesAndExpiriesAreChecked) {
  const auto long_name =
      ExpectProblem(client_->SendJson("POST", "/v1/me/tokens", {Pat(max_token_)},
                                      json{{"name", std::string(101, 'n')}}.dump()),
                    400);
  EXPECT_EQ(ErrorFields(long_name), std::vector<std::string>{"name"});
  const auto days = ExpectProblem(client_->SendJson("POST", "/v1/me/tokens", {Pat(max_token_)},
                                                    json{{"expiresInDays", 0}}.dump()),
                                  400);
  EXPECT_EQ(ErrorFields(days), std::vector<std::string>{"expiresInDays"});
  // No name, no expiry: a token that never expires.
  const auto plain = client_->SendJson("POST", "/v1/me/tokens", {Pat(max_token_)}, "{}");
  ASSERT_EQ(plain.status, 201) << plain.body;
  EXPECT_TRUE(plain.Json()["expiresAt"].is_null());
}

// A leaked token must not mint an endless supply of others: 50 unrevoked at most.
TEST_F(MembersAndTokensHttpTest, AUserHoldsAtMostFiftyTokens) {
  const auto count = [&] {
    return client_->Get("/v1/me/tokens", {Pat(max_token_)}).Json()["tokens"].size();
  };
  HttpResult created;
  for (std::size_t held = count(); held < 50; ++held) {
    created = client_->SendJson("POST", "/v1/me/tokens", {Pat(max_token_)}, "{}");
    ASSERT_EQ(created.status, 201) << held << ": " << created.body;
  }
  EXPECT_EQ(count(), 50u);
  const auto refused =
      ExpectProblem(client_->SendJson("POST", "/v1/me/tokens", {Pat(max_token_)}, "{}"), 409);
  EXPECT_NE(refused["detail"].get<std::string>().find("revoke one"), std::string::npos) << refused;
  EXPECT_EQ(count(), 50u);
  // One revoked makes room for one.
  const std::string path = "/v1/me/tokens/" + Str(created.Json()["id"].get<std::int64_t>());
  ASSERT_EQ(client_->Send("DELETE", path, {Pat(max_token_)}).status, 204);
  EXPECT_EQ(client_->SendJson("POST", "/v1/me/tokens", {Pat(max_token_)}, "{}").status, 201);
}

// The console creates tokens with its session: a write like any other, so it needs the CSRF
// header; sessions never appear among the tokens.
TEST_F(MembersAndTokensHttpTest, ASessionCreatesTokensOnlyWithItsCsrfToken) {
  const auto [cookie, csrf] = MaxSession();
  ExpectProblem(client_->SendJson("POST", "/v1/me/tokens", {cookie}, "{}"), 403);
  const auto created =
      client_->SendJson("POST", "/v1/me/tokens", {cookie, csrf}, json{{"name", "phone"}}.dump());
  ASSERT_EQ(created.status, 201) << created.body;
  const auto listed = client_->Get("/v1/me/tokens", {cookie});
  ASSERT_EQ(listed.status, 200);
  std::vector<std::string> names;
  const json tokens = listed.Json()["tokens"];
  for (const auto& token : tokens) names.push_back(token["name"]);
  EXPECT_EQ(names, (std::vector<std::string>{"", "phone"}));
  const std::string path = "/v1/me/tokens/" + Str(created.Json()["id"].get<std::int64_t>());
  ExpectProblem(client_->Send("DELETE", path, {cookie}), 403);
  EXPECT_EQ(client_->Send("DELETE", path, {cookie, csrf}).status, 204);
}

}  // namespace
}  // namespace fr::testing
