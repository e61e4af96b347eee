// CallRoutingService with the real numbering plan (libphonenumber) and fakes for storage:
// CallerNumber's caller-ID rules (decision 0015, no storage read) and PhonesToRing's one read.
#include "app/call_routing_service.hpp"

#include <gtest/gtest.h>

#include "adapters/phone/libphonenumber_plan.hpp"
#include "fakes/in_memory_hotline_repository.hpp"

namespace fr {
namespace {

// Storage that must not be read: any call is a test failure (the caller-ID rules touch neither
// phones nor the inventory; the fakes below allow one read each).
class UnusedAgentPhones : public AgentPhoneRepository {
 public:
  Result<std::vector<AgentPhone>> ListByOwner(UserId) override { return Unused(); }
  Result<std::optional<AgentPhone>> Find(AgentPhoneId) override { return Unused(); }
  Result<std::vector<AgentPhoneToRing>> ListActiveForHotline(HotlineId) override { return Unused(); }
  Result<AgentPhone> Create(const AgentPhone&) override { return Unused(); }
  Status Update(const AgentPhone&) override { return Unused(); }
  Status Delete(AgentPhoneId) override { return Unused(); }

 private:
  static Error Unused() {
    ADD_FAILURE() << "the agent phones were read";
    return Error::Internal("unused");
  }
};

class UnusedInventory : public NumberInventory {
 public:
  Status Add(const std::vector<std::string>&, const std::string&, const std::string&) override {
    return Unused();
  }
  Result<std::vector<InventoryNumber>> List(Timestamp) override { return Unused(); }
  Result<std::vector<std::string>> Countries() override { return Unused(); }
  Result<bool> Contains(const std::string&) override { return Unused(); }

 private:
  static Error Unused() {
    ADD_FAILURE() << "the inventory was read";
    return Error::Internal("unused");
  }
};

class CallerNumberTest : public ::testing::Test {
 protected:
  Hotline HotlineNumbered(const std::string& number) {
    Hotline hotline;
    hotline.number = number;
    return hotline;
  }

  testing::InMemoryHotlineRepository hotlines_;
  UnusedAgentPhones phones_;
  UnusedInventory numbers_;
  LibphonenumberPlan plan_;
  CallRoutingService routing_{hotlines_, phones_, numbers_, plan_};
};

TEST_F(CallerNumberTest, FollowsTheRulesOfDecision0015) {
  struct Case {
    const char* caller;      // the user part of the caller's From
    const char* hotline;     // the hotline's number: its country reads national numbers
    const char* expected;    // nullptr: null in the call log
  };
  const Case cases[] = {
      {"+4924112345", "004924155660000", "004924112345"},          // international, E.164
      {"004924112345", "004924155660000", "004924112345"},         // international, 00
      {"024112345", "004924155660000", "004924112345"},            // national, in Germany
      {"0241 12345", "004924155660000", "004924112345"},           // with a space
      {"02079460958", "00442079460000", "00442079460958"},         // national, in the UK
      {"+4924112345;npdi;rn=+4924199999", "004924155660000", "004924112345"},  // user parameters
      {"anonymous", "004924155660000", nullptr},                   // withheld
      {"Anonymous", "004924155660000", nullptr},
      {"", "004924155660000", nullptr},
      {"alice", "004924155660000", nullptr},                       // a SIP user name
      {"1234", "004924155660000", nullptr},                        // not a valid number
      {"+49241", "004924155660000", nullptr},
  };
  for (const Case& test : cases) {
    const auto number = routing_.CallerNumber(test.caller, HotlineNumbered(test.hotline));
    if (test.expected == nullptr) {
      EXPECT_FALSE(number.has_value()) << test.caller << " → " << number.value_or("");
    } else {
      EXPECT_EQ(number, test.expected) << test.caller;
    }
  }
}

// The phones of one hotline as the repository hands them over; counts its reads. Any other read
// fails the test: routing reads the phones of a call in one query.
class OneHotlinesPhones final : public UnusedAgentPhones {
 public:
  Result<std::vector<AgentPhoneToRing>> ListActiveForHotline(HotlineId hotline) override {
    ++reads;
    EXPECT_EQ(hotline, HotlineId(7));
    return phones;
  }

  std::vector<AgentPhoneToRing> phones;
  int reads = 0;
};

// An inventory that holds `own`; counts the lookups.
class CountingInventory final : public UnusedInventory {
 public:
  Result<bool> Contains(const std::string& number) override {
    ++lookups;
    return number == own;
  }

  std::string own;
  int lookups = 0;
};

class PhonesToRingTest : public ::testing::Test {
 protected:
  void Add(long long user, long long id, const std::string& number, bool service = false) {
    phones_.phones.push_back({{AgentPhoneId(id), UserId(user), "phone", number, true}, service});
  }
  // "user:phone id:number" per target, "refused" appended when it must not be called.
  std::vector<std::string> Targets() {
    Hotline hotline;
    hotline.id = HotlineId(7);
    const auto targets = routing_.PhonesToRing(hotline);
    EXPECT_TRUE(targets.ok());
    std::vector<std::string> read;
    for (const AgentTarget& target : *targets) {
      read.push_back(std::to_string(target.user.value) + ":" + std::to_string(target.phone.value) +
                     ":" + target.number + (target.refusal ? " refused" : ""));
    }
    return read;
  }

  testing::InMemoryHotlineRepository hotlines_;
  OneHotlinesPhones phones_;
  CountingInventory numbers_;
  LibphonenumberPlan plan_;
  CallRoutingService routing_{hotlines_, phones_, numbers_, plan_};
};

TEST_F(PhonesToRingTest, OneReadGivesTheTargetsInItsOrder) {
  Add(2, 20, "004915100000003");
  Add(1, 10, "004915100000001");
  Add(1, 11, "004915100000003");                    // Bob's phone, shared: rung once
  Add(1, 12, "004924155660001", /*service=*/true);  // the service's own: listed, refused
  Add(3, 30, "00499001234567");                     // premium-rate: left out
  EXPECT_EQ(Targets(), (std::vector<std::string>{"2:20:004915100000003", "1:10:004915100000001",
                                                 "1:12:004924155660001 refused"}));
  EXPECT_EQ(phones_.reads, 1);
  EXPECT_EQ(numbers_.lookups, 0) << "the read said which numbers are the service's";
}

TEST_F(PhonesToRingTest, ANumberStoredInAnotherFormIsLookedUpAsDialled) {
  numbers_.own = "004924155660001";
  Add(1, 10, "+4924155660001");  // not the "00…" form the read compared
  Add(1, 11, "+4915100000001");
  EXPECT_EQ(Targets(), (std::vector<std::string>{"1:10:004924155660001 refused",
                                                 "1:11:004915100000001"}));
  EXPECT_EQ(numbers_.lookups, 2);
}

}  // namespace
}  // namespace fr
