// CallRoutingService with the real numbering plan (libphonenumber) and fakes for storage:
// CallerNumber's caller-ID rules (decision 0015, no storage read) and PhonesToRing's one read.
#include "app/call_routing_service.hpp"

#include <gtest/gtest.h>

#include "adapters/phone/libphonenumber_plan.hpp"
#include "fakes/fake_clock.hpp"
#include "fakes/in_memory_blocked_caller_repository.hpp"
#include "fakes/in_memory_hotline_repository.hpp"
#include "fakes/routing_storage_stubs.hpp"

namespace fr {
namespace {

class CallerNumberTest : public ::testing::Test {
 protected:
  Hotline HotlineNumbered(const std::string& number) {
    Hotline hotline;
    hotline.number = number;
    return hotline;
  }

  testing::InMemoryHotlineRepository hotlines_;
  testing::UnusedAgentPhones phones_;
  testing::UnusedInventory numbers_;
  LibphonenumberPlan plan_;
  testing::InMemoryBlockedCallerRepository blocks_;
  CallerFloodGuard flood_guard_{20};
  testing::FakeClock clock_;
  CallRoutingService routing_{hotlines_, phones_,      numbers_, blocks_,
                              flood_guard_, plan_, clock_};
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

class PhonesToRingTest : public ::testing::Test {
 protected:
  void Add(long long user, long long id, const std::string& number, bool service = false,
           PhoneVerification verification = PhoneVerification::kVerified) {
    phones_.phones.push_back(
        {{AgentPhoneId(id), UserId(user), "phone", number, true, verification}, service});
  }
  // "user:phone id:number" per target, "refused" appended when it must not be called.
  std::vector<std::string> Targets() { return TargetsOf(routing_); }
  std::vector<std::string> TargetsOf(CallRoutingService& routing) {
    Hotline hotline;
    hotline.id = HotlineId(7);
    const auto targets = routing.PhonesToRing(hotline);
    EXPECT_TRUE(targets.ok());
    std::vector<std::string> read;
    for (const AgentTarget& target : *targets) {
      read.push_back(std::to_string(target.user.value) + ":" + std::to_string(target.phone.value) +
                     ":" + target.number + (target.refusal ? " refused" : ""));
    }
    return read;
  }

  testing::InMemoryHotlineRepository hotlines_;
  testing::PhonesOfOneHotline phones_{HotlineId(7)};
  testing::CountingInventory numbers_;
  LibphonenumberPlan plan_;
  testing::InMemoryBlockedCallerRepository blocks_;
  CallerFloodGuard flood_guard_{20};
  testing::FakeClock clock_;
  CallRoutingService routing_{hotlines_, phones_,      numbers_, blocks_,
                              flood_guard_, plan_, clock_};
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

// Issue 15 §6: a number nobody proved reaches its owner never gets a crisis call, unless the
// operator turned the requirement off (--require-verified-phones off).
TEST_F(PhonesToRingTest, OnlyVerifiedPhonesRingWhenVerificationIsRequired) {
  Add(1, 10, "004915100000001", false, PhoneVerification::kPending);
  Add(2, 20, "004915100000002", false, PhoneVerification::kVerified);
  Add(3, 30, "004915100000003", false, PhoneVerification::kFailed);
  EXPECT_EQ(Targets(), (std::vector<std::string>{"2:20:004915100000002"}));
  CallRoutingService lab{hotlines_,
                         phones_,
                         numbers_,
                         blocks_,
                         flood_guard_,
                         plan_,
                         clock_,
                         /*require_verified_phones=*/false};
  EXPECT_EQ(TargetsOf(lab),
            (std::vector<std::string>{"1:10:004915100000001", "2:20:004915100000002",
                                      "3:30:004915100000003"}));
}

TEST_F(PhonesToRingTest, ANumberStoredInAnotherFormIsLookedUpAsDialled) {
  numbers_.own = "004924155660001";
  Add(1, 10, "+4924155660001");  // not the "00…" form the read compared
  Add(1, 11, "+4915100000001");
  EXPECT_EQ(Targets(), (std::vector<std::string>{"1:10:004924155660001 refused",
                                                 "1:11:004915100000001"}));
  EXPECT_EQ(numbers_.lookups, 2);
}

// Admit (decisions 0042, 0044): who is refused unrung, and when the hotline is closed. The
// clock stands at 2027-01-15T08:00:00Z, a Friday.
class AdmitTest : public ::testing::Test {
 protected:
  static constexpr const char* kCaller = "00493012345678";
  AdmitTest() {
    hotline_.id = HotlineId(7);
    hotline_.organization_id = OrganizationId(1);
    hotline_.number = "004924155660000";
  }
  BlockedCaller Block(const std::string& number, OrganizationId organization) {
    BlockedCaller block;
    block.organization_id = organization;
    block.number = number;
    block.created_at = clock_.Now();
    return *blocks_.Create(block);
  }

