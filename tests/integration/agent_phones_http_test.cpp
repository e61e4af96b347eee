// /v1/agent-phones through the real binary: the specification's fields, every authorisation
// path of the contract, validation and the toll-fraud guard.
#include "integration/world.hpp"

namespace fr::testing {
namespace {

class AgentPhonesHttpTest : public WorldTest {
 protected:
  HttpResult CreatePhone(const std::string& token_header, std::int64_t owner,
                         const std::string& phone, const std::string& query = "",
                         const std::string& name = "Mobile") {
    const nlohmann::json body = {{"isActive", true}, {"name", name}, {"phone", phone},
                                 {"userID", owner}};
    return client_->SendJson("POST", "/v1/agent-phones" + query, {token_header}, body.dump());
  }
  std::int64_t MaxPhone() {
    const auto created = CreatePhone(Pat(max_token_), max_, "+49 151 12345678");
    EXPECT_EQ(created.status, 201) << created.body;
    return created.Json()["id"];
  }
  std::string ViaA() { return "?organization_id=" + Str(org_a_); }
  std::string ListPath(std::int64_t owner, const std::string& extra = "") {
    return "/v1/agent-phones?owner_id=" + Str(owner) + extra;
  }
};

TEST_F(AgentPhonesHttpTest, OwnerCreatesListsUpdatesAndDeletes) {
  auto created = CreatePhone(Pat(max_token_), max_, "+49 (241) 556-60", "", "Desk");
  ASSERT_EQ(created.status, 201) << created.body;
  const auto phone = created.Json();
  EXPECT_EQ(phone["phone"], "004924155660");
  EXPECT_EQ(phone["name"], "Desk");
  EXPECT_EQ(phone["isActive"], true);
  EXPECT_EQ(phone["userID"], max_);
  const std::int64_t id = phone["id"];
  EXPECT_EQ(created.Header("location"), "/v1/agent-phones/" + Str(id));

  // Exactly the specification's fields, as the served OpenAPI document names them.
  const auto schema = client_->Get("/openapi.json").Json()["components"]["schemas"]["AgentPhone"];
  std::set<std::string> documented, returned;
  for (const auto& [key, value] : schema["properties"].items()) documented.insert(key);
  for (const auto& [key, value] : phone.items()) returned.insert(key);
  EXPECT_EQ(returned, documented);

  auto listed = client_->Get(ListPath(max_), {Pat(max_token_)});
  ASSERT_EQ(listed.status, 200);
  ASSERT_EQ(listed.Json().size(), 1u);
  EXPECT_EQ(listed.Json()[0], phone);

  // A new phone is pending (decision 0069); clients cannot set the verification.
  EXPECT_EQ(phone["verification"], "pending");
  auto updated = client_->SendJson("PUT", "/v1/agent-phones/" + Str(id), {Pat(max_token_)},
                                   nlohmann::json({{"isActive", false},
                                                   {"name", "Desk 2"},
                                                   {"phone", "0049 241 55661"},
                                                   {"userID", max_},
                                                   {"id", id},
                                                   {"verification", "verified"}})
                                       .dump());
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_EQ(updated.Json()["verification"], "pending");
  EXPECT_EQ(updated.Json()["phone"], "004924155661");
  EXPECT_EQ(updated.Json()["isActive"], false);
  EXPECT_EQ(client_->Get(ListPath(max_), {Pat(max_token_)}).Json()[0]["name"], "Desk 2");

  EXPECT_EQ(client_->Send("DELETE", "/v1/agent-phones/" + Str(id), {Pat(max_token_)}).status, 204);
  EXPECT_TRUE(client_->Get(ListPath(max_), {Pat(max_token_)}).Json().empty());
  ExpectProblem(client_->Send("DELETE", "/v1/agent-phones/" + Str(id), {Pat(max_token_)}), 404);
}

TEST_F(AgentPhonesHttpTest, ConsentingOwnersPhonesAreManagedByTheOrganizationsAdmins) {
  // Max is a member of A and allows admin access: Ann (admin of A) and A's API token may act.
  for (const std::string& admin : {Pat(ann_token_), Api(org_a_token_), Bearer(org_a_token_)}) {
    auto created = CreatePhone(admin, max_, "+4915112345678", ViaA());
    ASSERT_EQ(created.status, 201) << created.body;
    const std::string path = "/v1/agent-phones/" + Str(created.Json()["id"].get<std::int64_t>());
    EXPECT_EQ(client_->Get(ListPath(max_, "&organization_id=" + Str(org_a_)), {admin}).Json().size(),
              1u);
    auto updated = client_->SendJson(
        "PUT", path + ViaA(), {admin},
        nlohmann::json({{"isActive", false}, {"name", "n"}, {"phone", "+4915112345679"},
                        {"userID", max_}})
            .dump());
    ASSERT_EQ(updated.status, 200) << updated.body;
    const nlohmann::json expected = {
        {"id", created.Json()["id"]}, {"isActive", false}, {"name", "n"},
        {"phone", "004915112345679"}, {"userID", max_},    {"verification", "pending"}};
    EXPECT_EQ(updated.Json(), expected);
    // Max himself sees what the admin wrote.
    EXPECT_EQ(client_->Get(ListPath(max_), {Pat(max_token_)}).Json(), nlohmann::json::array({expected}));
    const auto deleted = client_->Send("DELETE", path + ViaA(), {admin});
    EXPECT_EQ(deleted.status, 204);
    EXPECT_TRUE(deleted.body.empty());
    EXPECT_EQ(client_->Get(ListPath(max_), {Pat(max_token_)}).Json(), nlohmann::json::array());
  }
}

TEST_F(AgentPhonesHttpTest, WithoutConsentOrMembershipAdminsSeeNothing) {
  const std::int64_t max_phone = MaxPhone();
  const auto ann_phone = CreatePhone(Pat(ann_token_), ann_, "+4924155660").Json();
  const auto max_phones_before = client_->Get(ListPath(max_), {Pat(max_token_)}).Json();
  const auto ann_phones_before = client_->Get(ListPath(ann_), {Pat(ann_token_)}).Json();
  const std::string max_phone_path = "/v1/agent-phones/" + Str(max_phone);
  const std::string body =
      nlohmann::json({{"isActive", true}, {"name", "x"}, {"phone", "+4924155661"}, {"userID", max_}})
          .dump();
  struct Case {
    std::string who;
    std::string header;
    std::string via;
  };
  const std::vector<Case> denied = {
      {"admin without organization_id", Pat(ann_token_), ""},
      {"admin of another organization, via A", Pat(bea_token_), ViaA()},
      {"admin of another organization, via it", Pat(bea_token_), "?organization_id=" + Str(org_b_)},
      {"other organization's token, via A", Api(org_b_token_), ViaA()},
      {"other organization's token, via B", Api(org_b_token_), "?organization_id=" + Str(org_b_)},
      {"organization_id that does not exist", Pat(ann_token_), "?organization_id=987654"},
  };
  for (const auto& c : denied) {
    const std::string query = c.via.empty() ? "" : "&" + c.via.substr(1);
    auto listed = client_->Get(ListPath(max_, query), {c.header});
    ExpectProblem(listed, 403);
    EXPECT_EQ(listed.body.find("4915112345678"), std::string::npos) << c.who;
    ExpectProblem(CreatePhone(c.header, max_, "+4924155662", c.via), 403);
    auto put = client_->SendJson("PUT", max_phone_path + c.via, {c.header}, body);
    ExpectProblem(put, 404);
    EXPECT_EQ(put.body.find("4915112345678"), std::string::npos) << c.who;
    ExpectProblem(client_->Send("DELETE", max_phone_path + c.via, {c.header}), 404);
  }
  // Ann (an admin of A) has not consented: A's token may not touch her phones.
  ExpectProblem(client_->Get(ListPath(ann_, "&organization_id=" + Str(org_a_)), {Api(org_a_token_)}),
                403);
  ExpectProblem(client_->Send("DELETE", "/v1/agent-phones/" + Str(ann_phone["id"].get<std::int64_t>()) + ViaA(),
                              {Api(org_a_token_)}),
                404);
  // A member never manages another member's phones, consent or not.
  ExpectProblem(client_->Get(ListPath(ann_, "&organization_id=" + Str(org_a_)), {Pat(max_token_)}),
                403);
  // And nothing without a token.
  ExpectProblem(client_->Get(ListPath(max_)), 401);
  // Every phone is still there, untouched: same fields, nothing added.
  EXPECT_EQ(client_->Get(ListPath(max_), {Pat(max_token_)}).Json(), max_phones_before);
  EXPECT_EQ(client_->Get(ListPath(ann_), {Pat(ann_token_)}).Json(), ann_phones_before);
  EXPECT_EQ(max_phones_before.size(), 1u);
}

TEST_F(AgentPhonesHttpTest, WithdrawnConsentTakesEffectOnTheNextRequest) {
  MaxPhone();
  const std::string admin_list = ListPath(max_, "&organization_id=" + Str(org_a_));
  EXPECT_EQ(client_->Get(admin_list, {Pat(ann_token_)}).status, 200);
  ASSERT_EQ(client_->SendJson("PUT", "/v1/me/organizations/" + Str(org_a_), {Pat(max_token_)},
                              R"({"allowAdminAccess": false})")
                .status,
            200);
  ExpectProblem(client_->Get(admin_list, {Pat(ann_token_)}), 403);
  ExpectProblem(client_->Get(admin_list, {Api(org_a_token_)}), 403);
}

TEST_F(AgentPhonesHttpTest, RemovedMemberIsOutOfReachOfFormerAdmins) {
  MaxPhone();
  server_.Admin({"member", "remove", "--org", Str(org_a_), "--user", Str(max_)});
  ExpectProblem(client_->Get(ListPath(max_, "&organization_id=" + Str(org_a_)), {Pat(ann_token_)}),
                403);
}

TEST_F(AgentPhonesHttpTest, PhoneNumbersAreValidatedWithReasons) {
  struct Case {
    const char* phone;
    const char* reason;
  };
  const Case cases[] = {
      {"+1 900 555 1234", "premium-rate"},
      {"+49 180 1234567", "shared-cost"},
      {"+49 123", "not a valid phone number"},
      {"0241 55660", "international"},
      {"+49 241 CALL-ME", "international"},
      {"", "international"},
      {"+", "international"},
  };
  for (const auto& c : cases) {
    const auto problem = ExpectProblem(CreatePhone(Pat(max_token_), max_, c.phone), 400);
    ASSERT_EQ(ErrorFields(problem), std::vector<std::string>{"phone"}) << c.phone;
    EXPECT_NE(problem["errors"][0]["message"].get<std::string>().find(c.reason), std::string::npos)
        << c.phone << ": " << problem.dump();
  }
  EXPECT_EQ(CreatePhone(Pat(max_token_), max_, "0044 20 7946 0958").Json()["phone"],
            "00442079460958");
}

TEST_F(AgentPhonesHttpTest, EveryBadFieldIsReportedAtOnce) {
  const auto problem = ExpectProblem(
      client_->SendJson("POST", "/v1/agent-phones", {Pat(max_token_)},
                        R"({"isActive": "yes", "name": "", "phone": "123", "userID": -4})"),
      400);
  std::vector<std::string> fields = ErrorFields(problem);
  std::sort(fields.begin(), fields.end());
  EXPECT_EQ(fields, (std::vector<std::string>{"isActive", "name", "phone", "userID"}));
  const auto missing = ExpectProblem(
      client_->SendJson("POST", "/v1/agent-phones", {Pat(max_token_)}, R"({})"), 400);
  EXPECT_EQ(ErrorFields(missing).size(), 4u);
  const auto long_name = ExpectProblem(
      CreatePhone(Pat(max_token_), max_, "+4924155660", "", std::string(101, 'x')), 400);
  EXPECT_EQ(ErrorFields(long_name), std::vector<std::string>{"name"});
  // 100 code points of two bytes each are fine.
  std::string umlauts;
  for (int i = 0; i < 100; ++i) umlauts += "\xC3\xA4";
  EXPECT_EQ(CreatePhone(Pat(max_token_), max_, "+4924155660", "", umlauts).status, 201);
}

TEST_F(AgentPhonesHttpTest, NamesWithControlOrBidiOverrideCharactersAre400) {
  for (const std::string& name :
       {std::string("\0", 1), std::string("Max\0", 4), std::string("Max\x01"),
        std::string("a\x1F" "b"), std::string("a\x7F" "b"), std::string("Max\tmobile"),
        std::string("Max\nmobile"), std::string("evil\xE2\x80\xAE" "gnp"),
        std::string("a\xE2\x81\xA6" "b")}) {
    const auto problem =
        ExpectProblem(CreatePhone(Pat(max_token_), max_, "+4924155660", "", name), 400);
    ASSERT_EQ(ErrorFields(problem), std::vector<std::string>{"name"}) << nlohmann::json(name);
    EXPECT_NE(problem["errors"][0]["message"].get<std::string>().find("must not contain"),
              std::string::npos);
  }
  EXPECT_EQ(CreatePhone(Pat(max_token_), max_, "+4924155660").Json()["name"], "Mobile");
}

// A hotline number as an agent phone would make the service call itself through the trunk.
TEST_F(AgentPhonesHttpTest, TheServicesOwnNumbersAreRefusedAsAgentPhones) {
  server_.Admin({"numbers", "add", "--country", "DE", "--city", "Aachen", "--from",
                 "004924155670000", "--to", "004924155670001"});
  for (const char* own : {"+49 241 55670000", "004924155670001"}) {
    const auto problem = ExpectProblem(CreatePhone(Pat(max_token_), max_, own), 400);
    ASSERT_EQ(ErrorFields(problem), std::vector<std::string>{"phone"}) << own;
    EXPECT_NE(problem["errors"][0]["message"].get<std::string>().find("number of this service"),
              std::string::npos);
  }
  // Nor can an existing phone be changed to one; a neighbouring number is a person's.
  const std::int64_t id = MaxPhone();
  const nlohmann::json replaced = {{"isActive", true}, {"name", "Mobile"},
                                   {"phone", "+49 241 55670000"}, {"userID", max_}};
  ExpectProblem(client_->SendJson("PUT", "/v1/agent-phones/" + Str(id), {Pat(max_token_)},
                                  replaced.dump()),
                400);
  EXPECT_EQ(CreatePhone(Pat(max_token_), max_, "+49 241 55670002").status, 201);
}

TEST_F(AgentPhonesHttpTest, SameNumberTwiceAndTheTwentyFirstPhoneConflict) {
  ASSERT_EQ(CreatePhone(Pat(max_token_), max_, "+4924155660").status, 201);
  ExpectProblem(CreatePhone(Pat(max_token_), max_, "0049 241 55660"), 409);
  // Another user may have the same number.
  EXPECT_EQ(CreatePhone(Pat(ann_token_), ann_, "+4924155660").status, 201);
  for (int i = 1; i < 20; ++i) {
    const std::string number = "+49151123456" + std::to_string(10 + i);
    ASSERT_EQ(CreatePhone(Pat(max_token_), max_, number).status, 201) << number;
  }
  ExpectProblem(CreatePhone(Pat(max_token_), max_, "+4915199999999"), 409);
  EXPECT_EQ(client_->Get(ListPath(max_), {Pat(max_token_)}).Json().size(), 20u);
}

TEST_F(AgentPhonesHttpTest, UpdateRules) {
  const std::int64_t id = MaxPhone();
  const std::string path = "/v1/agent-phones/" + Str(id);
  auto body = nlohmann::json({{"isActive", true}, {"name", "n"}, {"phone", "+4924155660"},
                              {"userID", max_}});
  auto moved = body;
  moved["userID"] = ann_;
  EXPECT_EQ(ErrorFields(ExpectProblem(client_->SendJson("PUT", path, {Pat(max_token_)}, moved.dump()), 400)),
            std::vector<std::string>{"userID"});
  auto other_id = body;
  other_id["id"] = id + 1;
  EXPECT_EQ(ErrorFields(ExpectProblem(client_->SendJson("PUT", path, {Pat(max_token_)}, other_id.dump()), 400)),
            std::vector<std::string>{"id"});
  auto zero_id = body;
  zero_id["id"] = 0;
  EXPECT_EQ(client_->SendJson("PUT", path, {Pat(max_token_)}, zero_id.dump()).status, 200);
  ExpectProblem(client_->SendJson("PUT", "/v1/agent-phones/999999", {Pat(max_token_)}, body.dump()), 404);
  ExpectProblem(client_->SendJson("PUT", "/v1/agent-phones/x", {Pat(max_token_)}, body.dump()), 400);
  // Duplicate through an update.
  const auto second = CreatePhone(Pat(max_token_), max_, "+4924155661").Json();
  ExpectProblem(client_->SendJson("PUT", "/v1/agent-phones/" + Str(second["id"].get<std::int64_t>()),
                                  {Pat(max_token_)}, body.dump()),
                409);
}

TEST_F(AgentPhonesHttpTest, QueryParametersAreValidated) {
  ExpectProblem(client_->Get("/v1/agent-phones", {Pat(max_token_)}), 400);
  ExpectProblem(client_->Get("/v1/agent-phones?owner_id=abc", {Pat(max_token_)}), 400);
  ExpectProblem(client_->Get(ListPath(max_, "&organization_id=-1"), {Pat(max_token_)}), 400);
  ExpectProblem(CreatePhone(Pat(max_token_), max_, "+4924155660", "?organization_id=0"), 400);
  // The owner may name an organization they belong to; it changes nothing.
  EXPECT_EQ(client_->Get(ListPath(max_, "&organization_id=" + Str(org_a_)), {Pat(max_token_)}).status,
            200);
}

}  // namespace
}  // namespace fr::testing

