// /v1/hotlines through the real binary: lifecycle, number inventory, validation,
// authorisation, pagination and optimistic concurrency.
#include <chrono>
#include <ctime>
#include <future>
#include <set>
#include <thread>

#include "integration/world.hpp"

namespace fr::testing {
namespace {

class HotlinesHttpTest : public WorldTest {
 protected:
  void SetUp() override {
    WorldTest::SetUp();
    server_.Admin({"numbers", "add", "--country", "DE", "--city", "Aachen", "--from",
                   "004924155660000", "--to", "004924155660004"});
    RegisterCustomer(org_a_, Pat(ann_token_));
  }
  void RegisterCustomer(std::int64_t organization, const std::string& header) {
    const nlohmann::json customer = {{"city", "aachen"}, {"cityCode", "52062"}, {"country", "DE"},
                                     {"name", "Relief"}, {"organizationID", organization},
                                     {"street", "Markt"}, {"streetHousenumber", 1}};
    ASSERT_EQ(client_->SendJson("POST", "/v1/sip-customer", {header}, customer.dump()).status, 201);
  }
  nlohmann::json Draft(std::int64_t organization, std::vector<std::int64_t> agents = {}) {
    return {{"agents", agents}, {"isActive", true}, {"name", "Notruf"},
            {"organizationID", organization}};
  }
  HttpResult Create(const std::string& header, const nlohmann::json& body) {
    return client_->SendJson("POST", "/v1/hotlines", {header}, body.dump());
  }
  std::string ListPath(std::int64_t organization, const std::string& extra = "") {
    return "/v1/hotlines?organization_id=" + Str(organization) + extra;
  }
  // Polls GET until the hotline has `status` (a deadline, not a sleep); returns the last read.
  HttpResult WaitForStatus(std::int64_t id, const std::string& status) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    HttpResult read;
    do {
      read = HttpClient(server_.base_url()).Get("/v1/hotlines/" + Str(id), {Pat(ann_token_)});
      if (read.status == 200 && read.Json()["status"] == status) return read;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    } while (std::chrono::steady_clock::now() < deadline);
    ADD_FAILURE() << "hotline " << id << " never reached " << status << ": " << read.body;
    return read;
  }
  // The inventory entry of `number`, from the admin CLI.
  nlohmann::json InventoryEntry(const std::string& number) {
    const auto inventory = server_.Admin({"numbers", "list"});
    for (const auto& entry : inventory["numbers"]) {
      if (entry["number"] == number) return entry;
    }
    return nullptr;
  }
};

TEST_F(HotlinesHttpTest, CreateReservesALocalNumberWithDefaults) {
  const auto created = Create(Api(org_a_token_), Draft(org_a_, {ann_, max_}));
  ASSERT_EQ(created.status, 201) << created.body;
  const auto hotline = created.Json();
  EXPECT_EQ(created.body, hotline.dump()) << "compact, members in sorted order";
  EXPECT_EQ(hotline["number"], "004924155660000");
  EXPECT_EQ(hotline["status"], "created");
  EXPECT_EQ(hotline["channelsInbound"], 10);
  EXPECT_EQ(hotline["channelsOutbound"], 10);
  EXPECT_EQ(hotline["ttsInbound"], "");
  EXPECT_EQ(hotline["ttsOutbound"], "");
  EXPECT_EQ(hotline["confirmAnswer"], true);
  EXPECT_EQ(hotline["agents"], nlohmann::json({ann_, max_}));
  EXPECT_EQ(created.Header("location"), "/v1/hotlines/" + Str(hotline["id"].get<std::int64_t>()));
  EXPECT_FALSE(created.Header("etag").empty());

  const auto schema = client_->Get("/openapi.json").Json()["components"]["schemas"]["Hotline"];
  for (const auto& [key, value] : hotline.items()) {
    EXPECT_TRUE(schema["properties"].contains(key)) << key;
  }
  const auto read = client_->Get("/v1/hotlines/" + Str(hotline["id"].get<std::int64_t>()),
                                 {Pat(max_token_)});
  ASSERT_EQ(read.status, 200);
  auto read_back = read.Json();
  read_back["status"] = "created";  // provisioning may have moved on meanwhile
  EXPECT_EQ(read_back, hotline);
  EXPECT_FALSE(read.Header("etag").empty());
}

TEST_F(HotlinesHttpTest, ProvisioningActivatesTheNumberAndPausingStopsIt) {
  const auto created = Create(Pat(ann_token_), Draft(org_a_, {max_}));
  ASSERT_EQ(created.status, 201);
  const std::int64_t id = created.Json()["id"];
  const std::string number = created.Json()["number"];
  WaitForStatus(id, "active");
  EXPECT_EQ(InventoryEntry(number)["routed"], true);

  auto body = Draft(org_a_, {max_});
  body["isActive"] = false;
  const auto paused = client_->SendJson("PUT", "/v1/hotlines/" + Str(id), {Pat(ann_token_)}, body.dump());
  ASSERT_EQ(paused.status, 200) << paused.body;
  EXPECT_EQ(paused.Json()["status"], "paused");
  EXPECT_EQ(InventoryEntry(number)["routed"], false);
  EXPECT_EQ(InventoryEntry(number)["state"], "reserved");  // kept while paused

  body["isActive"] = true;
  EXPECT_EQ(client_->SendJson("PUT", "/v1/hotlines/" + Str(id), {Pat(ann_token_)}, body.dump())
                .Json()["status"],
            "created");
  WaitForStatus(id, "active");
  EXPECT_EQ(InventoryEntry(number)["routed"], true);

  ASSERT_EQ(client_->Send("DELETE", "/v1/hotlines/" + Str(id), {Pat(ann_token_)}).status, 204);
  EXPECT_EQ(InventoryEntry(number)["routed"], false);
}

TEST_F(HotlinesHttpTest, InactiveHotlineIsCreatedPausedAndNeverProvisioned) {
  auto body = Draft(org_a_);
  body["isActive"] = false;
  const auto created = Create(Pat(ann_token_), body);
  ASSERT_EQ(created.status, 201);
  EXPECT_EQ(created.Json()["status"], "paused");
  EXPECT_EQ(InventoryEntry(created.Json()["number"])["routed"], false);
}

TEST_F(HotlinesHttpTest, ProvisioningResumesAfterACrash) {
  ASSERT_EQ(server_.Stop(), 0);
  // A slow carrier: a hotline stays in provisioning for an hour.
  server_.Start({"--provisioning-delay", "3600"});
  client_ = std::make_unique<HttpClient>(server_.base_url());
  const std::int64_t id = Create(Pat(ann_token_), Draft(org_a_)).Json()["id"];
  WaitForStatus(id, "provisioning");
  server_.Kill();  // between the two steps, as a crash would
  server_.Start();
  client_ = std::make_unique<HttpClient>(server_.base_url());
  WaitForStatus(id, "active");
}

// The persisted status is the job: a pause that lands while the carrier is still provisioning
// wins the compare-and-set, and the provisioner, when it comes back, neither activates the
// hotline nor leaves its number routed.
TEST_F(HotlinesHttpTest, APauseDuringProvisioningWinsAndWithdrawsTheRoute) {
  ASSERT_EQ(server_.Stop(), 0);
  server_.Start({"--provisioning-delay", "2"});
  client_ = std::make_unique<HttpClient>(server_.base_url());
  const auto created = Create(Pat(ann_token_), Draft(org_a_));
  ASSERT_EQ(created.status, 201);
  const std::int64_t id = created.Json()["id"];
  const std::string number = created.Json()["number"];
  WaitForStatus(id, "provisioning");

  auto body = Draft(org_a_);
  body["isActive"] = false;
  const auto paused = client_->SendJson("PUT", "/v1/hotlines/" + Str(id), {Pat(ann_token_)}, body.dump());
  ASSERT_EQ(paused.status, 200) << paused.body;
  EXPECT_EQ(paused.Json()["status"], "paused");
  // Past the carrier's delay, the provisioner has had its turn (it runs every 200 ms).
  std::this_thread::sleep_for(std::chrono::milliseconds(3000));
  const auto read = client_->Get("/v1/hotlines/" + Str(id), {Pat(ann_token_)});
  EXPECT_EQ(read.Json()["status"], "paused") << read.body;
  EXPECT_EQ(InventoryEntry(number)["routed"], false);
  EXPECT_EQ(InventoryEntry(number)["state"], "reserved");
}

TEST_F(HotlinesHttpTest, NeedsTheSipCustomerAccount) {
  const auto problem = ExpectProblem(Create(Api(org_b_token_), Draft(org_b_)), 409);
  EXPECT_NE(problem["detail"].get<std::string>().find("/v1/sip-customer"), std::string::npos);
}

TEST_F(HotlinesHttpTest, ValidatesEveryField) {
  struct Case {
    const char* field;
    nlohmann::json value;
  };
  const Case cases[] = {
      {"name", ""}, {"name", std::string(101, 'x')}, {"name", 3},
      {"channelsInbound", 0}, {"channelsInbound", 101}, {"channelsOutbound", -1},
      {"channelsOutbound", "10"}, {"ttsInbound", std::string(301, 't')}, {"ttsOutbound", false},
      {"agents", "1"}, {"agents", nlohmann::json({1, 1})}, {"agents", nlohmann::json({0})},
      {"agents", nlohmann::json({987654})}, {"isActive", "true"}, {"organizationID", 0},
      {"confirmAnswer", "false"}, {"confirmAnswer", 0},
  };
  for (const auto& c : cases) {
    auto body = Draft(org_a_);
    body[c.field] = c.value;
    EXPECT_EQ(ErrorFields(ExpectProblem(Create(Pat(ann_token_), body), 400)),
              std::vector<std::string>{c.field})
        << c.field << "=" << c.value;
  }
  // Bea is a user, but not a member of A.
  EXPECT_EQ(ErrorFields(ExpectProblem(Create(Pat(ann_token_), Draft(org_a_, {bea_})), 400)),
            std::vector<std::string>{"agents"});
  std::vector<std::int64_t> many(101);
  for (std::size_t i = 0; i < many.size(); ++i) many[i] = static_cast<std::int64_t>(i) + 1;
  EXPECT_EQ(ErrorFields(ExpectProblem(Create(Pat(ann_token_), Draft(org_a_, many)), 400)),
            std::vector<std::string>{"agents"});
  EXPECT_EQ(ErrorFields(ExpectProblem(Create(Pat(ann_token_), nlohmann::json::object()), 400)).size(),
            4u);
  // 300 code points of text-to-speech are fine.
  auto body = Draft(org_a_);
  body["ttsInbound"] = std::string(300, 't');
  EXPECT_EQ(Create(Pat(ann_token_), body).status, 201);
}

TEST_F(HotlinesHttpTest, ConfirmAnswerIsKeptAndAReplaceWithoutItMeansTrue) {
  auto body = Draft(org_a_, {ann_});
  body["confirmAnswer"] = false;
  const auto created = Create(Pat(ann_token_), body);
  ASSERT_EQ(created.status, 201) << created.body;
  const std::int64_t id = created.Json()["id"];
  const std::string path = "/v1/hotlines/" + Str(id);
  EXPECT_EQ(client_->Get(path, {Pat(ann_token_)}).Json()["confirmAnswer"], false);
  const auto listed = client_->Get(ListPath(org_a_), {Pat(ann_token_)});
  EXPECT_NE(listed.body.find("\"confirmAnswer\":false"), std::string::npos) << listed.body;
  // A full replacement: an omitted optional field takes its default.
  const auto replaced =
      client_->SendJson("PUT", path, {Pat(ann_token_)}, Draft(org_a_, {ann_}).dump());
  ASSERT_EQ(replaced.status, 200) << replaced.body;
  EXPECT_EQ(replaced.Json()["confirmAnswer"], true);
  EXPECT_EQ(client_->Get(path, {Pat(ann_token_)}).Json()["confirmAnswer"], true);
}

TEST_F(HotlinesHttpTest, ControlCharactersAreRefusedLineBreaksOnlyInSpokenTexts) {
  struct Case {
    const char* field;
    std::string value;
    bool accepted;
  };
  const Case cases[] = {
      {"name", std::string("\0", 1), false},
      {"name", "Notruf\x1B[31m", false},
      {"name", "Notruf\nAachen", false},
      {"name", "\xE2\x80\xAE" "fruton", false},
      {"ttsInbound", "Hallo\x07", false},
      {"ttsOutbound", std::string("Hallo\0", 6), false},
      {"ttsInbound", "a\xE2\x81\xA7" "b", false},
      {"ttsInbound", "Hallo.\nBitte warten.", true},
      {"ttsOutbound", "Anruf\tder Hotline.\r\nDr\xC3\xBC" "cken Sie 1.", true},
  };
  for (const auto& c : cases) {
    auto body = Draft(org_a_);
    body[c.field] = c.value;
    const auto result = Create(Pat(ann_token_), body);
    if (c.accepted) {
      EXPECT_EQ(result.status, 201) << c.field << " " << nlohmann::json(c.value) << result.body;
      continue;
    }
    EXPECT_EQ(ErrorFields(ExpectProblem(result, 400)), std::vector<std::string>{c.field})
        << c.field << " " << nlohmann::json(c.value);
  }
}

TEST_F(HotlinesHttpTest, MembersReadAdminsWriteOthersSeeNothing) {
  const std::int64_t id = Create(Pat(ann_token_), Draft(org_a_)).Json()["id"];
  const std::string path = "/v1/hotlines/" + Str(id);
  EXPECT_EQ(client_->Get(path, {Pat(max_token_)}).status, 200);
  EXPECT_EQ(client_->Get(ListPath(org_a_), {Pat(max_token_)}).status, 200);
  ExpectProblem(Create(Pat(max_token_), Draft(org_a_)), 403);
  ExpectProblem(client_->SendJson("PUT", path, {Pat(max_token_)}, Draft(org_a_).dump()), 403);
  ExpectProblem(client_->Send("DELETE", path, {Pat(max_token_)}), 403);
  for (const std::string& outsider : {Pat(bea_token_), Api(org_b_token_)}) {
    const auto hidden = ExpectProblem(client_->Get(path, {outsider}), 404);
    EXPECT_EQ(hidden.dump().find("Notruf"), std::string::npos);
    ExpectProblem(client_->SendJson("PUT", path, {outsider}, Draft(org_a_).dump()), 404);
    ExpectProblem(client_->Send("DELETE", path, {outsider}), 404);
    ExpectProblem(client_->Get(ListPath(org_a_), {outsider}), 403);
    ExpectProblem(Create(outsider, Draft(org_a_)), 404);
  }
  ExpectProblem(client_->Get(path), 401);
}

TEST_F(HotlinesHttpTest, PaginationEdges) {
  for (int i = 0; i < 3; ++i) ASSERT_EQ(Create(Pat(ann_token_), Draft(org_a_)).status, 201);
  const auto first = client_->Get(ListPath(org_a_, "&limit=2"), {Pat(ann_token_)});
  auto page = first.Json();
  EXPECT_EQ(first.body, page.dump()) << "compact, members in sorted order";
  EXPECT_EQ(page["totalHotlines"], 3);
  ASSERT_EQ(page["hotlines"].size(), 2u);
  auto rest = client_->Get(ListPath(org_a_, "&limit=2&offset=2"), {Pat(ann_token_)}).Json();
  ASSERT_EQ(rest["hotlines"].size(), 1u);
  EXPECT_GT(rest["hotlines"][0]["id"], page["hotlines"][1]["id"]);
  auto beyond = client_->Get(ListPath(org_a_, "&offset=99"), {Pat(ann_token_)}).Json();
  EXPECT_TRUE(beyond["hotlines"].empty());
  EXPECT_EQ(beyond["totalHotlines"], 3);
  EXPECT_EQ(client_->Get(ListPath(org_a_), {Pat(ann_token_)}).Json()["hotlines"].size(), 3u);
  EXPECT_EQ(client_->Get(ListPath(org_a_, "&limit=50"), {Pat(ann_token_)}).status, 200);
  for (const char* bad : {"&limit=0", "&limit=51", "&limit=-1", "&limit=x", "&offset=-1",
                          "&offset=1.5"}) {
    ExpectProblem(client_->Get(ListPath(org_a_, bad), {Pat(ann_token_)}), 400);
  }
  ExpectProblem(client_->Get("/v1/hotlines", {Pat(ann_token_)}), 400);
  const auto empty = client_->Get(ListPath(org_b_), {Pat(bea_token_)}).Json();
  EXPECT_EQ(empty, nlohmann::json({{"hotlines", nlohmann::json::array()}, {"totalHotlines", 0}}));
}

TEST_F(HotlinesHttpTest, UpdateHonoursIfMatchAndPauses) {
  const auto created = Create(Pat(ann_token_), Draft(org_a_, {max_}));
  const std::string path = "/v1/hotlines/" + Str(created.Json()["id"].get<std::int64_t>());
  // Once active, nothing but this test changes the hotline, so its ETag stays put.
  const std::string etag =
      WaitForStatus(created.Json()["id"].get<std::int64_t>(), "active").Header("etag");
  EXPECT_NE(etag, created.Header("etag"));  // provisioning changed the version
  auto body = Draft(org_a_, {ann_});
  body["isActive"] = false;
  body["name"] = "Paused line";
  const auto updated = client_->SendJson("PUT", path, {Pat(ann_token_), "If-Match: " + etag}, body.dump());
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_EQ(updated.Json()["status"], "paused");
  EXPECT_EQ(updated.Json()["number"], created.Json()["number"]);  // kept while paused
  EXPECT_EQ(updated.Json()["agents"], nlohmann::json({ann_}));
  EXPECT_NE(updated.Header("etag"), etag);
  // The old ETag is stale now.
  ExpectProblem(client_->SendJson("PUT", path, {Pat(ann_token_), "If-Match: " + etag}, body.dump()), 412);
  ExpectProblem(client_->Send("DELETE", path, {Pat(ann_token_), "If-Match: " + etag}), 412);
  ExpectProblem(client_->SendJson("PUT", path, {Pat(ann_token_), "If-Match: garbage"}, body.dump()), 412);
  EXPECT_EQ(client_->SendJson("PUT", path, {Pat(ann_token_), "If-Match: *"}, body.dump()).status, 200);
  body["isActive"] = true;
  EXPECT_EQ(client_->SendJson("PUT", path, {Pat(ann_token_)}, body.dump()).Json()["status"], "created");
  auto moved = body;
  moved["organizationID"] = org_b_;
  EXPECT_EQ(ErrorFields(ExpectProblem(client_->SendJson("PUT", path, {Pat(ann_token_)}, moved.dump()), 400)),
            std::vector<std::string>{"organizationID"});
  auto other_id = body;
  other_id["id"] = 424242;
  ExpectProblem(client_->SendJson("PUT", path, {Pat(ann_token_)}, other_id.dump()), 400);
  ExpectProblem(client_->SendJson("PUT", "/v1/hotlines/424242", {Pat(ann_token_)}, body.dump()), 404);
}

TEST_F(HotlinesHttpTest, NumbersRunOutAndDeletedOnesAreQuarantined) {
  std::vector<std::int64_t> ids;
  std::set<std::string> numbers;
  for (int i = 0; i < 5; ++i) {
    const auto created = Create(Pat(ann_token_), Draft(org_a_));
    ASSERT_EQ(created.status, 201) << created.body;
    ids.push_back(created.Json()["id"]);
    numbers.insert(created.Json()["number"].get<std::string>());
  }
  EXPECT_EQ(numbers.size(), 5u);
  const auto exhausted = ExpectProblem(Create(Pat(ann_token_), Draft(org_a_)), 409);
  EXPECT_NE(exhausted["detail"].get<std::string>().find("achen, DE"), std::string::npos);
  // Deleting releases the number into quarantine, not back to the pool.
  ASSERT_EQ(client_->Send("DELETE", "/v1/hotlines/" + Str(ids[0]), {Pat(ann_token_)}).status, 204);
  ExpectProblem(client_->Get("/v1/hotlines/" + Str(ids[0]), {Pat(ann_token_)}), 404);
  ExpectProblem(Create(Pat(ann_token_), Draft(org_a_)), 409);
  const auto inventory = server_.Admin({"numbers", "list"});
  int quarantined = 0;
  for (const auto& number : inventory["numbers"]) quarantined += number["state"] == "quarantined";
  EXPECT_EQ(quarantined, 1);
}

TEST_F(HotlinesHttpTest, ConcurrentCreatesNeverShareANumber) {
  std::vector<std::future<HttpResult>> results;
  for (int i = 0; i < 5; ++i) {
    results.push_back(std::async(std::launch::async, [this] {
      HttpClient client(server_.base_url());
      return client.SendJson("POST", "/v1/hotlines", {Pat(ann_token_)}, Draft(org_a_).dump());
    }));
  }
  std::set<std::string> numbers;
  for (auto& result : results) {
    const auto response = result.get();
    ASSERT_EQ(response.status, 201) << response.body;
    numbers.insert(response.Json()["number"].get<std::string>());
  }
  EXPECT_EQ(numbers.size(), 5u);
}

TEST_F(HotlinesHttpTest, HotlineLimitPerOrganization) {
  ASSERT_EQ(server_.Stop(), 0);
  server_.Start({"--max-hotlines", "2"});
  client_ = std::make_unique<HttpClient>(server_.base_url());
  EXPECT_EQ(Create(Pat(ann_token_), Draft(org_a_)).status, 201);
  EXPECT_EQ(Create(Pat(ann_token_), Draft(org_a_)).status, 201);
  ExpectProblem(Create(Pat(ann_token_), Draft(org_a_)), 409);
}

// Read twice first, so that the server holds the hotline in memory (decision 0084): the admin
// command's change, from another process, must still show on the very next request.
TEST_F(HotlinesHttpTest, RemovedMemberLeavesTheOrganizationsHotlines) {
  const std::int64_t id = Create(Pat(ann_token_), Draft(org_a_, {ann_, max_})).Json()["id"];
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(client_->Get("/v1/hotlines/" + Str(id), {Pat(ann_token_)}).Json()["agents"],
              nlohmann::json({ann_, max_}));
  }
  server_.Admin({"member", "remove", "--org", Str(org_a_), "--user", Str(max_)});
  EXPECT_EQ(client_->Get("/v1/hotlines/" + Str(id), {Pat(ann_token_)}).Json()["agents"],
            nlohmann::json({ann_}));
}

