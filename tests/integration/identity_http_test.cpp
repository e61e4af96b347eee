// Tokens, /v1/me and the user's consent, through the real binary over HTTP.
#include <openssl/evp.h>
#include <sqlite3.h>

#include <chrono>
#include <memory>
#include <set>
#include <thread>

#include "integration/world.hpp"

namespace fr::testing {
namespace {

using IdentityHttpTest = WorldTest;

TEST_F(IdentityHttpTest, MeShowsTheUserAndMemberships) {
  const auto result = client_->Get("/v1/me", {Pat(ann_token_)});
  ASSERT_EQ(result.status, 200) << result.body;
  EXPECT_EQ(result.Header("content-type"), "application/json; charset=utf-8");
  const auto me = result.Json();
  EXPECT_EQ(me["id"], ann_);
  EXPECT_EQ(me["name"], "Ann Admin");
  ASSERT_EQ(me["memberships"].size(), 1u);
  EXPECT_EQ(me["memberships"][0]["organizationID"], org_a_);
  EXPECT_EQ(me["memberships"][0]["organizationName"], "Relief A");
  EXPECT_EQ(me["memberships"][0]["role"], "admin");
  EXPECT_EQ(me["memberships"][0]["allowAdminAccess"], false);
}

TEST_F(IdentityHttpTest, BearerWorksForEitherKindOfToken) {
  EXPECT_EQ(client_->Get("/v1/me", {Bearer(max_token_)}).Json()["id"], max_);
  EXPECT_EQ(client_->Get("/v1/me", {"authorization: bearer " + max_token_}).status, 200);
  // An organisation token is authenticated, but /v1/me belongs to users.
  ExpectProblem(client_->Get("/v1/me", {Bearer(org_a_token_)}), 403);
  ExpectProblem(client_->Get("/v1/me", {Api(org_a_token_)}), 403);
}

TEST_F(IdentityHttpTest, MissingBadOrMisplacedTokensAre401WithChallenge) {
  const std::vector<std::vector<std::string>> cases = {
      {},
      {Pat("frpat_nonsense")},
      {Pat(org_a_token_)},  // an API token in the personal header
      {Api(ann_token_)},    // a personal token in the API header
      {"Authorization: Basic YTpi"},
      {"Authorization: Bearer"},
      {Bearer(ann_token_ + "x")},
  };
  for (const auto& headers : cases) {
    const auto result = client_->Get("/v1/me", headers);
    ExpectProblem(result, 401);
    EXPECT_NE(result.Header("www-authenticate").find("Bearer"), std::string::npos);
  }
}

// Two different credentials would be resolved by a precedence the client cannot see: a revoked
// token beside a valid one must not quietly pass as the valid one, nor one user act as another.
TEST_F(IdentityHttpTest, DifferentCredentialsInOneRequestAre400) {
  const auto revoked = server_.Admin({"token", "create", "--user", Str(ann_), "--name", "old"});
  server_.Admin({"token", "revoke", Str(revoked["id"].get<std::int64_t>())});
  const std::string revoked_secret = revoked["secret"];
  const std::vector<std::vector<std::string>> ambiguous = {
      {Pat(revoked_secret), Bearer(ann_token_)},
      {Bearer(ann_token_), Pat(revoked_secret)},
      {Pat(ann_token_), Pat(max_token_)},  // the same header twice, two users
      {Bearer(max_token_), Api(org_a_token_)},
      {Api(org_a_token_), Api(org_b_token_)},
      {Pat(ann_token_), "Authorization: Basic YTpi"},
  };
  for (const auto& headers : ambiguous) {
    const auto problem = ExpectProblem(client_->Get("/v1/me", headers), 400);
    EXPECT_EQ(problem["type"], "/problems/invalid-request");
    EXPECT_NE(problem["detail"].get<std::string>().find("more than one credential"),
              std::string::npos);
  }
  // The same secret in two places is one credential.
  const auto same = client_->Get("/v1/me", {Pat(max_token_), Bearer(max_token_)});
  EXPECT_EQ(same.status, 200);
  EXPECT_EQ(same.Json()["id"], max_);
}

TEST_F(IdentityHttpTest, RevokedTokenStopsWorkingAtOnce) {
  const auto issued = server_.Admin({"token", "create", "--user", Str(ann_), "--name", "temp"});
  const std::string secret = issued["secret"];
  for (int i = 0; i < 3; ++i) EXPECT_EQ(client_->Get("/v1/me", {Pat(secret)}).status, 200);
  server_.Admin({"token", "revoke", Str(issued["id"].get<std::int64_t>())});
  ExpectProblem(client_->Get("/v1/me", {Pat(secret)}), 401);
  EXPECT_EQ(client_->Get("/v1/me", {Pat(ann_token_)}).status, 200);
}

// The server keeps authenticated tokens in memory (decision 0027); changes by the admin command,
// another process, must still count on the very next request.
TEST_F(IdentityHttpTest, AMembershipRemovedByTheAdminCommandCountsAtOnce) {
  for (int i = 0; i < 3; ++i) {
    const auto me = client_->Get("/v1/me", {Pat(max_token_)});
    ASSERT_EQ(me.status, 200);
    ASSERT_EQ(me.Json()["memberships"].size(), 1u) << me.body;
  }
  server_.Admin({"member", "remove", "--org", Str(org_a_), "--user", Str(max_)});
  EXPECT_TRUE(client_->Get("/v1/me", {Pat(max_token_)}).Json()["memberships"].empty());
  server_.Admin({"member", "add", "--org", Str(org_a_), "--user", Str(max_), "--role", "admin"});
  const auto me = client_->Get("/v1/me", {Pat(max_token_)}).Json();
  ASSERT_EQ(me["memberships"].size(), 1u) << me;
  EXPECT_EQ(me["memberships"][0]["role"], "admin");
}

TEST_F(IdentityHttpTest, TokenListShowsUseButNeverSecretsOrHashes) {
  ASSERT_EQ(client_->Get("/v1/me", {Pat(ann_token_)}).status, 200);
  // The use is written off the request's thread (issue #12): it reaches the database moments
  // after the answer, and the admin command is another process.
  nlohmann::json listed;
  for (int attempt = 0; attempt < 50; ++attempt) {
    listed = server_.Admin({"token", "list", "--user", Str(ann_)});
    ASSERT_EQ(listed["tokens"].size(), 1u);
    if (!listed["tokens"][0]["lastUsedAt"].is_null()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_FALSE(listed["tokens"][0]["lastUsedAt"].is_null());
  const std::string dump = listed.dump();
  EXPECT_EQ(dump.find(ann_token_), std::string::npos);
  EXPECT_EQ(dump.find("hash"), std::string::npos);
}

// A token's last use is written off the request's thread (issue #12): a request does not wait
// for the database's write lock, and a clean stop still writes the use it queued.
TEST_F(IdentityHttpTest, ALastUseWaitsForNoWriteAndAStopStoresIt) {
  if (!server_.database_url().starts_with("sqlite:")) GTEST_SKIP() << "locks the SQLite file";
  sqlite3* opened = nullptr;
  ASSERT_EQ(sqlite3_open(server_.database_url().substr(7).c_str(), &opened), SQLITE_OK);
  const std::unique_ptr<sqlite3, int (*)(sqlite3*)> db(opened, &sqlite3_close);
  // Another writer holds the lock (taken as soon as the server's own writes let it); reads go
  // on (WAL), the server's writes wait up to its busy timeout (5 s).
  ASSERT_EQ(sqlite3_busy_timeout(db.get(), 5000), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db.get(), "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(client_->Get("/v1/me", {Pat(bea_token_)}).status, 200);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(2500))
      << "the request waited for the write of its token's last use";
  server_.Terminate();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_EQ(sqlite3_exec(db.get(), "ROLLBACK", nullptr, nullptr, nullptr), SQLITE_OK);
  ASSERT_EQ(server_.Stop(), 0) << server_.Stderr();
  const auto listed = server_.Admin({"token", "list", "--user", Str(bea_)});
  ASSERT_EQ(listed["tokens"].size(), 1u);
  EXPECT_FALSE(listed["tokens"][0]["lastUsedAt"].is_null()) << "the queued use was lost";
}

// The database never holds a secret: the tokens table stores SHA-256(secret) in hex, computed
// here independently of the service's own digest adapter.
TEST_F(IdentityHttpTest, TheDatabaseHoldsOnlySha256OfEachSecret) {
  const std::vector<std::string> secrets = {ann_token_, max_token_, bea_token_, org_a_token_,
                                            org_b_token_};
  std::set<std::string> expected;
  for (const std::string& secret : secrets) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    ASSERT_EQ(EVP_Digest(secret.data(), secret.size(), digest, &length, EVP_sha256(), nullptr), 1);
    std::string hex;
    for (unsigned int i = 0; i < length; ++i) {
      static constexpr char kDigits[] = "0123456789abcdef";
      hex += kDigits[digest[i] >> 4];
      hex += kDigits[digest[i] & 0xF];
    }
    expected.insert(hex);
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(server_.database_url().substr(7).c_str(), &db), SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "SELECT * FROM tokens", -1, &statement, nullptr), SQLITE_OK);
  std::set<std::string> stored_hashes;
  int rows = 0;
  while (sqlite3_step(statement) == SQLITE_ROW) {
    ++rows;
    for (int column = 0; column < sqlite3_column_count(statement); ++column) {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, column));
      const std::string value = text ? text : "";
      for (const std::string& secret : secrets) {
        EXPECT_EQ(value.find(secret.substr(6)), std::string::npos)
            << "column " << sqlite3_column_name(statement, column) << " holds a secret";
      }
      if (std::string(sqlite3_column_name(statement, column)) == "secret_hash") {
        stored_hashes.insert(value);
      }
    }
  }
  sqlite3_finalize(statement);
  sqlite3_close(db);
  EXPECT_EQ(rows, 5);
  EXPECT_EQ(stored_hashes, expected);
}

TEST_F(IdentityHttpTest, UserSetsAndWithdrawsConsent) {
  const std::string path = "/v1/me/organizations/" + Str(org_a_);
  auto result = client_->SendJson("PUT", path, {Pat(ann_token_)}, R"({"allowAdminAccess": true})");
  ASSERT_EQ(result.status, 200) << result.body;
  EXPECT_EQ(result.Json()["allowAdminAccess"], true);
  EXPECT_EQ(client_->Get("/v1/me", {Pat(ann_token_)}).Json()["memberships"][0]["allowAdminAccess"],
            true);
  result = client_->SendJson("PUT", path, {Pat(ann_token_)}, R"({"allowAdminAccess": false})");
  EXPECT_EQ(result.Json()["allowAdminAccess"], false);
}

TEST_F(IdentityHttpTest, ConsentOnlyForOwnMemberships) {
  // Bea is not a member of A: indistinguishable from a missing organisation.
  ExpectProblem(client_->SendJson("PUT", "/v1/me/organizations/" + Str(org_a_), {Pat(bea_token_)},
                                  R"({"allowAdminAccess": true})"),
                404);
  ExpectProblem(client_->SendJson("PUT", "/v1/me/organizations/999999", {Pat(bea_token_)},
                                  R"({"allowAdminAccess": true})"),
                404);
  // An organisation token cannot consent on a user's behalf.
  ExpectProblem(client_->SendJson("PUT", "/v1/me/organizations/" + Str(org_a_),
                                  {Api(org_a_token_)}, R"({"allowAdminAccess": true})"),
                403);
}

TEST_F(IdentityHttpTest, ConsentBodyIsValidated) {
  const std::string path = "/v1/me/organizations/" + Str(org_a_);
  for (const char* body : {R"({})", R"({"allowAdminAccess": "true"})",
                           R"({"allowAdminAccess": 1})", R"({"allowAdminAccess": null})"}) {
    const auto problem = ExpectProblem(client_->SendJson("PUT", path, {Pat(max_token_)}, body), 400);
    EXPECT_EQ(ErrorFields(problem), std::vector<std::string>{"allowAdminAccess"}) << body;
  }
}

}  // namespace
}  // namespace fr::testing
