// CallRoutingService::CallerNumber: the caller-ID rules of decision 0015, with the real
// numbering plan (libphonenumber) and no storage (the method reads none).
#include "app/call_routing_service.hpp"

#include <gtest/gtest.h>

#include "adapters/phone/libphonenumber_plan.hpp"
#include "fakes/in_memory_hotline_repository.hpp"

namespace fr {
namespace {

// The caller-ID rules touch neither phones nor the inventory: any call is a test failure.
class UnusedAgentPhones final : public AgentPhoneRepository {
 public:
  Result<std::vector<AgentPhone>> ListByOwner(UserId) override { return Unused(); }
  Result<std::optional<AgentPhone>> Find(AgentPhoneId) override { return Unused(); }
  Result<AgentPhone> Create(const AgentPhone&) override { return Unused(); }
  Status Update(const AgentPhone&) override { return Unused(); }
  Status Delete(AgentPhoneId) override { return Unused(); }

 private:
  static Error Unused() {
    ADD_FAILURE() << "the agent phones were read";
    return Error::Internal("unused");
  }
};

class UnusedInventory final : public NumberInventory {
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

}  // namespace
}  // namespace fr