// A page of the list is served from memory while nothing was committed (decision 0085). Each
// page is read twice first, so that the server holds it: a change by the admin command, from
// another process, must still show on the very next request, and one organisation's page is
// never another's. Paused hotlines, so that no provisioning commits in between.
TEST_F(HotlinesHttpTest, ListPagesShowAnotherProcesssChangeAtOnceAndNeverCrossOrganizations) {
  RegisterCustomer(org_b_, Pat(bea_token_));
  auto draft = Draft(org_a_, {ann_, max_});
  draft["isActive"] = false;
  const std::int64_t own = Create(Pat(ann_token_), draft).Json()["id"];
  draft = Draft(org_b_, {bea_});
  draft["isActive"] = false;
  draft["name"] = "Seelsorge";
  const std::int64_t other = Create(Pat(bea_token_), draft).Json()["id"];
  const auto list = [&](std::int64_t organization, const std::string& header) {
    return client_->Get(ListPath(organization, "&limit=50"), {header});
  };
  for (int i = 0; i < 2; ++i) {
    const auto page = list(org_a_, Pat(max_token_)).Json();
    EXPECT_EQ(page["totalHotlines"], 1);
    ASSERT_EQ(page["hotlines"].size(), 1u);
    EXPECT_EQ(page["hotlines"][0]["id"], own);
    EXPECT_EQ(page["hotlines"][0]["agents"], nlohmann::json({ann_, max_}));
  }
  for (int i = 0; i < 2; ++i) {
    const auto page = list(org_b_, Pat(bea_token_)).Json();
    EXPECT_EQ(page["totalHotlines"], 1);
    ASSERT_EQ(page["hotlines"].size(), 1u);
    EXPECT_EQ(page["hotlines"][0]["id"], other);
    EXPECT_EQ(page["hotlines"][0]["name"], "Seelsorge");
  }
  // The page held for organisation A is not served to anyone outside it.
  for (const std::string& outsider : {Pat(bea_token_), Api(org_b_token_)}) {
    const auto refused = ExpectProblem(list(org_a_, outsider), 403);
    EXPECT_EQ(refused.dump().find("Notruf"), std::string::npos);
  }
  server_.Admin({"member", "remove", "--org", Str(org_a_), "--user", Str(max_)});
  ExpectProblem(list(org_a_, Pat(max_token_)), 403);
  EXPECT_EQ(list(org_a_, Pat(ann_token_)).Json()["hotlines"][0]["agents"],
            nlohmann::json({ann_}));
  EXPECT_EQ(list(org_b_, Pat(bea_token_)).Json()["hotlines"][0]["agents"],
            nlohmann::json({bea_}));
}

