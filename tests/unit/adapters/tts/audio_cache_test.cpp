#include "adapters/tts/audio_cache.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>

namespace fr::tts {
namespace {

std::shared_ptr<const Audio> MakeAudio(std::size_t sample_count) {
  auto audio = std::make_shared<Audio>();
  audio->samples.assign(sample_count, std::int16_t{1});
  return audio;
}

// Keys of one length, so that every entry of `kSamples` samples costs the same.
constexpr std::size_t kSamples = 1000;
std::size_t OneEntry() { return AudioCache::EntryBytes("a", *MakeAudio(kSamples)); }

TEST(AudioCacheTest, FindsWhatWasInsertedAndNothingElse) {
  AudioCache cache(10 * OneEntry());
  auto audio = MakeAudio(kSamples);
  cache.Insert("a", audio);

  EXPECT_EQ(cache.Find("a"), audio);
  EXPECT_EQ(cache.Find("b"), nullptr);
  EXPECT_EQ(cache.entry_count(), 1U);
  EXPECT_EQ(cache.used_bytes(), OneEntry());
}

TEST(AudioCacheTest, EvictsTheLeastRecentlyUsedEntryWhenFull) {
  AudioCache cache(2 * OneEntry());
  cache.Insert("a", MakeAudio(kSamples));
  cache.Insert("b", MakeAudio(kSamples));
  ASSERT_NE(cache.Find("a"), nullptr);  // "a" is now more recent than "b"

  cache.Insert("c", MakeAudio(kSamples));

  EXPECT_NE(cache.Find("a"), nullptr);
  EXPECT_EQ(cache.Find("b"), nullptr);
  EXPECT_NE(cache.Find("c"), nullptr);
  EXPECT_EQ(cache.used_bytes(), 2 * OneEntry());
}

TEST(AudioCacheTest, DoesNotStoreAnEntryLargerThanTheCapacity) {
  AudioCache cache(OneEntry());
  cache.Insert("a", MakeAudio(kSamples));

  cache.Insert("b", MakeAudio(kSamples + 1));

  EXPECT_EQ(cache.Find("b"), nullptr);
  EXPECT_NE(cache.Find("a"), nullptr) << "a refused entry must not evict others";
}

TEST(AudioCacheTest, ReplacingAnEntryKeepsTheAccountingExact) {
  AudioCache cache(10 * OneEntry());
  cache.Insert("a", MakeAudio(kSamples));
  auto replacement = MakeAudio(kSamples);

  cache.Insert("a", replacement);

  EXPECT_EQ(cache.Find("a"), replacement);
  EXPECT_EQ(cache.entry_count(), 1U);
  EXPECT_EQ(cache.used_bytes(), OneEntry());
}

TEST(AudioCacheTest, EmptyAudioStillCountsAgainstTheBound) {
  const std::size_t capacity = 10 * AudioCache::EntryBytes("k00", Audio{});
  AudioCache cache(capacity);
  for (int i = 10; i < 100; ++i) cache.Insert("k" + std::to_string(i), MakeAudio(0));

  EXPECT_EQ(cache.entry_count(), 10U);
  EXPECT_EQ(cache.used_bytes(), capacity);
}

TEST(AudioCacheTest, EvictedAudioStaysAliveForItsHolders) {
  AudioCache cache(OneEntry());
  cache.Insert("a", MakeAudio(kSamples));
  std::shared_ptr<const Audio> held = cache.Find("a");

  cache.Insert("b", MakeAudio(kSamples));

  EXPECT_EQ(cache.Find("a"), nullptr);
  EXPECT_EQ(held->samples.size(), kSamples);
}

}  // namespace
}  // namespace fr::tts
