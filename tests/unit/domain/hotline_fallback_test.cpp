// The hotline's fallbacks, `noAnswer` and `closed` (decision 0054): their actions, the
// voicemail's bounds and the forward number's toll-fraud guard, every bad field at once.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "adapters/phone/libphonenumber_plan.hpp"
#include "domain/hotline/hotline.hpp"

namespace fr {
namespace {

HotlineDraft Draft() {
  HotlineDraft draft;
  draft.organization_id = OrganizationId(1);
  draft.name = "Night line";
  return draft;
}

std::vector<std::string> FieldsOf(const Result<Hotline>& result) {
  std::vector<std::string> fields;
  if (result.ok()) return fields;
  for (const FieldError& error : result.error().field_errors) fields.push_back(error.field);
  std::sort(fields.begin(), fields.end());
  return fields;
}

class HotlineFallbackTest : public ::testing::Test {
 protected:
  LibphonenumberPlan plan_;
};

TEST_F(HotlineFallbackTest, WithoutFallbacksBothSayTheMessage) {
  const auto hotline = ValidateHotline(Draft(), plan_);
  ASSERT_TRUE(hotline.ok()) << hotline.error().detail;
  EXPECT_EQ(hotline->no_answer.action, FallbackAction::kMessage);
  EXPECT_EQ(hotline->closed.action, FallbackAction::kMessage);
  EXPECT_EQ(hotline->no_answer.max_seconds, 120);
}

TEST_F(HotlineFallbackTest, VoicemailKeepsItsPromptAndLength) {
  HotlineDraft draft = Draft();
  draft.no_answer = {"voicemail", "Bitte sprechen Sie nach dem Ton.", 10, ""};
  draft.closed = {"voicemail", "", 600, ""};
  const auto hotline = ValidateHotline(draft, plan_);
  ASSERT_TRUE(hotline.ok()) << hotline.error().detail;
  EXPECT_EQ(hotline->no_answer.action, FallbackAction::kVoicemail);
  EXPECT_EQ(hotline->no_answer.tts_voicemail, "Bitte sprechen Sie nach dem Ton.");
  EXPECT_EQ(hotline->no_answer.max_seconds, 10);
  EXPECT_EQ(hotline->closed.max_seconds, 600);
}

TEST_F(HotlineFallbackTest, MaxSecondsOutside10To600IsRefused) {
  for (const int seconds : {-1, 0, 9, 601, 100000}) {
    HotlineDraft draft = Draft();
    draft.no_answer = {"voicemail", "", seconds, ""};
    EXPECT_EQ(FieldsOf(ValidateHotline(draft, plan_)),
              std::vector<std::string>{"noAnswer.maxSeconds"})
        << seconds;
  }
}

TEST_F(HotlineFallbackTest, ForwardNormalisesItsNumber) {
  HotlineDraft draft = Draft();
  draft.no_answer = {"forward", "", 120, "+49 30 1234567"};
  const auto hotline = ValidateHotline(draft, plan_);
  ASSERT_TRUE(hotline.ok()) << hotline.error().detail;
  EXPECT_EQ(hotline->no_answer.action, FallbackAction::kForward);
  EXPECT_EQ(hotline->no_answer.forward_to, "0049301234567");
}

TEST_F(HotlineFallbackTest, ForwardNeedsANumberThatIsNeitherPremiumRateNorSharedCost) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "is required"},
      {"12345", "must be an international number"},
      {"+49 900 1234567", "premium-rate"},
      {"+49 180 5123456", "shared-cost"},
      {"+49 1", "is not a valid phone number"},
  };
  for (const auto& [number, reason] : cases) {
    HotlineDraft draft = Draft();
    draft.closed = {"forward", "", 120, number};
    const auto result = ValidateHotline(draft, plan_);
    ASSERT_FALSE(result.ok()) << number;
    ASSERT_EQ(result.error().field_errors.size(), 1u) << number;
    EXPECT_EQ(result.error().field_errors[0].field, "closed.forwardTo") << number;
    EXPECT_NE(result.error().field_errors[0].message.find(reason), std::string::npos)
        << number << ": " << result.error().field_errors[0].message;
  }
}

TEST_F(HotlineFallbackTest, EveryBadFieldOfBothFallbacksIsNamedAtOnce) {
  HotlineDraft draft = Draft();
  draft.name = "";
  draft.no_answer = {"voice-mail", std::string(301, 'a'), 5, "+49 900 1234567"};
  draft.closed = {"forward", "", 601, ""};
  EXPECT_EQ(FieldsOf(ValidateHotline(draft, plan_)),
            (std::vector<std::string>{"closed.forwardTo", "closed.maxSeconds", "name",
                                      "noAnswer.action", "noAnswer.forwardTo",
                                      "noAnswer.maxSeconds", "noAnswer.ttsVoicemail"}));
}

TEST_F(HotlineFallbackTest, TheOtherActionsFieldsAreValidatedAndKept) {
  HotlineDraft draft = Draft();
  draft.no_answer = {"message", "Später", 30, "+4930 1234567"};
  const auto hotline = ValidateHotline(draft, plan_);
  ASSERT_TRUE(hotline.ok()) << hotline.error().detail;
  EXPECT_EQ(hotline->no_answer.action, FallbackAction::kMessage);
  EXPECT_EQ(hotline->no_answer.forward_to, "0049301234567");
  EXPECT_EQ(hotline->no_answer.max_seconds, 30);
  draft.no_answer.forward_to = "+49 900 1234567";
  EXPECT_EQ(FieldsOf(ValidateHotline(draft, plan_)),
            std::vector<std::string>{"noAnswer.forwardTo"});
}

}  // namespace
}  // namespace fr