TEST_F(HotlinesHttpTest, AdminNumbersRejectsBadBlocks) {
  std::string output;
  EXPECT_EQ(server_.AdminRaw({"numbers", "add", "--country", "DE", "--city", "Aachen", "--from",
                              "004924155660000", "--to", "004924155660001"}, output), 1);
  EXPECT_EQ(nlohmann::json::parse(output)["error"], "already_exists");
  EXPECT_EQ(server_.AdminRaw({"numbers", "add", "--country", "FR", "--city", "Paris", "--from",
                              "004924155661000", "--to", "004924155661001"}, output), 1);
  EXPECT_EQ(server_.AdminRaw({"numbers", "add", "--country", "DE", "--city", "Aachen", "--from",
                              "004924155669000", "--to", "004924155668000"}, output), 1);
  EXPECT_EQ(server_.AdminRaw({"numbers", "add", "--country", "DE", "--city", "Aachen", "--from",
                              "nonsense", "--to", "004924155668000"}, output), 1);
}

TEST_F(HotlinesHttpTest, IfMatchTakesAListOfStrongTagsOrStar) {
  const auto created = Create(Pat(ann_token_), Draft(org_a_));
  const std::int64_t id = created.Json()["id"];
  const std::string path = "/v1/hotlines/" + Str(id);
  // Once active, nothing but this test changes the hotline, so its ETag changes only here.
  std::string etag = WaitForStatus(id, "active").Header("etag");
  ASSERT_FALSE(etag.empty());
  const auto put = [&](const std::vector<std::string>& if_match) {
    std::vector<std::string> headers = {Pat(ann_token_)};
    for (const auto& value : if_match) headers.push_back("If-Match: " + value);
    return client_->SendJson("PUT", path, headers, Draft(org_a_).dump());
  };
  ExpectProblem(put({"\"998\", \"999\""}), 412);
  ExpectProblem(put({"W/" + etag + ", \"999\""}), 412);  // weak tags never match
  ExpectProblem(put({"\"999\", " + etag + " garbage"}), 412);  // nor does a malformed list
  auto updated = put({"\"999\", " + etag});
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_NE(updated.Header("etag"), etag);
  etag = updated.Header("etag");
  updated = put({"\"999\"", etag});  // the list may span several header lines
  ASSERT_EQ(updated.status, 200) << updated.body;
  etag = updated.Header("etag");
  EXPECT_EQ(put({"*"}).status, 200) << "`*` matches the hotline that exists";
  ExpectProblem(
      client_->Send("DELETE", path, {Pat(ann_token_), "If-Match: \"998\", \"999\""}), 412);
  // A member who may read the hotline still may not write it, whatever the tags say.
  ExpectProblem(client_->SendJson("PUT", path, {Pat(max_token_), "If-Match: \"1\", \"2\""},
                                  Draft(org_a_).dump()),
                403);
  const std::string current = client_->Get(path, {Pat(ann_token_)}).Header("etag");
  const auto deleted =
      client_->Send("DELETE", path, {Pat(ann_token_), "If-Match: \"999\", " + current});
  EXPECT_EQ(deleted.status, 204);
  ExpectProblem(put({"*"}), 404);
}

