#include "app/prompt_preview_service.hpp"

#include <gtest/gtest.h>

#include "fakes/fake_clock.hpp"

namespace fr {
namespace {

using std::chrono::minutes;

// Says every text as one sample per character; records the voices asked for.
class CountingSynthesizer final : public SpeechSynthesizer {
 public:
  Result<std::shared_ptr<const Audio>> Synthesize(const std::string& text,
                                                  const std::string& voice) override {
    voices.push_back(voice);
    auto audio = std::make_shared<Audio>();
    audio->samples.assign(text.size(), 1000);
    return std::shared_ptr<const Audio>(std::move(audio));
  }
  std::vector<std::string> voices;
};

Membership MembershipAs(Role role, std::int64_t organization) {
  return {OrganizationId(organization), UserId(1), role, false, Timestamp{}};
}

class PromptPreviewServiceTest : public ::testing::Test {
 protected:
  Principal Admin(std::int64_t user = 1) {
    return Principal::ForUser(UserId(user), TokenId(10 + user), {MembershipAs(Role::kAdmin, 1)});
  }

  testing::FakeClock clock_;
  CountingSynthesizer speech_;
  PromptPreviewService previews_{
      &speech_, clock_, {.previews_per_window = 3, .window = minutes(10)}};
};

TEST_F(PromptPreviewServiceTest, SpeaksTheTrimmedTextInTheCanonicalLanguage) {
  const auto audio = previews_.Preview(Admin(), {" Hello. ", "EN-gb"});
  ASSERT_TRUE(audio.ok());
  EXPECT_EQ((*audio)->samples.size(), 6u);
  ASSERT_TRUE(previews_.Preview(Admin(), {"Hello.", ""}).ok());
  ASSERT_TRUE(previews_.Preview(Admin(), {"Hello.", std::nullopt}).ok());
  // A tag names its voice; none (or empty) is the service's own voice.
  EXPECT_EQ(speech_.voices, (std::vector<std::string>{"en-GB", "", ""}));
}

TEST_F(PromptPreviewServiceTest, OnlyAdminsAndOrganizationTokensMayPreview) {
  const Principal member =
      Principal::ForUser(UserId(2), TokenId(2), {MembershipAs(Role::kMember, 1)});
  EXPECT_EQ(previews_.Preview(member, {"Hi.", {}}).error().code, ErrorCode::kPermissionDenied);
  const Principal nobody = Principal::ForUser(UserId(3), TokenId(3), {});
  EXPECT_EQ(previews_.Preview(nobody, {"Hi.", {}}).error().code, ErrorCode::kPermissionDenied);
  EXPECT_TRUE(
      previews_.Preview(Principal::ForOrganization(OrganizationId(1), TokenId(4)), {"Hi.", {}})
          .ok());
  EXPECT_EQ(speech_.voices.size(), 1u);
}

TEST_F(PromptPreviewServiceTest, InvalidTextAndLanguageAreFieldErrors) {
  const auto result = previews_.Preview(Admin(), {std::string(301, 'a'), "xx"});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument);
  ASSERT_EQ(result.error().field_errors.size(), 2u);
  EXPECT_EQ(result.error().field_errors[0].field, "text");
  EXPECT_EQ(result.error().field_errors[1].field, "language");
  EXPECT_EQ(previews_.Preview(Admin(), {" \n ", {}}).error().field_errors[0].field, "text");
  EXPECT_TRUE(speech_.voices.empty());
}

TEST_F(PromptPreviewServiceTest, EachUserHasAnAllowancePerWindow) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(previews_.Preview(Admin(), {"Hi.", {}}).ok()) << i;
  EXPECT_EQ(previews_.Preview(Admin(), {"Hi.", {}}).error().code, ErrorCode::kTooManyRequests);
  // Invalid requests are refused before they count, and another user has their own allowance.
  EXPECT_EQ(previews_.Preview(Admin(), {"", {}}).error().code, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(previews_.Preview(Admin(2), {"Hi.", {}}).ok());
  clock_.Advance(minutes(10) + std::chrono::milliseconds(1));
  EXPECT_TRUE(previews_.Preview(Admin(), {"Hi.", {}}).ok());
}

TEST(PromptPreviewServiceWithoutSpeech, IsUnavailable) {
  testing::FakeClock clock;
  PromptPreviewService previews(nullptr, clock);
  const Principal admin =
      Principal::ForUser(UserId(1), TokenId(1), {MembershipAs(Role::kAdmin, 1)});
  EXPECT_EQ(previews.Preview(admin, {"Hi.", {}}).error().code, ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace fr
