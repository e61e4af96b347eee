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

// Issue 15 §6 (decision 0069): a new phone is pending; a verification sticks to the number it
// proved: a new name keeps it, a new number makes the phone pending again.
TYPED_TEST(AgentPhoneRepositoryContract, AVerificationHoldsForTheNumberItProved) {
  const UserId ann = this->User("Ann");
  AgentPhone phone = this->Phone(ann, "004915100000001");
  EXPECT_EQ(phone.verification, PhoneVerification::kPending);
  auto& phones = this->backend_.phones;
  EXPECT_EQ(
      phones.SetVerification(phone.id, "004915100000009", PhoneVerification::kVerified).value(),
      false)
      << "a call to another number proves nothing about this one";
  EXPECT_EQ(phones.Find(phone.id).value()->verification, PhoneVerification::kPending);
  EXPECT_EQ(phones.SetVerification(phone.id, phone.phone, PhoneVerification::kVerified).value(),
            true);
  EXPECT_EQ(phones.Find(phone.id).value()->verification, PhoneVerification::kVerified);

  phone.name = "renamed";
  phone.is_active = false;
  phone.verification = PhoneVerification::kFailed;  // ignored: clients cannot set it
  auto renamed = phones.Update(phone);
  ASSERT_TRUE(renamed.ok()) << renamed.error().detail;
  EXPECT_EQ(renamed->verification, PhoneVerification::kVerified);
  EXPECT_EQ(renamed->user_id, ann);

  phone.phone = "004915100000002";
  auto renumbered = phones.Update(phone);
  ASSERT_TRUE(renumbered.ok()) << renumbered.error().detail;
  EXPECT_EQ(renumbered->verification, PhoneVerification::kPending);
  EXPECT_EQ(phones.Find(phone.id).value()->verification, PhoneVerification::kPending);

  EXPECT_EQ(phones.SetVerification(AgentPhoneId(987654), phone.phone, PhoneVerification::kFailed)
                .error()
                .code,
            ErrorCode::kNotFound);
}

TYPED_TEST(AgentPhoneRepositoryContract, TheHotlineCountsAgentsWithActiveAndVerifiedPhones) {
  const UserId ann = this->User("Ann"), bob = this->User("Bob"), eve = this->User("Eve");
  const AgentPhone ann_phone = this->Phone(ann, "004915100000001");
  this->Phone(bob, "004915100000002");
  this->Phone(bob, "004915100000003");
  const AgentPhone eve_phone = this->Phone(eve, "004915100000004", /*active=*/false);
  auto& phones = this->backend_.phones;
  ASSERT_TRUE(
      phones.SetVerification(ann_phone.id, ann_phone.phone, PhoneVerification::kVerified).ok());
  ASSERT_TRUE(
      phones.SetVerification(eve_phone.id, eve_phone.phone, PhoneVerification::kVerified).ok());
  const HotlineId hotline = this->HotlineWith({ann, bob, eve});

  const auto found = this->backend_.hotlines.Find(hotline);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->agents_with_active_phone, 2) << "Ann and Bob; Eve's phone is inactive";
  EXPECT_EQ((*found)->agents_with_verified_phone, 1) << "Ann";
  const auto page = this->backend_.hotlines.ListByOrganization(this->organization_, 10, 0);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ((*page)->hotlines.size(), 1u);
  EXPECT_EQ((*page)->hotlines[0].agents_with_active_phone, 2);
  EXPECT_EQ((*page)->hotlines[0].agents_with_verified_phone, 1);
}

