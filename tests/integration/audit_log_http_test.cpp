// The audit log (issue #18 §3, decision 0058) through the real binary: what the admin command
// and the API's requests record, who may read it, its filters, that the API cannot change it,
// that a failed change leaves no entry, and the retention option.
#include <sqlite3.h>

#include <chrono>
#include <set>
#include <sstream>
#include <thread>

#include "integration/world.hpp"

namespace fr::testing {
namespace {

using nlohmann::json;

class AuditLogHttpTest : public WorldTest {
 protected:
  std::vector<std::string> ExtraServerArgs() override {
    return {"--webhook-allow-http", "127.0.0.1", "--webhook-allow-private"};
  }

  std::string Log(std::int64_t organization, const std::string& query = "") {
    return "/v1/organizations/" + Str(organization) + "/audit-log" + query;
  }
  // Every entry of organisation `organization` (newest first), read by Ann or `auth`.
  json Entries(std::int64_t organization, const std::string& query = "?limit=50",
               const std::string& auth = "") {
    const auto read =
        client_->Get(Log(organization, query), {auth.empty() ? Pat(ann_token_) : auth});
    EXPECT_EQ(read.status, 200) << read.body;
    return read.status == 200 ? read.Json()["entries"] : json::array();
  }
  // `text` for a query string: the server takes ':' and ',' only percent-encoded there.
  static std::string Encoded(std::string text) {
    for (std::size_t at = 0; (at = text.find_first_of(":,", at)) != std::string::npos;) {
      text.replace(at, 1, text[at] == ':' ? "%3A" : "%2C");
    }
    return text;
  }
  static std::vector<std::string> Types(const json& entries) {
    std::vector<std::string> types;
    for (const auto& entry : entries) types.push_back(entry["type"]);
    return types;
  }
  static json OfType(const json& entries, const std::string& type) {
    json found = json::array();
    for (const auto& entry : entries) {
      if (entry["type"] == type) found.push_back(entry);
    }
    return found;
  }
  void RegisterCustomer() {
    const json customer = {{"city", "Aachen"},      {"cityCode", "52062"},      {"country", "DE"},
                           {"name", "Relief"},      {"organizationID", org_a_}, {"street", "Markt"},
                           {"streetHousenumber", 1}};
    ASSERT_EQ(
        client_->SendJson("POST", "/v1/sip-customer", {Pat(ann_token_)}, customer.dump()).status,
        201);
  }
  std::int64_t MaxPhone() {
    const json phone = {
        {"isActive", true}, {"name", "Handy"}, {"phone", "+49 151 12345678"}, {"userID", max_}};
    const auto created =
        client_->SendJson("POST", "/v1/agent-phones", {Pat(max_token_)}, phone.dump());
    EXPECT_EQ(created.status, 201) << created.body;
    return created.Json()["id"];
  }
};

TEST_F(AuditLogHttpTest, TheOperatorsCommandsAreRecordedWithoutSecrets) {
  const auto read = client_->Get(Log(org_a_, "?limit=50"), {Pat(ann_token_)});
  ASSERT_EQ(read.status, 200) << read.body;
  const json entries = read.Json()["entries"];
  // World set-up: two members added to A, then Ann's, Max's and A's token (Bea's is B's).
  EXPECT_EQ(Types(entries),
            (std::vector<std::string>{"token.created", "token.created", "token.created",
                                      "member.added", "member.added"}));
  EXPECT_EQ(read.Json()["totalEntries"], 5);
  for (const auto& entry : entries) {
    EXPECT_EQ(entry["organizationID"], org_a_);
    EXPECT_EQ(entry["sourceAddress"], "admin-command");
    EXPECT_TRUE(entry["actorUserID"].is_null());
    EXPECT_TRUE(entry["actorTokenID"].is_null());
    EXPECT_EQ(entry["requestID"], "");
  }
  EXPECT_EQ(entries[4]["memberUserID"], ann_);
  EXPECT_EQ(entries[3]["memberUserID"], max_);
  EXPECT_EQ(entries[2]["memberUserID"], ann_);
  EXPECT_TRUE(entries[2]["tokenID"].is_number());
  EXPECT_TRUE(entries[0]["memberUserID"].is_null());  // the organisation's own token
  for (const auto& secret : {ann_token_, max_token_, org_a_token_}) {
    EXPECT_EQ(read.body.find(secret), std::string::npos);
  }
  // B's log holds B's only.
  EXPECT_EQ(Types(Entries(org_b_, "?limit=50", Pat(bea_token_))),
            (std::vector<std::string>{"token.created", "token.created", "member.added"}));

  const std::string token_id = Str(entries[1]["tokenID"]);
  server_.Admin({"token", "revoke", token_id});
  const json revoked = Entries(org_a_, "?type=token.revoked");
  ASSERT_EQ(revoked.size(), 1u);
  EXPECT_EQ(Str(revoked[0]["tokenID"]), token_id);
}

TEST_F(AuditLogHttpTest, AdminAccessToAMembersPhonesIsRecordedAndTheMemberSeesIt) {
  const std::int64_t phone = MaxPhone();  // Max's own: not an admin's access
  const auto listed =
      client_->Get("/v1/agent-phones?owner_id=" + Str(max_) + "&organization_id=" + Str(org_a_),
                   {Pat(ann_token_), "X-Request-ID: audit-list-1"});
  ASSERT_EQ(listed.status, 200) << listed.body;
  const json change = {{"isActive", false},
                       {"name", "Handy (nachts)"},
                       {"phone", "+49 151 12345678"},
                       {"userID", max_}};
  ASSERT_EQ(
      client_
          ->SendJson("PUT", "/v1/agent-phones/" + Str(phone) + "?organization_id=" + Str(org_a_),
                     {Pat(ann_token_)}, change.dump())
          .status,
      200);
  ASSERT_EQ(client_
                ->Get("/v1/agent-phones?owner_id=" + Str(max_) + "&organization_id=" + Str(org_a_),
                      {Api(org_a_token_)})
                .status,
            200);
  ASSERT_EQ(
      client_
          ->Send("DELETE", "/v1/agent-phones/" + Str(phone) + "?organization_id=" + Str(org_a_),
                 {Pat(ann_token_)})
          .status,
      204);

  const json entries = Entries(org_a_, Encoded("?type=agent_phone.read,agent_phone.created,"
                                               "agent_phone.changed,agent_phone.deleted"));
  ASSERT_EQ(Types(entries), (std::vector<std::string>{"agent_phone.deleted", "agent_phone.read",
                                                      "agent_phone.changed", "agent_phone.read"}));
  const json& read = entries[3];
  EXPECT_EQ(read["actorUserID"], ann_);
  EXPECT_TRUE(read["actorTokenID"].is_number());
  EXPECT_EQ(read["memberUserID"], max_);
  EXPECT_EQ(read["sourceAddress"], "127.0.0.1");
  EXPECT_EQ(read["requestID"], "audit-list-1");
  EXPECT_EQ(entries[2]["agentPhoneID"], phone);
  EXPECT_TRUE(entries[1]["actorUserID"].is_null());  // the organisation's API token
  EXPECT_TRUE(entries[1]["actorTokenID"].is_number());
  EXPECT_EQ(entries[0]["agentPhoneID"], phone);
  // No entry carries the phone's number.
  EXPECT_EQ(client_->Get(Log(org_a_, "?limit=50"), {Pat(ann_token_)}).body.find("12345678"),
            std::string::npos);

  // Max sees exactly these four, who acted, what and when, but not the admin's address, the
  // request or which of Ann's tokens she used; Ann (whose phones nobody touched) and Bea see none.
  const auto mine = client_->Get("/v1/me/audit-log?limit=50", {Pat(max_token_)});
  ASSERT_EQ(mine.status, 200) << mine.body;
  json seen_by_max = entries;
  for (json& entry : seen_by_max) {
    entry.erase("sourceAddress");
    entry.erase("requestID");
    if (entry["actorUserID"].is_number()) entry["actorTokenID"] = nullptr;
  }
  EXPECT_EQ(mine.Json()["entries"], seen_by_max);
  EXPECT_EQ(mine.body.find("127.0.0.1"), std::string::npos) << mine.body;
  EXPECT_EQ(mine.body.find("audit-list-1"), std::string::npos) << mine.body;
  EXPECT_EQ(mine.Json()["totalEntries"], 4);
  EXPECT_EQ(client_->Get("/v1/me/audit-log", {Pat(ann_token_)}).Json()["totalEntries"], 0);
  EXPECT_EQ(client_->Get("/v1/me/audit-log", {Pat(bea_token_)}).Json()["totalEntries"], 0);
  // Other types cannot be reached through /me.
  EXPECT_EQ(
      client_->Get("/v1/me/audit-log?type=member.added", {Pat(max_token_)}).Json()["totalEntries"],
      0);
  ExpectProblem(client_->Get("/v1/me/audit-log", {Api(org_a_token_)}), 403);
}

TEST_F(AuditLogHttpTest, HotlinesConsentErasureExportsWebhooksAndLeavingAreRecorded) {
  server_.Admin({"numbers", "add", "--country", "DE", "--city", "Aachen", "--from",
                 "004924155660000", "--to", "004924155660001"});
  RegisterCustomer();
  json draft = {
      {"agents", {max_}}, {"isActive", true}, {"name", "Notruf"}, {"organizationID", org_a_}};
  const auto created = client_->SendJson("POST", "/v1/hotlines", {Pat(ann_token_)}, draft.dump());
  ASSERT_EQ(created.status, 201) << created.body;
  const std::int64_t hotline = created.Json()["id"];
  const std::string path = "/v1/hotlines/" + Str(hotline);
  draft["isActive"] = false;
  ASSERT_EQ(client_->SendJson("PUT", path, {Pat(ann_token_)}, draft.dump()).status, 200);
  draft["name"] = "Notruf Nacht";
  ASSERT_EQ(client_->SendJson("PUT", path, {Pat(ann_token_)}, draft.dump()).status, 200);
  ASSERT_EQ(client_->Send("DELETE", path, {Pat(ann_token_)}).status, 204);

  const json webhook = {{"url", "http://127.0.0.1:9/hook"}, {"eventTypes", {"call.ended"}}};
  const std::string hooks = "/v1/organizations/" + Str(org_a_) + "/webhooks";
  const auto hook = client_->SendJson("POST", hooks, {Api(org_a_token_)}, webhook.dump());
  ASSERT_EQ(hook.status, 201) << hook.body;
  const std::string hook_path = hooks + "/" + Str(hook.Json()["id"]);
  ASSERT_EQ(client_->SendJson("PUT", hook_path, {Api(org_a_token_)}, webhook.dump()).status, 200);
  const auto rotated = client_->Send("POST", hook_path + "/rotate-secret", {Api(org_a_token_)});
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  ASSERT_EQ(client_->Send("DELETE", hook_path, {Api(org_a_token_)}).status, 204);

  const std::string membership = "/v1/me/organizations/" + Str(org_a_);
  ASSERT_EQ(client_->SendJson("PUT", membership, {Pat(max_token_)}, R"({"allowAdminAccess":false})")
                .status,
            200);
  ASSERT_EQ(client_->SendJson("PUT", membership, {Pat(max_token_)}, R"({"allowAdminAccess":true})")
                .status,
            200);
  const auto erased =
      client_->SendJson("POST", "/v1/organizations/" + Str(org_a_) + "/privacy/erase-caller",
                        {Pat(ann_token_)}, R"({"number":"+49 241 998877"})");
  ASSERT_EQ(erased.status, 200) << erased.body;
  const auto exported =
      client_->Get("/v1/organizations/" + Str(org_a_) + "/export", {Pat(ann_token_)});
  ASSERT_EQ(exported.status, 200) << exported.body;
  ASSERT_EQ(client_->Send("DELETE", membership, {Pat(max_token_)}).status, 204);

  const json entries = Entries(org_a_);
  const std::vector<std::string> types = Types(entries);
  ASSERT_GE(types.size(), 15u);
  // The export read Max's phones (he consents): an admin's access like any other.
  EXPECT_EQ(std::vector<std::string>(types.begin(), types.begin() + 15),
            (std::vector<std::string>{
                "member.removed", "agent_phone.read", "organization.exported", "caller.erased",
                "consent.given", "consent.withdrawn", "webhook.deleted", "webhook.secret_rotated",
                "webhook.changed", "webhook.created", "hotline.deleted", "hotline.changed",
                "hotline.paused", "hotline.created", "token.created"}));
  for (int i = 10; i <= 13; ++i) EXPECT_EQ(entries[i]["hotlineID"], hotline) << i;
  for (int i = 6; i <= 9; ++i) {
    EXPECT_EQ(entries[i]["webhookID"], hook.Json()["id"]) << i;
    EXPECT_TRUE(entries[i]["actorUserID"].is_null()) << i;
  }
  EXPECT_EQ(entries[0]["memberUserID"], max_);
  EXPECT_EQ(entries[0]["actorUserID"], max_);
  EXPECT_EQ(entries[1]["memberUserID"], max_);
  EXPECT_EQ(entries[1]["actorUserID"], ann_);
  EXPECT_EQ(entries[4]["memberUserID"], max_);
  EXPECT_EQ(entries[3]["count"], 0);  // no calls yet; never the number
  const std::string body = client_->Get(Log(org_a_, "?limit=50"), {Pat(ann_token_)}).body;
  for (const char* secret_or_number : {"998877", "whsec_"}) {
    EXPECT_EQ(body.find(secret_or_number), std::string::npos) << secret_or_number;
  }
  EXPECT_EQ(body.find(rotated.Json()["secret"].get<std::string>()), std::string::npos);

  // The export carries the log as it was when it ran, its own entries included.
  std::vector<json> lines;
  std::istringstream stream(exported.body);
  for (std::string line; std::getline(stream, line);) lines.push_back(json::parse(line));
  json exported_entries = json::array();
  for (const auto& line : lines) {
    if (line["type"] == "auditEntry") exported_entries.push_back(line["data"]);
  }
  ASSERT_GE(exported_entries.size(), 2u);
  EXPECT_EQ(exported_entries[1]["type"], "organization.exported");
  EXPECT_EQ(exported_entries.size(), entries.size() - 1);  // all but the leaving after it
  EXPECT_EQ(exported_entries, json(std::vector<json>(entries.begin() + 1, entries.end())));
}

TEST_F(AuditLogHttpTest, ReadersFiltersAndPages) {
  ExpectProblem(client_->Get(Log(org_a_), {Pat(max_token_)}), 403);  // a member
  ExpectProblem(client_->Get(Log(org_a_), {Pat(bea_token_)}), 404);  // an outsider
  ExpectProblem(client_->Get(Log(org_a_), {Api(org_b_token_)}), 404);
  EXPECT_EQ(client_->Get(Log(org_a_), {Api(org_a_token_)}).status, 200);
  ExpectProblem(client_->Get(Log(org_a_)), 401);

  const auto first = client_->Get(Log(org_a_, "?limit=2"), {Pat(ann_token_)});
  ASSERT_EQ(first.status, 200);
  const auto second = client_->Get(Log(org_a_, "?limit=2&offset=2"), {Pat(ann_token_)});
  EXPECT_EQ(first.Json()["entries"].size(), 2u);
  EXPECT_EQ(first.Json()["totalEntries"], 5);
  const json all = Entries(org_a_);
  EXPECT_EQ(second.Json()["entries"][0], all[2]);
  EXPECT_GT(all[0]["id"].get<std::int64_t>(), all[1]["id"].get<std::int64_t>());

  EXPECT_EQ(Entries(org_a_, "?type=member.added").size(), 2u);
  EXPECT_EQ(Entries(org_a_, Encoded("?type=member.added,token.created")).size(), 5u);
  EXPECT_EQ(Entries(org_a_, Encoded("?from=2000-01-01T00:00:00Z&to=2001-01-01T00:00:00Z")).size(),
            0u);
  // `from` is inclusive, `to` exclusive: the newest entry's own time splits the log.
  const std::string at = all[0]["time"];
  std::size_t at_or_after = 0;
  for (const auto& entry : all) at_or_after += entry["time"].get<std::string>() >= at ? 1 : 0;
  EXPECT_EQ(Entries(org_a_, Encoded("?from=" + at)).size(), at_or_after);
  EXPECT_EQ(Entries(org_a_, Encoded("?to=" + at)).size(), all.size() - at_or_after);
  EXPECT_EQ(Entries(org_a_, Encoded("?to=2000-01-01T00:00:00Z")).size(), 0u);
  EXPECT_EQ(Entries(org_a_, Encoded("?from=2000-01-01T00:00:00Z")).size(), 5u);

  const auto bad = ExpectProblem(
      client_->Get(Log(org_a_, "?type=hotline.exploded&from=yesterday&limit=0"), {Pat(ann_token_)}),
      400);
  const auto fields = ErrorFields(bad);
  EXPECT_EQ(std::set<std::string>(fields.begin(), fields.end()),
            (std::set<std::string>{"type", "from", "limit"}));
}

TEST_F(AuditLogHttpTest, TheApiCannotChangeTheLogAndAFailedChangeLeavesNoEntry) {
  for (const std::string& path :
       {Log(org_a_), Log(org_a_) + "/1", std::string("/v1/me/audit-log")}) {
    for (const char* method : {"PUT", "POST", "PATCH", "DELETE"}) {
      const auto answer = client_->SendJson(method, path, {Pat(ann_token_)}, "{}");
      if (path.ends_with("/1")) {
        ExpectProblem(answer, 404);  // no route names one entry
      } else {
        ExpectProblem(answer, 405);
        EXPECT_EQ(answer.Header("allow"), "GET, HEAD") << method << " " << path;
      }
    }
  }
  EXPECT_EQ(Entries(org_a_).size(), 5u);

  // Ann adds a phone for Max with a number Max already has: the repository refuses it inside
  // its transaction, and the entry goes with it.
  MaxPhone();
  const json duplicate = {
      {"isActive", true}, {"name", "Zweit"}, {"phone", "+49 151 12345678"}, {"userID", max_}};
  ExpectProblem(client_->SendJson("POST", "/v1/agent-phones?organization_id=" + Str(org_a_),
                                  {Pat(ann_token_)}, duplicate.dump()),
                409);
  EXPECT_EQ(Entries(org_a_, "?type=agent_phone.created").size(), 0u);

  // And the database itself refuses to change an entry.
  server_.Stop();
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((server_.dir() / "fr.db").c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  EXPECT_NE(
      sqlite3_exec(db, "UPDATE audit_log SET type = 'hotline.created'", nullptr, nullptr, &error),
      SQLITE_OK);
  EXPECT_NE(std::string(error ? error : "").find("append-only"), std::string::npos);
  sqlite3_free(error);
  sqlite3_close(db);
}

TEST_F(AuditLogHttpTest, RetentionPurgesOldEntriesAndMustOutlastCallLogs) {
  server_.Stop();
  // An entry three years old, as if written then (the table allows inserts; only the service
  // writes them in practice).
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((server_.dir() / "fr.db").c_str(), &db), SQLITE_OK);
  const std::string old =
      "INSERT INTO audit_log (organization_id, type, occurred_at, source_address, request_id)"
      " VALUES (" +
      Str(org_a_) + ", 'hotline.created', 1000, 'admin-command', '')";
  ASSERT_EQ(sqlite3_exec(db, old.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);

  server_.Start({"--audit-retention-days", "365"});
  client_ = std::make_unique<HttpClient>(server_.base_url());
  // The retention pass runs at start; a deadline rather than a sleep.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (Entries(org_a_).size() != 5u && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(Entries(org_a_).size(), 5u);  // the old one gone, this year's kept
  server_.Stop();

  std::string output;
  EXPECT_EQ(
      RunProcess({BinaryPath(), "serve", "--database", server_.database_url(), "--listen",
                  "127.0.0.1:0", "--call-retention-days", "90", "--audit-retention-days", "30"},
                 output),
      2);
}

}  // namespace
}  // namespace fr::testing