// Issue 15's fields (decisions 0042, 0043, 0044): defaults that keep today's clients working,
// a round trip in canonical form, and every bad field at once.
TEST_F(HotlinesHttpTest, LanguageScheduleAndCallerRulesHaveDefaultsAndRoundTrip) {
  const auto plain = Create(Api(org_a_token_), Draft(org_a_));
  ASSERT_EQ(plain.status, 201) << plain.body;
  EXPECT_EQ(plain.Json()["language"], "en") << "--tts-voice en";
  EXPECT_TRUE(plain.Json()["schedule"].is_null());
  const nlohmann::json message_fallback = {
      {"action", "message"}, {"forwardTo", ""}, {"maxSeconds", 120}, {"ttsVoicemail", ""}};
  EXPECT_EQ(plain.Json()["closed"], message_fallback);
  EXPECT_EQ(plain.Json()["noAnswer"], message_fallback);
  EXPECT_EQ(plain.Json()["rejectAnonymous"], false);
  EXPECT_EQ(plain.Json()["ttsClosed"], "");

  nlohmann::json draft = Draft(org_a_);
  draft["language"] = "DE-at";
  draft["rejectAnonymous"] = true;
  draft["ttsClosed"] = "Wir sind geschlossen.";
  draft["closed"] = {{"action", "message"}};
  draft["schedule"] = {{"timeZone", "America/New_York"},
                       {"weekly", {{{"day", "fri"}, {"from", "22:00"}, {"to", "06:00"}},
                                   {{"day", "sun"}, {"from", "00:00"}, {"to", "24:00"}}}},
                       {"closedDates", {"2026-12-31", "2026-12-24", "2026-12-31"}}};
  const auto created = Create(Api(org_a_token_), draft);
  ASSERT_EQ(created.status, 201) << created.body;
  const auto read = client_->Get("/v1/hotlines/" + Str(created.Json()["id"]), {Pat(ann_token_)});
  const nlohmann::json hotline = read.Json();
  EXPECT_EQ(hotline["language"], "de-AT");
  EXPECT_EQ(hotline["rejectAnonymous"], true);
  EXPECT_EQ(hotline["ttsClosed"], "Wir sind geschlossen.");
  EXPECT_EQ(hotline["schedule"],
            nlohmann::json({{"closedDates", {"2026-12-24", "2026-12-31"}},
                            {"timeZone", "America/New_York"},
                            {"weekly", {{{"day", "fri"}, {"from", "22:00"}, {"to", "06:00"}},
                                        {{"day", "sun"}, {"from", "00:00"}, {"to", "24:00"}}}}}));
  // A full replacement without the fields drops them again.
  nlohmann::json replaced = Draft(org_a_);
  const auto updated = client_->SendJson("PUT", "/v1/hotlines/" + Str(created.Json()["id"]),
                                         {Api(org_a_token_)}, replaced.dump());
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_TRUE(updated.Json()["schedule"].is_null());
  EXPECT_EQ(updated.Json()["language"], "en");
}