// The checks of a verification call (decision 0069), made atomically with its record.
TYPED_TEST(AgentPhoneRepositoryContract, VerificationCallsAreOneAtATimeAndLimited) {
  auto& phones = this->backend_.phones;
  const UserId ann = this->User("Ann");
  const AgentPhone phone = this->Phone(ann, "004915100000001");
  const Timestamp t0 = *ParseTimestamp("2027-01-15T08:00:00Z");
  const auto attempt = [&](const AgentPhone& of, Timestamp at) {
    return phones.BeginVerification(
        {0, of.id, of.user_id, of.phone, at, at + std::chrono::minutes(10)}, {});
  };
  const auto first = attempt(phone, t0);
  ASSERT_TRUE(first.ok()) << first.error().detail;
  EXPECT_EQ(attempt(phone, t0 + std::chrono::minutes(1)).error().code,
            ErrorCode::kFailedPrecondition)
      << "one call under way";
  ASSERT_EQ(
      phones.FinishVerification(*first, phone.id, phone.phone, PhoneVerification::kFailed).value(),
      true);
  EXPECT_EQ(phones.Find(phone.id).value()->verification, PhoneVerification::kFailed);
  EXPECT_EQ(phones.FinishVerification(*first, phone.id, phone.phone, PhoneVerification::kVerified)
                .value(),
            false)
      << "an attempt ends once";
  EXPECT_EQ(phones.Find(phone.id).value()->verification, PhoneVerification::kFailed);
  // A call whose node died is over once it expired.
  for (int i = 1; i < 5; ++i) {
    ASSERT_TRUE(attempt(phone, t0 + std::chrono::minutes(11 * i)).ok()) << i;
  }
  const auto sixth = attempt(phone, t0 + std::chrono::hours(2));
  ASSERT_FALSE(sixth.ok());
  EXPECT_EQ(sixth.error().code, ErrorCode::kTooManyRequests);
  EXPECT_EQ(sixth.error().retry_after, std::chrono::seconds(22 * 3600))
      << "until the first call is a day old";
  EXPECT_TRUE(attempt(phone, t0 + std::chrono::hours(24) + std::chrono::minutes(1)).ok());
}

TYPED_TEST(AgentPhoneRepositoryContract, AnOrganizationPlacesAtMostItsLimitOfCallsPerHour) {
  auto& phones = this->backend_.phones;
  const Timestamp t0 = *ParseTimestamp("2027-01-15T08:00:00Z");
  const VerificationLimits limits{.per_number_per_day = 5, .per_organization_per_hour = 3};
  std::vector<AgentPhone> members;
  for (int i = 0; i < 4; ++i) {
    const UserId user = this->User("member " + std::to_string(i));
    ASSERT_TRUE(this->backend_.organizations
                    .AddMember({this->organization_, user, Role::kMember, false, t0})
                    .ok());
    members.push_back(this->Phone(user, "00491510000001" + std::to_string(i)));
  }
  const UserId outsider = this->User("outsider");
  const AgentPhone outside = this->Phone(outsider, "004915100000099");
  const auto attempt = [&](const AgentPhone& of, Timestamp at) {
    return phones.BeginVerification(
        {0, of.id, of.user_id, of.phone, at, at + std::chrono::minutes(10)}, limits);
  };
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(attempt(members[i], t0 + std::chrono::minutes(i)).ok()) << i;
  }
  const auto fourth = attempt(members[3], t0 + std::chrono::minutes(30));
  ASSERT_FALSE(fourth.ok());
  EXPECT_EQ(fourth.error().code, ErrorCode::kTooManyRequests);
  EXPECT_EQ(fourth.error().retry_after, std::chrono::seconds(30 * 60));
  EXPECT_TRUE(attempt(outside, t0 + std::chrono::minutes(30)).ok()) << "not a member";
  EXPECT_TRUE(attempt(members[3], t0 + std::chrono::minutes(61)).ok());
}

// Renumbering a phone does not renew its allowance: one owner's phones have a daily limit of
// their own, whatever numbers they had (decision 0069).
TYPED_TEST(AgentPhoneRepositoryContract, OneOwnersPhonesPlaceAtMostTheirLimitOfCallsPerDay) {
  auto& phones = this->backend_.phones;
  const Timestamp t0 = *ParseTimestamp("2027-01-16T08:00:00Z");
  const VerificationLimits limits{
      .per_number_per_day = 5, .per_user_per_day = 2, .per_organization_per_hour = 20};
  const UserId owner = this->User("renumbering owner");
  const auto attempt = [&](const std::string& number, Timestamp at) {
    const AgentPhone phone = this->Phone(owner, number);
    return phones.BeginVerification(
        {0, phone.id, phone.user_id, phone.phone, at, at + std::chrono::minutes(10)}, limits);
  };
  ASSERT_TRUE(attempt("004915100000201", t0).ok());
  ASSERT_TRUE(attempt("004915100000202", t0 + std::chrono::minutes(20)).ok());
  const auto third = attempt("004915100000203", t0 + std::chrono::minutes(40));
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.error().code, ErrorCode::kTooManyRequests);
  EXPECT_EQ(third.error().retry_after, std::chrono::seconds(23 * 3600 + 20 * 60))
      << "until the first call is a day old";
}

}  // namespace
}  // namespace fr