  Hotline hotline_;
  testing::InMemoryHotlineRepository hotlines_;
  testing::UnusedAgentPhones phones_;
  testing::UnusedInventory numbers_;
  testing::InMemoryBlockedCallerRepository blocks_;
  CallerFloodGuard flood_guard_{3};
  LibphonenumberPlan plan_;
  testing::FakeClock clock_{*ParseTimestamp("2027-01-15T08:00:00Z")};
  CallRoutingService routing_{hotlines_, phones_,      numbers_, blocks_,
                              flood_guard_, plan_, clock_};
};

TEST_F(AdmitTest, AnAnonymousCallerIsBlockedOnlyWhereTheHotlineRejectsThem) {
  EXPECT_EQ(routing_.Admit(hotline_, std::nullopt).verdict, CallVerdict::kOpen);
  hotline_.reject_anonymous = true;
  const CallAdmission admission = routing_.Admit(hotline_, std::nullopt);
  EXPECT_EQ(admission.verdict, CallVerdict::kBlocked);
  EXPECT_NE(admission.detail.find("anonymous"), std::string::npos) << admission.detail;
  EXPECT_EQ(routing_.Admit(hotline_, std::string(kCaller)).verdict, CallVerdict::kOpen);
}

TEST_F(AdmitTest, TheOrganizationsBlocklistAppliesToItsHotlinesOnly) {
  Block(kCaller, OrganizationId(2));
  EXPECT_EQ(routing_.Admit(hotline_, std::string(kCaller)).verdict, CallVerdict::kOpen);
  Block(kCaller, OrganizationId(1));
  const CallAdmission admission = routing_.Admit(hotline_, std::string(kCaller));
  EXPECT_EQ(admission.verdict, CallVerdict::kBlocked);
  EXPECT_NE(admission.detail.find("blocklist"), std::string::npos) << admission.detail;
  EXPECT_EQ(routing_.Admit(hotline_, std::string("00493099999999")).verdict, CallVerdict::kOpen);
}

TEST_F(AdmitTest, TheFloodGuardBlocksTheCallsOverTheLimitUntilTheOldestIsAnHourOld) {
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(routing_.Admit(hotline_, std::string(kCaller)).verdict, CallVerdict::kOpen) << i;
    clock_.Advance(std::chrono::minutes(10));
  }
  // 08:30: the fourth call within the hour.
  EXPECT_EQ(routing_.Admit(hotline_, std::string(kCaller)).verdict, CallVerdict::kBlocked);
  EXPECT_EQ(routing_.Admit(hotline_, std::string("00493099999999")).verdict, CallVerdict::kOpen)
      << "another caller";
  Hotline other = hotline_;
  other.id = HotlineId(8);
  EXPECT_EQ(routing_.Admit(other, std::string(kCaller)).verdict, CallVerdict::kOpen)
      << "another hotline";
  clock_.Advance(std::chrono::minutes(29));  // 08:59:00: the first call is 59 minutes old
  EXPECT_EQ(routing_.Admit(hotline_, std::string(kCaller)).verdict, CallVerdict::kBlocked);
  clock_.Advance(std::chrono::minutes(1));  // 09:00:00: it is an hour old
  EXPECT_EQ(routing_.Admit(hotline_, std::string(kCaller)).verdict, CallVerdict::kOpen);
}

TEST_F(AdmitTest, OutsideTheScheduleTheHotlineIsClosedAndABlockedCallerStaysBlocked) {
  // Friday 09:00-17:00 in Tokyo (UTC+9): 08:00Z is 17:00 there, just closed.
  hotline_.schedule = Schedule{"Asia/Tokyo", {{Weekday::kFri, 9 * 60, 17 * 60}}, {}};
  CallAdmission admission = routing_.Admit(hotline_, std::string(kCaller));
  EXPECT_EQ(admission.verdict, CallVerdict::kClosed);
  EXPECT_NE(admission.detail.find("Asia/Tokyo"), std::string::npos) << admission.detail;
  hotline_.schedule->weekly.front().to_minute = 17 * 60 + 1;
  EXPECT_EQ(routing_.Admit(hotline_, std::string(kCaller)).verdict, CallVerdict::kOpen);
  hotline_.schedule->weekly.clear();
  Block(kCaller, OrganizationId(1));
  EXPECT_EQ(routing_.Admit(hotline_, std::string(kCaller)).verdict, CallVerdict::kBlocked);
}

TEST_F(AdmitTest, AZoneThatLeftTheDatabaseLetsTheCallThroughWithAWarning) {
  hotline_.schedule = Schedule{"Mars/Olympus_Mons", {}, {}};
  const CallAdmission admission = routing_.Admit(hotline_, std::string(kCaller));
  EXPECT_EQ(admission.verdict, CallVerdict::kOpen);
  ASSERT_EQ(admission.warnings.size(), 1u);
  EXPECT_NE(admission.warnings.front().find("Mars/Olympus_Mons"), std::string::npos);
}

}  // namespace
}  // namespace fr