TEST_F(HotlinesHttpTest, AnUnknownZoneOrLanguageIs400WithEveryBadField) {
  nlohmann::json draft = Draft(org_a_);
  draft["name"] = "";
  draft["language"] = "xx-YY";
  draft["closed"] = {{"action", "voice-mail"}};
  draft["schedule"] = {{"timeZone", "Europe/Aachen"},
                       {"weekly", {{{"day", "mon"}, {"from", "18:00"}, {"to", "18:00"}},
                                   {{"day", "monday"}, {"from", 18}, {"to", "23:30"}}}},
                       {"closedDates", {"2026-02-29"}}};
  const auto refused = Create(Api(org_a_token_), draft);
  ASSERT_EQ(refused.status, 400) << refused.body;
  const nlohmann::json problem = refused.Json();
  std::set<std::string> fields;
  for (const auto& error : problem["errors"]) fields.insert(error["field"]);
  EXPECT_EQ(fields, (std::set<std::string>{"name", "language", "closed.action",
                                           "schedule.timeZone", "schedule.weekly[0].to",
                                           "schedule.weekly[1].day", "schedule.weekly[1].from",
                                           "schedule.closedDates[0]"}))
      << refused.body;
  draft = Draft(org_a_);
  draft["schedule"] = "always";
  EXPECT_EQ(Create(Api(org_a_token_), draft).status, 400);
}

