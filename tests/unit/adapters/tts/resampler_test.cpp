#include "adapters/tts/resampler.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <numbers>
#include <vector>

namespace fr::tts {
namespace {

constexpr int kEspeakRate = 22050;

std::vector<std::int16_t> Sine(double frequency, int rate, int sample_count, double amplitude) {
  std::vector<std::int16_t> samples(static_cast<std::size_t>(sample_count));
  for (int i = 0; i < sample_count; ++i) {
    samples[static_cast<std::size_t>(i)] = static_cast<std::int16_t>(
        std::lround(amplitude * std::sin(2 * std::numbers::pi * frequency * i / rate)));
  }
  return samples;
}

double Rms(const std::vector<std::int16_t>& samples) {
  double sum = 0;
  for (std::int16_t s : samples) sum += static_cast<double>(s) * s;
  return samples.empty() ? 0 : std::sqrt(sum / static_cast<double>(samples.size()));
}

int SignChanges(const std::vector<std::int16_t>& samples) {
  int changes = 0;
  for (std::size_t i = 1; i < samples.size(); ++i) {
    if ((samples[i - 1] < 0) != (samples[i] < 0)) ++changes;
  }
  return changes;
}

TEST(ResamplerTest, KeepsDurationPitchAndLevelOfASine) {
  const auto input = Sine(440, kEspeakRate, kEspeakRate, 10000);  // one second

  auto output = Resample(input, kEspeakRate, 8000);

  ASSERT_TRUE(output.ok()) << output.error().detail;
  EXPECT_NEAR(static_cast<double>(output->size()), 8000, 80);
  EXPECT_NEAR(SignChanges(*output), 880, 10);  // two per period
  EXPECT_NEAR(Rms(*output), Rms(input), Rms(input) * 0.05);
}

TEST(ResamplerTest, RemovesContentAboveTheNewNyquistFrequency) {
  const auto input = Sine(6000, kEspeakRate, kEspeakRate, 10000);  // above 4 kHz

  auto output = Resample(input, kEspeakRate, 8000);

  ASSERT_TRUE(output.ok());
  EXPECT_LT(Rms(*output), Rms(input) * 0.05) << "would alias to 2 kHz";
}

TEST(ResamplerTest, PassesEqualRatesAndEmptyInputThrough) {
  const auto input = Sine(440, 8000, 100, 1000);

  auto same = Resample(input, 8000, 8000);
  auto empty = Resample({}, kEspeakRate, 8000);

  ASSERT_TRUE(same.ok());
  EXPECT_EQ(*same, input);
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

TEST(ResamplerTest, RefusesRatesThatAreNotPositive) {
  const auto input = Sine(440, 8000, 100, 1000);

  auto result = Resample(input, 0, 8000);

  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace fr::tts
