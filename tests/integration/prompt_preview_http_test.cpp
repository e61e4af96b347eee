// POST /v1/tts/preview through the real binary and its espeak-ng synthesiser (decision 0072).
#include <cmath>
#include <cstring>

#include "integration/world.hpp"

namespace fr::testing {
namespace {

using PromptPreviewHttpTest = WorldTest;

std::string PreviewBody(const std::string& text, const std::string& language = "") {
  nlohmann::json body{{"text", text}};
  if (!language.empty()) body["language"] = language;
  return body.dump();
}

std::uint32_t Le32(const std::string& bytes, std::size_t at) {
  std::uint32_t value = 0;
  for (int i = 3; i >= 0; --i) value = (value << 8) | static_cast<unsigned char>(bytes[at + i]);
  return value;
}

// The samples of a WAV answer after checking that its header says 8 kHz 16-bit mono PCM and
// that its lengths agree with the bytes sent.
std::vector<std::int16_t> SamplesOf(const std::string& wav) {
  EXPECT_GE(wav.size(), 44u);
  if (wav.size() < 44) return {};
  EXPECT_EQ(wav.substr(0, 4), "RIFF");
  EXPECT_EQ(wav.substr(8, 8), "WAVEfmt ");
  EXPECT_EQ(Le32(wav, 4), wav.size() - 8);
  EXPECT_EQ(Le32(wav, 20) & 0xffff, 1u);  // PCM
  EXPECT_EQ(Le32(wav, 20) >> 16, 1u);     // mono
  EXPECT_EQ(Le32(wav, 24), 8000u);        // sample rate
  EXPECT_EQ(Le32(wav, 32) >> 16, 16u);    // bits per sample
  EXPECT_EQ(wav.substr(36, 4), "data");
  EXPECT_EQ(Le32(wav, 40), wav.size() - 44);
  std::vector<std::int16_t> samples((wav.size() - 44) / 2);
  std::memcpy(samples.data(), wav.data() + 44, samples.size() * 2);
  return samples;
}

double Rms(const std::vector<std::int16_t>& samples) {
  double sum = 0;
  for (const std::int16_t sample : samples) sum += static_cast<double>(sample) * sample;
  return samples.empty() ? 0 : std::sqrt(sum / static_cast<double>(samples.size()));
}

TEST_F(PromptPreviewHttpTest, AnAdminHearsTheGreetingAsWav) {
  const auto result = client_->SendJson("POST", "/v1/tts/preview", {Pat(ann_token_)},
                                        PreviewBody("Welcome to the relief hotline."));
  ASSERT_EQ(result.status, 200) << result.body;
  EXPECT_EQ(result.Header("content-type"), "audio/wav");
  const auto samples = SamplesOf(result.body);
  // About two seconds of speech, not silence.
  EXPECT_GT(samples.size(), 8000u);
  EXPECT_LT(samples.size(), 8000u * 10);
  EXPECT_GT(Rms(samples), 300.0);

  // The same text again comes from the cache: the very same audio.
  const auto again = client_->SendJson("POST", "/v1/tts/preview", {Pat(ann_token_)},
                                       PreviewBody("Welcome to the relief hotline."));
  EXPECT_EQ(again.body, result.body);
  // Another voice speaks it differently; the organisation token may preview too.
  const auto german = client_->SendJson("POST", "/v1/tts/preview", {Api(org_a_token_)},
                                        PreviewBody("Welcome to the relief hotline.", "de"));
  ASSERT_EQ(german.status, 200) << german.body;
  EXPECT_NE(german.body, result.body);
  SamplesOf(german.body);
}

TEST_F(PromptPreviewHttpTest, OnlyAdminsAndOrganizationTokensMayPreview) {
  const std::string body = PreviewBody("Hello.");
  ExpectProblem(client_->SendJson("POST", "/v1/tts/preview", {}, body), 401);
  // Max is a member who administers nothing: he writes no prompts.
  ExpectProblem(client_->SendJson("POST", "/v1/tts/preview", {Pat(max_token_)}, body), 403);
  EXPECT_EQ(client_->SendJson("POST", "/v1/tts/preview", {Pat(bea_token_)}, body).status, 200);
  EXPECT_EQ(client_->SendJson("POST", "/v1/tts/preview", {Api(org_b_token_)}, body).status, 200);
}

TEST_F(PromptPreviewHttpTest, TextAndLanguageFollowTheHotlineRules) {
  const auto empty = ExpectProblem(
      client_->SendJson("POST", "/v1/tts/preview", {Pat(ann_token_)}, PreviewBody("   ")), 400);
  EXPECT_EQ(ErrorFields(empty), std::vector<std::string>{"text"});
  const auto long_text =
      ExpectProblem(client_->SendJson("POST", "/v1/tts/preview", {Pat(ann_token_)},
                                      PreviewBody(std::string(301, 'a'))),
                    400);
  EXPECT_EQ(ErrorFields(long_text), std::vector<std::string>{"text"});
  const auto language = ExpectProblem(
      client_->SendJson("POST", "/v1/tts/preview", {Pat(ann_token_)}, PreviewBody("Hi.", "xx")),
      400);
  EXPECT_EQ(ErrorFields(language), std::vector<std::string>{"language"});
  ExpectProblem(client_->SendJson("POST", "/v1/tts/preview", {Pat(ann_token_)}, R"({})"), 400);
  ExpectProblem(client_->Send("POST", "/v1/tts/preview",
                              {Pat(ann_token_), "Content-Type: text/plain"}, "Hello."),
                415);
  // 300 characters with line breaks are a greeting like any other.
  EXPECT_EQ(client_
                ->SendJson("POST", "/v1/tts/preview", {Pat(ann_token_)},
                           PreviewBody("Hello.\n" + std::string(293, 'a')))
                .status,
            200);
}

// Twenty previews in ten minutes per user, whichever token or session asks: the service is
// not a free speech farm (decision 0072).
TEST_F(PromptPreviewHttpTest, EachUserHasTwentyPreviewsInTenMinutes) {
  const std::string second_token = Secret({"token", "create", "--user", Str(bea_)});
  for (int i = 0; i < 20; ++i) {
    const auto& token = i % 2 == 0 ? bea_token_ : second_token;
    ASSERT_EQ(
        client_->SendJson("POST", "/v1/tts/preview", {Pat(token)}, PreviewBody("Hello.")).status,
        200)
        << i;
  }
  const auto refused =
      client_->SendJson("POST", "/v1/tts/preview", {Pat(second_token)}, PreviewBody("Hello."));
  ExpectProblem(refused, 429);
  EXPECT_FALSE(refused.Header("retry-after").empty());
  // Another user's allowance is their own.
  EXPECT_EQ(
      client_->SendJson("POST", "/v1/tts/preview", {Pat(ann_token_)}, PreviewBody("Hello.")).status,
      200);
}

}  // namespace
}  // namespace fr::testing