// noAnswer and closed (decision 0054): voicemail and forward with their fields round-trip,
// every bad field of both is named at once, and a forward to a hotline number is refused.
TEST_F(HotlinesHttpTest, FallbacksRoundTripAndAreValidatedLikeAgentPhones) {
  nlohmann::json draft = Draft(org_a_);
  draft["noAnswer"] = {{"action", "voicemail"}, {"ttsVoicemail", "Bitte sprechen Sie."},
                       {"maxSeconds", 30}};
  draft["closed"] = {{"action", "forward"}, {"forwardTo", "+49 30 1234567"}};
  const auto created = Create(Api(org_a_token_), draft);
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string path = "/v1/hotlines/" + Str(created.Json()["id"]);
  const nlohmann::json read = client_->Get(path, {Pat(ann_token_)}).Json();
  EXPECT_EQ(read["noAnswer"], nlohmann::json({{"action", "voicemail"},
                                              {"forwardTo", ""},
                                              {"maxSeconds", 30},
                                              {"ttsVoicemail", "Bitte sprechen Sie."}}));
  EXPECT_EQ(read["closed"], nlohmann::json({{"action", "forward"},
                                            {"forwardTo", "0049301234567"},
                                            {"maxSeconds", 120},
                                            {"ttsVoicemail", ""}}));

  nlohmann::json bad = Draft(org_a_);
  bad["noAnswer"] = {{"action", "forward"}, {"forwardTo", "+49 900 1234567"}, {"maxSeconds", 9},
                     {"ttsVoicemail", 7}};
  bad["closed"] = {{"action", "forward"}, {"maxSeconds", "long"}};
  const auto refused = client_->SendJson("PUT", path, {Api(org_a_token_)}, bad.dump());
  ASSERT_EQ(refused.status, 400) << refused.body;
  EXPECT_EQ(refused.Header("content-type"), "application/problem+json");
  const nlohmann::json problem = refused.Json();
  std::set<std::string> fields;
  for (const auto& error : problem["errors"]) fields.insert(error["field"]);
  EXPECT_EQ(fields, (std::set<std::string>{"noAnswer.forwardTo", "noAnswer.maxSeconds",
                                           "noAnswer.ttsVoicemail", "closed.forwardTo",
                                           "closed.maxSeconds"}))
      << refused.body;

  // The service's own number would make the call come back in through the trunk.
  nlohmann::json loop = Draft(org_a_);
  loop["noAnswer"] = {{"action", "forward"}, {"forwardTo", read["number"]}};
  const auto looped = client_->SendJson("PUT", path, {Api(org_a_token_)}, loop.dump());
  ASSERT_EQ(looped.status, 400) << looped.body;
  EXPECT_EQ(looped.Json()["errors"][0]["field"], "noAnswer.forwardTo");
  EXPECT_EQ(Create(Api(org_a_token_), loop).status, 400);
}

