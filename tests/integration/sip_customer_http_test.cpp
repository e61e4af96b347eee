// /v1/sip-customer through the real binary.
#include "integration/world.hpp"

namespace fr::testing {
namespace {

class SipCustomerHttpTest : public WorldTest {
 protected:
  nlohmann::json Customer(std::int64_t organization) {
    return {{"city", "Aachen"},   {"cityCode", "52062"},       {"country", "DE"},
            {"name", "Relief A"}, {"organizationID", organization},
            {"street", "Markt"},  {"streetHousenumber", 1}};
  }
  HttpResult Post(const std::string& header, const nlohmann::json& body) {
    return client_->SendJson("POST", "/v1/sip-customer", {header}, body.dump());
  }
  HttpResult Exists(const std::string& header, std::int64_t organization) {
    return client_->Get("/v1/sip-customer/" + Str(organization), {header});
  }
};

TEST_F(SipCustomerHttpTest, AdminRegistersOnceMembersSeeIt) {
  EXPECT_EQ(Exists(Pat(max_token_), org_a_).Json()["exists"], false);
  const auto created = Post(Pat(ann_token_), Customer(org_a_));
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(created.Json(), nlohmann::json({{"exists", true}}));
  EXPECT_EQ(Exists(Pat(max_token_), org_a_).Json()["exists"], true);
  EXPECT_EQ(Exists(Api(org_a_token_), org_a_).Json()["exists"], true);
  const auto again = ExpectProblem(Post(Api(org_a_token_), Customer(org_a_)), 409);
  EXPECT_NE(again["detail"].get<std::string>().find("already"), std::string::npos);
  // B is untouched.
  EXPECT_EQ(Exists(Pat(bea_token_), org_b_).Json()["exists"], false);
}

TEST_F(SipCustomerHttpTest, OrganizationTokenRegistersItsOwnOrganization) {
  EXPECT_EQ(Post(Api(org_b_token_), Customer(org_b_)).status, 201);
  EXPECT_EQ(Exists(Pat(bea_token_), org_b_).Json()["exists"], true);
}

TEST_F(SipCustomerHttpTest, OnlyTheOrganizationsAdminsMayRegister) {
  ExpectProblem(Post(Pat(max_token_), Customer(org_a_)), 403);     // member
  ExpectProblem(Post(Pat(bea_token_), Customer(org_a_)), 404);     // admin elsewhere
  ExpectProblem(Post(Api(org_b_token_), Customer(org_a_)), 404);   // other organisation's token
  ExpectProblem(Post(Pat(ann_token_), Customer(424242)), 404);     // no such organisation
  ExpectProblem(client_->SendJson("POST", "/v1/sip-customer", {}, Customer(org_a_).dump()), 401);
  EXPECT_EQ(Exists(Pat(ann_token_), org_a_).Json()["exists"], false);
}

TEST_F(SipCustomerHttpTest, OutsidersCannotEvenAskWhetherItExists) {
  ASSERT_EQ(Post(Pat(ann_token_), Customer(org_a_)).status, 201);
  const auto outsider = ExpectProblem(Exists(Pat(bea_token_), org_a_), 404);
  EXPECT_EQ(outsider.dump().find("exists"), std::string::npos);
  ExpectProblem(Exists(Api(org_b_token_), org_a_), 404);
  ExpectProblem(Exists(Pat(ann_token_), 999999), 404);
  ExpectProblem(Exists(Pat(ann_token_), 0), 400);
  ExpectProblem(client_->Get("/v1/sip-customer/abc", {Pat(ann_token_)}), 400);
}

TEST_F(SipCustomerHttpTest, EveryFieldIsValidated) {
  struct Case {
    const char* field;
    nlohmann::json value;
  };
  const Case cases[] = {
      {"country", "de"},           {"country", "XX"},         {"country", "DEU"},
      {"country", 49},             {"cityCode", "52062!"},    {"cityCode", "12345678901"},
      {"cityCode", ""},            {"streetHousenumber", 0},  {"streetHousenumber", -3},
      {"streetHousenumber", "1"},  {"streetHousenumber", 1.5}, {"name", ""},
      {"name", std::string(201, 'n')}, {"street", "  "},      {"city", std::string(101, 'c')},
      {"city", nullptr},           {"organizationID", "1"},
  };
  for (const auto& c : cases) {
    auto body = Customer(org_a_);
    body[c.field] = c.value;
    const auto problem = ExpectProblem(Post(Pat(ann_token_), body), 400);
    EXPECT_EQ(ErrorFields(problem), std::vector<std::string>{c.field}) << c.field << "=" << c.value;
  }
  auto all_bad = nlohmann::json::object();
  EXPECT_EQ(ErrorFields(ExpectProblem(Post(Pat(ann_token_), all_bad), 400)).size(), 7u);
  // A British postcode with a space, a Dutch one with letters: fine.
  auto uk = Customer(org_a_);
  uk["country"] = "GB";
  uk["cityCode"] = "SW1A 1AA";
  EXPECT_EQ(Post(Pat(ann_token_), uk).status, 201);
}

TEST_F(SipCustomerHttpTest, ControlAndBidiOverrideCharactersAreRefused) {
  for (const char* field : {"name", "street", "city", "cityCode"}) {
    for (const std::string& value :
         {std::string("\0", 1), std::string("Markt\x01"), std::string("Markt\n1"),
          std::string("Markt\x7F"), std::string("\xE2\x80\xAE" "tkraM")}) {
      auto body = Customer(org_a_);
      body[field] = value;
      EXPECT_EQ(ErrorFields(ExpectProblem(Post(Pat(ann_token_), body), 400)),
                std::vector<std::string>{field})
          << field << " " << nlohmann::json(value);
    }
  }
  EXPECT_EQ(Post(Pat(ann_token_), Customer(org_a_)).status, 201);
}

}  // namespace
}  // namespace fr::testing
