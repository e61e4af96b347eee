// Two server processes on one database, as two nodes behind a load balancer (issue #14): they
// never hand out the same number, however their requests interleave. Runs on SQLite (two
// processes on one file) and, as postgresql.TwoNodesTest, on PostgreSQL.
#include <future>
#include <set>
#include <vector>

#include "integration/world.hpp"

namespace fr::testing {
namespace {

constexpr int kClientsPerNode = 3;
constexpr int kCreatesPerClient = 6;
constexpr int kHotlines = 2 * kClientsPerNode * kCreatesPerClient;

class TwoNodesTest : public WorldTest {
 protected:
  void SetUp() override {
    WorldTest::SetUp();
    server_.Admin({"numbers", "add", "--country", "DE", "--city", "Aachen", "--from",
                   "004924155660000", "--to", "0049241556600" + std::to_string(kHotlines + 9)});
    for (const auto& [organization, header] :
         {std::pair{org_a_, Api(org_a_token_)}, std::pair{org_b_, Api(org_b_token_)}}) {
      const nlohmann::json customer = {
          {"city", "Aachen"}, {"cityCode", "52062"},  {"country", "DE"},          {"name", "Relief"},
          {"organizationID", organization}, {"street", "Markt"}, {"streetHousenumber", 1}};
      ASSERT_EQ(client_->SendJson("POST", "/v1/sip-customer", {header}, customer.dump()).status,
                201);
    }
    second_.Start();
  }

  ServerProcess second_{server_.database_url()};
};

TEST_F(TwoNodesTest, HotlinesCreatedOnBothNodesAtOnceNeverShareANumber) {
  std::vector<std::future<std::vector<HttpResult>>> clients;
  for (int i = 0; i < 2 * kClientsPerNode; ++i) {
    // Each node serves both organisations: the same organisation's creations meet on both.
    const std::string base = (i % 2 == 0 ? server_ : second_).base_url();
    const std::int64_t organization = i % 4 < 2 ? org_a_ : org_b_;
    const std::string header = Api(organization == org_a_ ? org_a_token_ : org_b_token_);
    clients.push_back(std::async(std::launch::async, [=] {
      HttpClient client(base);
      std::vector<HttpResult> results;
      const nlohmann::json draft = {{"agents", nlohmann::json::array()},
                                    {"isActive", false},
                                    {"name", "Notruf"},
                                    {"organizationID", organization}};
      for (int n = 0; n < kCreatesPerClient; ++n) {
        results.push_back(client.SendJson("POST", "/v1/hotlines", {header}, draft.dump()));
      }
      return results;
    }));
  }
  std::set<std::string> numbers;
  std::set<std::int64_t> ids;
  for (auto& client : clients) {
    for (const HttpResult& result : client.get()) {
      ASSERT_EQ(result.status, 201) << result.body;
      numbers.insert(result.Json()["number"].get<std::string>());
      ids.insert(result.Json()["id"].get<std::int64_t>());
    }
  }
  EXPECT_EQ(numbers.size(), static_cast<std::size_t>(kHotlines));
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(kHotlines));
  // The inventory agrees: each of those numbers reserved by exactly one of those hotlines.
  std::set<std::int64_t> holders;
  const nlohmann::json inventory = second_.Admin({"numbers", "list"});
  for (const auto& entry : inventory["numbers"]) {
    if (!numbers.contains(entry["number"].get<std::string>())) continue;
    EXPECT_EQ(entry["state"], "reserved") << entry.dump();
    holders.insert(entry["hotlineID"].get<std::int64_t>());
  }
  EXPECT_EQ(holders, ids);
}

}  // namespace
}  // namespace fr::testing