// A fallback number may be someone's own phone (decision 0075): admins and the API token read
// it; a member reads the hotline, one at a time and in the list, with forwardTo empty.
TEST_F(HotlinesHttpTest, OnlyAdminsReadTheFallbackNumbers) {
  nlohmann::json draft = Draft(org_a_);
  draft["noAnswer"] = {{"action", "forward"}, {"forwardTo", "+49 151 23456789"}};
  draft["closed"] = {{"action", "forward"}, {"forwardTo", "+49 30 1234567"}};
  const auto created = Create(Api(org_a_token_), draft);
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string path = "/v1/hotlines/" + Str(created.Json()["id"]);
  for (const std::string& admin : {Pat(ann_token_), Api(org_a_token_)}) {
    const nlohmann::json read = client_->Get(path, {admin}).Json();
    EXPECT_EQ(read["noAnswer"]["forwardTo"], "004915123456789");
    EXPECT_EQ(read["closed"]["forwardTo"], "0049301234567");
    EXPECT_EQ(client_->Get(ListPath(org_a_), {admin}).Json()["hotlines"][0]["closed"]["forwardTo"],
              "0049301234567");
  }
  const auto one = client_->Get(path, {Pat(max_token_)});
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(one.Json()["noAnswer"], nlohmann::json({{"action", "forward"},
                                                    {"forwardTo", ""},
                                                    {"maxSeconds", 120},
                                                    {"ttsVoicemail", ""}}));
  EXPECT_EQ(one.Json()["closed"]["forwardTo"], "");
  const auto list = client_->Get(ListPath(org_a_), {Pat(max_token_)});
  ASSERT_EQ(list.status, 200) << list.body;
  for (const char* digits : {"23456789", "1234567"}) {
    EXPECT_EQ(one.body.find(digits), std::string::npos) << one.body;
    EXPECT_EQ(list.body.find(digits), std::string::npos) << list.body;
  }
}

// Decision 0093: a list page's JSON is held, but by the page as each reader may see it. An
// admin and a member reading the same page in turn, again and again, each get their own body,
// and a change is in the next body of both.
TEST_F(HotlinesHttpTest, AnAdminAndAMemberReadingOnePageInTurnGetTheirOwnBodies) {
  nlohmann::json draft = Draft(org_a_);
  draft["closed"] = {{"action", "forward"}, {"forwardTo", "+49 30 1234567"}};
  const auto created = Create(Api(org_a_token_), draft);
  ASSERT_EQ(created.status, 201) << created.body;
  const auto read_in_turn = [&](const std::string& forward_digits) {
    for (int round = 0; round < 3; ++round) {
      for (const std::string& admin : {Pat(ann_token_), Api(org_a_token_)}) {
        const auto page = client_->Get(ListPath(org_a_), {admin});
        ASSERT_EQ(page.status, 200) << page.body;
        EXPECT_EQ(page.Json()["hotlines"][0]["closed"]["forwardTo"], "0049" + forward_digits);
      }
      const auto page = client_->Get(ListPath(org_a_), {Pat(max_token_)});
      ASSERT_EQ(page.status, 200) << page.body;
      EXPECT_EQ(page.Json()["hotlines"][0]["closed"]["forwardTo"], "");
      EXPECT_EQ(page.body.find(forward_digits), std::string::npos) << page.body;
    }
  };
  read_in_turn("301234567");
  draft["closed"]["forwardTo"] = "+49 30 7654321";
  const std::string path = "/v1/hotlines/" + Str(created.Json()["id"]);
  ASSERT_EQ(client_->SendJson("PUT", path, {Api(org_a_token_)}, draft.dump()).status, 200);
  read_in_turn("307654321");
}

