// StoredNumberPlan (decision 0090): the routing parses its hotline and agent phone numbers once
// per process, never remembers a caller's number nor a dialled number no hotline has, and gives
// the same answers as libphonenumber. Also LibphonenumberPlan's cheaper ParseNational.
#include "app/stored_number_plan.hpp"

#include <gtest/gtest.h>

#include <map>

#include "adapters/phone/libphonenumber_plan.hpp"
#include "app/call_routing_service.hpp"
#include "fakes/fake_clock.hpp"
#include "fakes/in_memory_blocked_caller_repository.hpp"
#include "fakes/in_memory_hotline_repository.hpp"
#include "fakes/routing_storage_stubs.hpp"

namespace fr {
namespace {

// libphonenumber, counting what it is asked per text.
class CountingPlan final : public NumberingPlan {
 public:
  std::optional<PhoneNumber> Parse(std::string_view text,
                                   PhoneNumberProblem* problem) const override {
    ++parsed[std::string(text)];
    return plan.Parse(text, problem);
  }
  std::optional<PhoneNumber> ParseNational(std::string_view text,
                                           std::string_view region) const override {
    ++parsed_national[std::string(text)];
    return plan.ParseNational(text, region);
  }
  bool IsKnownRegion(std::string_view region) const override { return plan.IsKnownRegion(region); }

  LibphonenumberPlan plan;
  mutable std::map<std::string, int> parsed;
  mutable std::map<std::string, int> parsed_national;
};

void ExpectSameNumber(const std::optional<PhoneNumber>& got,
                      const std::optional<PhoneNumber>& expected, const std::string& text) {
  ASSERT_EQ(got.has_value(), expected.has_value()) << text;
  if (!got) return;
  EXPECT_EQ(got->international, expected->international) << text;
  EXPECT_EQ(got->region, expected->region) << text;
  EXPECT_EQ(got->type, expected->type) << text;
  EXPECT_EQ(got->country_code_digits, expected->country_code_digits) << text;
  EXPECT_EQ(got->destination_code_digits, expected->destination_code_digits) << text;
}

TEST(StoredNumberPlanTest, ParsesEachTextOnceAndAnswersAsThePlanDoes) {
  CountingPlan counting;
  const StoredNumberPlan stored(counting);
  const LibphonenumberPlan plan;
  const char* texts[] = {"004915100000001", "+49 241 55660000", "00499001234567",
                         "004924112345x",   "+49241",           "0241 55660000"};
  for (int round = 0; round < 3; ++round) {
    for (const char* text : texts) {
      PhoneNumberProblem expected_problem = PhoneNumberProblem::kInvalid;
      const auto expected = plan.Parse(text, &expected_problem);
      PhoneNumberProblem problem = expected_problem == PhoneNumberProblem::kInvalid
                                       ? PhoneNumberProblem::kMalformed
                                       : PhoneNumberProblem::kInvalid;
      ExpectSameNumber(stored.Parse(text, &problem), expected, text);
      if (!expected) {
        EXPECT_EQ(problem, expected_problem) << text;
      }
    }
  }
  for (const char* text : texts) {
    EXPECT_EQ(counting.parsed[text], 1) << text;
  }
  const auto premium = stored.Parse("00499001234567", nullptr);
  ASSERT_TRUE(premium.has_value());
  EXPECT_EQ(premium->type, NumberType::kPremiumRate);
}

TEST(StoredNumberPlanTest, RemembersADialledNumberOnlyWhenToldTo) {
  CountingPlan counting;
  const StoredNumberPlan stored(counting);
  const std::string dialled = "+4924155660000";
  for (int i = 0; i < 2; ++i) {
    EXPECT_TRUE(stored.ParseUnremembered(dialled).has_value());
  }
  EXPECT_EQ(counting.parsed[dialled], 2);
  stored.Remember(dialled, *counting.plan.Parse(dialled, nullptr));
  const auto remembered = stored.ParseUnremembered(dialled);
  ASSERT_TRUE(remembered.has_value());
  EXPECT_EQ(remembered->international, "004924155660000");
  EXPECT_EQ(counting.parsed[dialled], 2);
}

TEST(StoredNumberPlanTest, ForgetsEverythingWhenFull) {
  CountingPlan counting;
  const StoredNumberPlan stored(counting, /*capacity=*/2);
  stored.Parse("004915100000001", nullptr);
  stored.Parse("004915100000002", nullptr);
  stored.Parse("004915100000001", nullptr);
  EXPECT_EQ(counting.parsed["004915100000001"], 1);
  stored.Parse("004915100000003", nullptr);  // full: the first two are forgotten
  stored.Parse("004915100000001", nullptr);
  stored.Parse("004915100000003", nullptr);
  EXPECT_EQ(counting.parsed["004915100000001"], 2);
  EXPECT_EQ(counting.parsed["004915100000003"], 1);
}

// Through the routing of calls: the hotline's and the agents' numbers are parsed once, each
// caller's number on every call (it is never kept), and a number no hotline has on every call.
class RoutingParsesTest : public ::testing::Test {
 protected:
  RoutingParsesTest() {
    hotlines_.AddNumber("004924155660000", "DE", "Aachen");
    Hotline hotline;
    hotline.organization_id = OrganizationId(1);
    hotline.status = HotlineStatus::kActive;
    hotline_ = *hotlines_.Create(hotline, {"DE", "Aachen"}, 10, clock_.Now());
  }

