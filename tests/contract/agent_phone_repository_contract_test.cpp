// AgentPhoneRepository's promises, one typed suite for every storage backend. (There is no
// in-memory agent-phone fake: the core tests that need phones use their own.)
#include <gtest/gtest.h>

#include "adapters/storage/soci_agent_phone_repository.hpp"
#include "adapters/storage/soci_hotline_repository.hpp"
#include "adapters/storage/soci_identity_repositories.hpp"
#include "support/temp_dir.hpp"

namespace fr {
namespace {

// A hotline number of the inventory, and numbers that are not the service's.
const std::string kHotlineNumber = "004924155660000";
const std::string kSpareServiceNumber = "004924155660001";

struct SqliteBackend {
  testing::TempDir dir;
  std::unique_ptr<Database> database = [this] {
    auto opened = Database::Open("sqlite:" + (dir.path() / "phones.db").string(), 2);
    if (!opened.ok()) throw std::runtime_error(opened.error().detail);
    return std::move(opened).value();
  }();
  SociOrganizationRepository organizations{*database};
  SociUserRepository users{*database};
  SociNumberInventory numbers{*database};
  SociHotlineRepository hotlines{*database};
  SociAgentPhoneRepository phones{*database};
};

template <typename Backend>
class AgentPhoneRepositoryContract : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(backend_.numbers.Add({kHotlineNumber, kSpareServiceNumber}, "DE", "Aachen").ok());
    organization_ = backend_.organizations.Create("Org", {})->id;
  }
  UserId User(const std::string& name) { return backend_.users.Create(name, {})->id; }
  AgentPhone Phone(UserId owner, const std::string& number, bool active = true) {
    auto created =
        backend_.phones.Create({AgentPhoneId{}, owner, "phone " + number, number, active});
    EXPECT_TRUE(created.ok()) << created.error().detail;
    return *created;
  }
  HotlineId HotlineWith(std::vector<UserId> agents) {
    Hotline draft;
    draft.organization_id = organization_;
    draft.name = "Notruf";
    draft.agents = std::move(agents);
    auto created = backend_.hotlines.Create(draft, {"DE", "AACHEN"}, 10, {});
    EXPECT_TRUE(created.ok()) << created.error().detail;
    return created->id;
  }
  // "user:phone id:number:service?" per phone, in the order read.
  std::vector<std::string> Read(HotlineId hotline) {
    auto found = backend_.phones.ListActiveForHotline(hotline);
    EXPECT_TRUE(found.ok()) << found.error().detail;
    std::vector<std::string> read;
    for (const AgentPhoneToRing& each : *found) {
      read.push_back(std::to_string(each.phone.user_id.value) + ":" +
                     std::to_string(each.phone.id.value) + ":" + each.phone.phone + ":" +
                     (each.is_service_number ? "service" : "person"));
      EXPECT_TRUE(each.phone.is_active);
    }
    return read;
  }
  static std::string Row(const AgentPhone& phone, const char* kind) {
    return std::to_string(phone.user_id.value) + ":" + std::to_string(phone.id.value) + ":" +
           phone.phone + ":" + kind;
  }

  Backend backend_;
  OrganizationId organization_;
};

using Backends = ::testing::Types<SqliteBackend>;
TYPED_TEST_SUITE(AgentPhoneRepositoryContract, Backends);

TYPED_TEST(AgentPhoneRepositoryContract, ListsActivePhonesInAgentOrderThenById) {
  const UserId ann = this->User("Ann"), bob = this->User("Bob"), eve = this->User("Eve");
  const AgentPhone ann_first = this->Phone(ann, "004915100000001");
  this->Phone(ann, "004915100000009", /*active=*/false);
  const AgentPhone ann_second = this->Phone(ann, "004915100000002");
  const AgentPhone bob_phone = this->Phone(bob, "004915100000003");
  this->Phone(eve, "004915100000004");  // Eve is not an agent of the hotline
  const HotlineId hotline = this->HotlineWith({bob, ann});

  EXPECT_EQ(this->Read(hotline), (std::vector<std::string>{this->Row(bob_phone, "person"),
                                                           this->Row(ann_first, "person"),
                                                           this->Row(ann_second, "person")}));
}

TYPED_TEST(AgentPhoneRepositoryContract, MarksPhonesWhoseNumberIsTheServicesOwn) {
  const UserId ann = this->User("Ann");
  // Stored as an older service would have let it in: today's API refuses such a phone.
  const AgentPhone own = this->Phone(ann, kSpareServiceNumber);
  const AgentPhone person = this->Phone(ann, "004915100000001");
  const HotlineId hotline = this->HotlineWith({ann});

  EXPECT_EQ(this->Read(hotline),
            (std::vector<std::string>{this->Row(own, "service"), this->Row(person, "person")}));
}

TYPED_TEST(AgentPhoneRepositoryContract, AnAgentSharedByHotlinesIsListedForEach) {
  const UserId ann = this->User("Ann"), bob = this->User("Bob");
  const AgentPhone ann_phone = this->Phone(ann, "004915100000001");
  const AgentPhone bob_phone = this->Phone(bob, "004915100000002");
  ASSERT_TRUE(this->backend_.numbers.Add({"004924155660002"}, "DE", "Aachen").ok());
  const HotlineId first = this->HotlineWith({ann, bob});
  const HotlineId second = this->HotlineWith({bob});

  EXPECT_EQ(this->Read(first), (std::vector<std::string>{this->Row(ann_phone, "person"),
                                                         this->Row(bob_phone, "person")}));
  EXPECT_EQ(this->Read(second), (std::vector<std::string>{this->Row(bob_phone, "person")}));
}

TYPED_TEST(AgentPhoneRepositoryContract, NothingForAHotlineWithoutPhonesOrAnUnknownOne) {
  const UserId ann = this->User("Ann");
  this->Phone(ann, "004915100000001", /*active=*/false);
  EXPECT_TRUE(this->Read(this->HotlineWith({ann})).empty());
  EXPECT_TRUE(this->Read(HotlineId(987654)).empty());
}

}  // namespace
}  // namespace fr