// Decision 0077: a block that expired leaves the list at once, and the retention pass (hourly,
// and at start) deletes it, number and all.
TEST_F(HotlinesHttpTest, AnExpiredBlockIsNotListedAndIsPurged) {
  const std::string path = "/v1/organizations/" + Str(org_a_) + "/blocked-callers";
  // Whole seconds, 1.5 to 2.5 s from now.
  const std::time_t seconds = std::chrono::system_clock::to_time_t(
      std::chrono::system_clock::now() + std::chrono::milliseconds(2500));
  const auto expiry = std::chrono::system_clock::from_time_t(seconds);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&seconds));
  const auto expiring = client_->SendJson(
      "POST", path, {Api(org_a_token_)},
      nlohmann::json({{"number", "+49 30 1111111"}, {"expiresAt", text}}).dump());
  ASSERT_EQ(expiring.status, 201) << expiring.body;
  ASSERT_EQ(client_
                ->SendJson("POST", path, {Api(org_a_token_)},
                           nlohmann::json({{"number", "+49 30 2222222"}}).dump())
                .status,
            201);
  EXPECT_EQ(client_->Get(path, {Api(org_a_token_)}).Json()["totalBlockedCallers"], 2);
  std::this_thread::sleep_until(expiry + std::chrono::milliseconds(100));
  const auto page = client_->Get(path, {Api(org_a_token_)});
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(page.Json()["totalBlockedCallers"], 1) << page.body;
  ASSERT_EQ(page.Json()["blockedCallers"].size(), 1u) << page.body;
  EXPECT_EQ(page.Json()["blockedCallers"][0]["number"], "0049302222222");

  // The retention pass runs at start: the expired block is gone, the other one stays.
  ASSERT_EQ(server_.Stop(), 0);
  server_.Start(ExtraServerArgs());
  client_ = std::make_unique<HttpClient>(server_.base_url());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (server_.Stderr().find("deleted 1 blocked caller(s)") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_NE(server_.Stderr().find("deleted 1 blocked caller(s)"), std::string::npos)
      << server_.Stderr();
  EXPECT_EQ(client_->Send("DELETE", path + "/" + Str(expiring.Json()["id"]), {Api(org_a_token_)})
                .status,
            404);
  EXPECT_EQ(client_->Get(path, {Api(org_a_token_)}).Json()["totalBlockedCallers"], 1);
}

TEST_F(HotlinesHttpTest, TheBlocklistIsForAdminsAndTheApiToken) {
  const std::string path = "/v1/organizations/" + Str(org_a_) + "/blocked-callers";
  const nlohmann::json block = {{"number", "+49 (30) 123-4567"}, {"note", "threats"},
                                {"expiresAt", "2099-01-01T01:00:00+01:00"}};
  EXPECT_EQ(client_->SendJson("POST", path, {Pat(max_token_)}, block.dump()).status, 403);
  EXPECT_EQ(client_->SendJson("POST", path, {Pat(bea_token_)}, block.dump()).status, 404);
  EXPECT_EQ(client_->SendJson("POST", path, {Api(org_b_token_)}, block.dump()).status, 404);
  const auto created = client_->SendJson("POST", path, {Api(org_a_token_)}, block.dump());
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.Json()["number"], "0049301234567");
  EXPECT_EQ(created.Json()["expiresAt"], "2099-01-01T00:00:00.000Z");
  EXPECT_EQ(client_->SendJson("POST", path, {Pat(ann_token_)}, block.dump()).status, 409);
  const auto page = client_->Get(path, {Pat(ann_token_)});
  ASSERT_EQ(page.status, 200);
  EXPECT_EQ(page.Json()["totalBlockedCallers"], 1);
  EXPECT_EQ(page.Json()["blockedCallers"][0]["note"], "threats");
  EXPECT_EQ(client_->Get(path, {Pat(max_token_)}).status, 403);

  const auto bad = client_->SendJson(
      "POST", path, {Api(org_a_token_)},
      nlohmann::json({{"number", "+49 900 1"}, {"note", 5}, {"expiresAt", "tomorrow"}}).dump());
  ASSERT_EQ(bad.status, 400);
  const nlohmann::json problem = bad.Json();
  std::set<std::string> fields;
  for (const auto& error : problem["errors"]) fields.insert(error["field"]);
  EXPECT_EQ(fields, (std::set<std::string>{"number", "note", "expiresAt"})) << bad.body;
  const auto past = client_->SendJson(
      "POST", path, {Api(org_a_token_)},
      nlohmann::json({{"number", "+49 30 7654321"}, {"expiresAt", "2020-01-01T00:00:00Z"}}).dump());
  EXPECT_EQ(past.status, 400) << past.body;

  const std::string one = path + "/" + Str(created.Json()["id"]);
  EXPECT_EQ(client_->SendJson("DELETE", one, {Pat(max_token_)}, "").status, 403);
  EXPECT_EQ(client_->SendJson("DELETE", one, {Pat(ann_token_)}, "").status, 204);
  EXPECT_EQ(client_->SendJson("DELETE", one, {Pat(ann_token_)}, "").status, 404);
}

}  // namespace
}  // namespace fr::testing