namespace fr::testing {
namespace {

// Two organisations, each with a consenting member: each admin reaches exactly its own
// member's phones, and no listing ever carries the other organisation's data.
TEST_F(AgentPhonesHttpTest, TwoOrganizationsNeverCross) {
  const std::int64_t lea = server_.Admin({"user", "create", "--name", "Lea"})["id"];
  server_.Admin({"member", "add", "--org", Str(org_b_), "--user", Str(lea), "--role", "member",
                 "--allow-admin-access"});
  const std::string lea_token = Secret({"token", "create", "--user", Str(lea)});
  ASSERT_EQ(CreatePhone(Pat(max_token_), max_, "+4924155660", "", "max-phone").status, 201);
  ASSERT_EQ(CreatePhone(Pat(lea_token), lea, "+4924155661", "", "lea-phone").status, 201);

  const auto a_sees = client_->Get(ListPath(max_, "&organization_id=" + Str(org_a_)),
                                   {Api(org_a_token_)});
  ASSERT_EQ(a_sees.status, 200);
  ASSERT_EQ(a_sees.Json().size(), 1u);
  EXPECT_EQ(a_sees.Json()[0]["name"], "max-phone");
  const auto b_sees = client_->Get(ListPath(lea, "&organization_id=" + Str(org_b_)),
                                   {Pat(bea_token_)});
  ASSERT_EQ(b_sees.status, 200);
  ASSERT_EQ(b_sees.Json().size(), 1u);
  EXPECT_EQ(b_sees.Json()[0]["name"], "lea-phone");

  for (const auto& [header, owner, org] :
       std::vector<std::tuple<std::string, std::int64_t, std::int64_t>>{
           {Api(org_a_token_), lea, org_a_}, {Api(org_a_token_), lea, org_b_},
           {Pat(ann_token_), lea, org_b_},   {Api(org_b_token_), max_, org_b_},
           {Pat(bea_token_), max_, org_a_},  {Pat(lea_token), max_, org_b_}}) {
    const auto crossed = client_->Get(ListPath(owner, "&organization_id=" + Str(org)), {header});
    ExpectProblem(crossed, 403);
    EXPECT_EQ(crossed.body.find("-phone"), std::string::npos);
  }
}

}  // namespace
}  // namespace fr::testing