  testing::InMemoryHotlineRepository hotlines_;
  Hotline hotline_;
  CountingPlan plan_;
  testing::FakeClock clock_;
};

TEST_F(RoutingParsesTest, OnlyTheServicesOwnNumbersAreParsedOnce) {
  testing::PhonesOfOneHotline phones(hotline_.id);
  phones.phones.push_back({{AgentPhoneId(10), UserId(1), "phone", "004915100000001", true,
                            PhoneVerification::kVerified},
                           false});
  testing::CountingInventory numbers;
  testing::InMemoryBlockedCallerRepository blocks;
  CallerFloodGuard flood_guard{0};
  CallRoutingService routing{hotlines_, phones, numbers, blocks, flood_guard, plan_, clock_};
  const std::string caller = "+4924112345";
  for (int call = 0; call < 3; ++call) {
    const auto hotline = routing.ResolveInbound("+4924155660000");
    ASSERT_TRUE(hotline.ok()) << hotline.error().detail;
    EXPECT_EQ(hotline->id, hotline_.id);
    EXPECT_EQ(routing.CallerNumber(caller, *hotline), "004924112345");
    const auto targets = routing.PhonesToRing(*hotline);
    ASSERT_TRUE(targets.ok());
    ASSERT_EQ(targets->size(), 1u);
    EXPECT_EQ(targets->front().number, "004915100000001");
    EXPECT_EQ(routing.ResolveInbound("+4924155669999").error().code, ErrorCode::kNotFound);
    // Spelled with spaces, it still reaches the hotline, but is not remembered: a caller
    // could spell it in ever new ways.
    EXPECT_EQ(routing.ResolveInbound("+49 241 5566 0000")->id, hotline_.id);
  }
  EXPECT_EQ(plan_.parsed["+4924155660000"], 1) << "the dialled hotline number";
  EXPECT_EQ(plan_.parsed["004924155660000"], 1) << "the hotline's number (its country)";
  EXPECT_EQ(plan_.parsed["004915100000001"], 1) << "the agent's phone";
  EXPECT_EQ(plan_.parsed_national[caller], 3) << "the caller's number, on every call";
  EXPECT_EQ(plan_.parsed["+4924155669999"], 3) << "a number no hotline has, on every call";
  EXPECT_EQ(plan_.parsed["+49 241 5566 0000"], 3) << "a spelling with spaces, on every call";
}

TEST(LibphonenumberPlanTest, ParseNationalGivesParsesAnswerButTheDestinationCode) {
  const LibphonenumberPlan plan;
  for (const char* text : {"+4924155660000", "004915100000001", "+442079460958"}) {
    const auto parsed = plan.Parse(text, nullptr);
    const auto national = plan.ParseNational(text, "DE");
    ASSERT_TRUE(parsed && national) << text;
    EXPECT_EQ(national->international, parsed->international) << text;
    EXPECT_EQ(national->region, parsed->region) << text;
    EXPECT_EQ(national->type, parsed->type) << text;
    EXPECT_EQ(national->country_code_digits, parsed->country_code_digits) << text;
    EXPECT_GT(parsed->destination_code_digits, 0u) << text;
    EXPECT_EQ(national->destination_code_digits, 0u) << text;
  }
  const auto local = plan.ParseNational("0241 55660000", "DE");
  ASSERT_TRUE(local.has_value());
  EXPECT_EQ(local->international, "004924155660000");
  EXPECT_EQ(local->type, NumberType::kFixedLine);
  EXPECT_FALSE(plan.ParseNational("0241", "DE").has_value());
  EXPECT_FALSE(plan.Parse("+49241", nullptr).has_value());
}

}  // namespace
}  // namespace fr
