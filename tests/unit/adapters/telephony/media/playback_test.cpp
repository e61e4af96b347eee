#include "adapters/telephony/media/playback.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <numeric>

namespace fr::media {
namespace {

using Frame = std::array<std::int16_t, kSamplesPerFrame>;

bool IsSilent(const Frame& frame) {
  return std::all_of(frame.begin(), frame.end(), [](std::int16_t s) { return s == 0; });
}

TEST(PlaybackTest, PlaysOnceInWholeFramesPaddedWithSilence) {
  auto pcm = std::make_shared<Pcm>(2 * kSamplesPerFrame + 1);
  std::iota(pcm->begin(), pcm->end(), 1);
  Playback playback = Playback::Once(pcm, [] {});
  Frame frame{};

  ASSERT_TRUE(playback.NextFrame(frame));
  EXPECT_EQ(frame.front(), 1);
  ASSERT_TRUE(playback.NextFrame(frame));
  EXPECT_FALSE(playback.Finished());
  ASSERT_TRUE(playback.NextFrame(frame));
  EXPECT_EQ(frame[0], 2 * kSamplesPerFrame + 1);
  EXPECT_EQ(frame[1], 0);
  EXPECT_TRUE(playback.Finished());
  EXPECT_FALSE(playback.NextFrame(frame));
  EXPECT_TRUE(playback.TakeOnFinished());
  EXPECT_FALSE(playback.TakeOnFinished());
}

TEST(PlaybackTest, EmptyOrMissingAudioIsFinishedAtOnce) {
  Frame frame{};
  Playback empty = Playback::Once(std::make_shared<Pcm>(), nullptr);
  Playback missing = Playback::Once(nullptr, nullptr);
  EXPECT_TRUE(empty.Finished());
  EXPECT_FALSE(empty.NextFrame(frame));
  EXPECT_TRUE(missing.Finished());
  EXPECT_FALSE(missing.NextFrame(frame));
}

// Distinct samples 1..N show exactly where the loop wraps: sample k of the output stream is
// sample (k mod N) + 1 of the audio, also across the wrap inside a frame.
TEST(PlaybackTest, LoopNeverFinishesAndWrapsWithinAFrame) {
  constexpr std::size_t kLength = kSamplesPerFrame + 10;
  auto pcm = std::make_shared<Pcm>(kLength);
  std::iota(pcm->begin(), pcm->end(), 1);
  Playback loop = Playback::Looped(pcm);
  Frame frame{};
  std::size_t position = 0;
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(loop.NextFrame(frame));
    for (std::size_t k = 0; k < frame.size(); ++k, ++position) {
      ASSERT_EQ(frame[k], static_cast<std::int16_t>(position % kLength + 1))
          << "frame " << i << ", sample " << k;
    }
    EXPECT_FALSE(loop.Finished());
  }
}

// 1 s of 425 Hz, 4 s of silence (50 and 200 frames), then again.
TEST(PlaybackTest, RingbackFollowsTheEuropeanCadence) {
  Playback ringback = Playback::Looped(RingbackCadence());
  Frame frame{};
  int zero_crossings = 0;
  std::int16_t previous = 0;
  for (int index = 0; index < 251; ++index) {
    ASSERT_TRUE(ringback.NextFrame(frame));
    const bool tone_expected = index < 50 || index == 250;
    EXPECT_EQ(IsSilent(frame), !tone_expected) << "frame " << index;
    if (index >= 50) continue;
    for (std::int16_t sample : frame) {
      if ((previous < 0) != (sample < 0)) ++zero_crossings;
      previous = sample;
    }
  }
  // Two crossings per cycle: 425 Hz gives 850 in one second.
  EXPECT_NEAR(zero_crossings, 850, 2);
}

}  // namespace
}  // namespace fr::media
