#include "adapters/tts/espeak_synthesizer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <latch>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace fr::tts {
namespace {

using Clock = std::chrono::steady_clock;

std::unique_ptr<EspeakSynthesizer> MakeSynthesizer(EspeakConfig config = {}) {
  auto created = EspeakSynthesizer::Create(std::move(config));
  if (!created.ok()) {
    ADD_FAILURE() << "Create failed: " << created.error().detail;
    return nullptr;
  }
  return std::move(created).value();
}

double Seconds(const Audio& audio) {
  return static_cast<double>(audio.samples.size()) / Audio::kSampleRate;
}

double Rms(const Audio& audio) {
  double sum = 0;
  for (std::int16_t s : audio.samples) sum += static_cast<double>(s) * s;
  return audio.samples.empty() ? 0 : std::sqrt(sum / static_cast<double>(audio.samples.size()));
}

int MaxMagnitude(const Audio& audio) {
  int peak = 0;
  for (std::int16_t s : audio.samples) peak = std::max(peak, std::abs(static_cast<int>(s)));
  return peak;
}

void ExpectInvalidArgument(const Result<std::shared_ptr<const Audio>>& result) {
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument);
}

TEST(EspeakSynthesizerTest, SpeaksHelloAudiblyForAPlausibleTime) {
  auto synthesizer = MakeSynthesizer();
  ASSERT_NE(synthesizer, nullptr);

  auto audio = synthesizer->Synthesize("Hello", "");

  ASSERT_TRUE(audio.ok()) << audio.error().detail;
  EXPECT_GT(Seconds(**audio), 0.2);
  EXPECT_LT(Seconds(**audio), 3.0);
  EXPECT_GT(Rms(**audio), 500.0) << "speech, not silence";
}

TEST(EspeakSynthesizerTest, SameTextAndVoiceShareOneCachedAudio) {
  auto synthesizer = MakeSynthesizer();
  ASSERT_NE(synthesizer, nullptr);

  auto first = synthesizer->Synthesize("Hello", "en");
  auto again = synthesizer->Synthesize("Hello", "en");
  auto by_default = synthesizer->Synthesize("Hello", "");

  ASSERT_TRUE(first.ok() && again.ok() && by_default.ok());
  EXPECT_EQ(*first, *again);
  EXPECT_EQ(*first, *by_default) << "the empty voice is the configured default, \"en\"";
  const auto stats = synthesizer->cache_stats();
  EXPECT_EQ(stats.misses, 1u) << "one synthesis";
  EXPECT_EQ(stats.hits, 2u);
}

TEST(EspeakSynthesizerTest, AnotherVoiceGivesOtherAudio) {
  auto synthesizer = MakeSynthesizer();
  ASSERT_NE(synthesizer, nullptr);

  auto english = synthesizer->Synthesize("Hello", "en");
  auto german = synthesizer->Synthesize("Hello", "de");

  ASSERT_TRUE(english.ok() && german.ok());
  EXPECT_NE(*english, *german);
  EXPECT_NE((*english)->samples, (*german)->samples);
  EXPECT_GT(Rms(**german), 500.0);
}

TEST(EspeakSynthesizerTest, TheDefaultVoiceIsConfigurable) {
  auto synthesizer = MakeSynthesizer({.default_voice = "de"});
  ASSERT_NE(synthesizer, nullptr);

  auto by_default = synthesizer->Synthesize("Hallo", "");
  auto explicit_german = synthesizer->Synthesize("Hallo", "de");

  ASSERT_TRUE(by_default.ok() && explicit_german.ok());
  EXPECT_EQ(*by_default, *explicit_german);
}

TEST(EspeakSynthesizerTest, RefusesUnknownAndMalformedVoices) {
  auto synthesizer = MakeSynthesizer();
  ASSERT_NE(synthesizer, nullptr);

  ExpectInvalidArgument(synthesizer->Synthesize("Hello", "xx"));
  ExpectInvalidArgument(synthesizer->Synthesize("Hello", "../../etc/passwd"));
  ExpectInvalidArgument(synthesizer->Synthesize("Hello", std::string(1000, 'e')));
  EXPECT_TRUE(synthesizer->Synthesize("Hello", "en").ok()) << "a refused voice leaves no trace";
}

TEST(EspeakSynthesizerTest, RefusesEmptyOverlongAndMalformedText) {
  auto synthesizer = MakeSynthesizer();
  ASSERT_NE(synthesizer, nullptr);
  std::string longest;
  while (longest.size() < EspeakSynthesizer::kMaxTextCodePoints) longest += "ab ";

  ExpectInvalidArgument(synthesizer->Synthesize("", ""));
  ExpectInvalidArgument(synthesizer->Synthesize(" \t\n ", ""));
  ExpectInvalidArgument(synthesizer->Synthesize(longest + "a", ""));
  ExpectInvalidArgument(synthesizer->Synthesize("caf\xc3", ""));  // truncated UTF-8
  EXPECT_TRUE(synthesizer->Synthesize(longest, "").ok());
}

TEST(EspeakSynthesizerTest, CountsTheLimitInCodePointsNotBytes) {
  auto synthesizer = MakeSynthesizer();
  ASSERT_NE(synthesizer, nullptr);
  std::string umlauts;  // 300 code points, 600 bytes
  for (int i = 0; i < 100; ++i) umlauts += "\xc3\xa4\xc3\xb6 ";

  EXPECT_TRUE(synthesizer->Synthesize(umlauts, "de").ok());
}

TEST(EspeakSynthesizerTest, RefusesABadConfiguration) {
  // First, so that when this test runs alone espeak-ng is not yet initialised.
  auto no_data = EspeakSynthesizer::Create({.data_path = "/nonexistent/espeak-ng-data"});
  auto unknown_voice = EspeakSynthesizer::Create({.default_voice = "xx"});
  auto too_fast = EspeakSynthesizer::Create({.words_per_minute = 1000});

  ASSERT_FALSE(unknown_voice.ok());
  EXPECT_EQ(unknown_voice.error().code, ErrorCode::kInvalidArgument);
  ASSERT_FALSE(too_fast.ok());
  EXPECT_EQ(too_fast.error().code, ErrorCode::kInvalidArgument);
  // kInvalidArgument when this process has not initialised espeak-ng yet (ctest runs each test
  // alone), kFailedPrecondition when an earlier test did with the default path.
  EXPECT_FALSE(no_data.ok());
}

TEST(EspeakSynthesizerTest, EvictsLeastRecentlyUsedAudioBeyondTheCapacity) {
  auto measuring = MakeSynthesizer();
  ASSERT_NE(measuring, nullptr);
  auto hello = measuring->Synthesize("Hello", "");
  auto goodbye = measuring->Synthesize("Goodbye", "");
  ASSERT_TRUE(hello.ok() && goodbye.ok());
  // Room for the larger of the two, never for both. espeak-ng's output varies by a few samples
  // from call to call (it carries state over), hence the margin.
  constexpr std::size_t kMargin = 1000;
  const std::size_t hello_bytes = AudioCache::EntryBytes("en Hello", **hello);
  const std::size_t goodbye_bytes = AudioCache::EntryBytes("en Goodbye", **goodbye);
  ASSERT_GT(std::min(hello_bytes, goodbye_bytes), 2 * kMargin);
  auto synthesizer =
      MakeSynthesizer({.cache_capacity_bytes = std::max(hello_bytes, goodbye_bytes) + kMargin});
  ASSERT_NE(synthesizer, nullptr);

  auto first_hello = synthesizer->Synthesize("Hello", "");
  auto cached_hello = synthesizer->Synthesize("Hello", "");
  auto first_goodbye = synthesizer->Synthesize("Goodbye", "");
  auto cached_goodbye = synthesizer->Synthesize("Goodbye", "");
  auto evicted_hello = synthesizer->Synthesize("Hello", "");

  ASSERT_TRUE(first_hello.ok() && cached_hello.ok() && evicted_hello.ok());
  ASSERT_TRUE(first_goodbye.ok() && cached_goodbye.ok());
  EXPECT_EQ(*first_hello, *cached_hello);
  EXPECT_EQ(*first_goodbye, *cached_goodbye);
  EXPECT_NE(*first_hello, *evicted_hello) << "synthesised again after eviction";
}

// Room for any two of three prompts, never for all three: after A, B, A again, then C, the
// least recently used prompt (B) goes and A stays. First-in-first-out would drop A instead.
TEST(EspeakSynthesizerTest, EvictsTheLeastRecentlyUsedNotTheOldest) {
  auto measuring = MakeSynthesizer();
  ASSERT_NE(measuring, nullptr);
  const std::vector<std::string> texts = {"Alpha", "Bravo", "Charlie"};
  std::vector<std::size_t> bytes;
  for (const std::string& text : texts) {
    auto audio = measuring->Synthesize(text, "");
    ASSERT_TRUE(audio.ok());
    bytes.push_back(AudioCache::EntryBytes("en " + text, **audio));
  }
  std::sort(bytes.begin(), bytes.end());
  constexpr std::size_t kMargin = 1000;  // espeak-ng's output varies by a few samples
  ASSERT_GT(bytes[0], 2 * kMargin);
  auto synthesizer = MakeSynthesizer({.cache_capacity_bytes = bytes[1] + bytes[2] + kMargin});
  ASSERT_NE(synthesizer, nullptr);

  auto alpha = synthesizer->Synthesize("Alpha", "");
  auto bravo = synthesizer->Synthesize("Bravo", "");
  auto alpha_again = synthesizer->Synthesize("Alpha", "");
  ASSERT_TRUE(alpha.ok() && bravo.ok() && alpha_again.ok());
  ASSERT_EQ(*alpha, *alpha_again) << "both fit";
  ASSERT_TRUE(synthesizer->Synthesize("Charlie", "").ok());

  auto alpha_after = synthesizer->Synthesize("Alpha", "");
  auto bravo_after = synthesizer->Synthesize("Bravo", "");
  ASSERT_TRUE(alpha_after.ok() && bravo_after.ok());
  EXPECT_EQ(*alpha, *alpha_after) << "recently used: kept";
  EXPECT_NE(*bravo, *bravo_after) << "least recently used: evicted and synthesised again";
}

TEST(EspeakSynthesizerTest, WithATinyCacheEveryCallStillSucceeds) {
  auto synthesizer = MakeSynthesizer({.cache_capacity_bytes = 1});
  ASSERT_NE(synthesizer, nullptr);

  auto first = synthesizer->Synthesize("Hello", "");
  auto second = synthesizer->Synthesize("Hello", "");

  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_NE(*first, *second);
}

TEST(EspeakSynthesizerTest, ReadsMarkupAsText) {
  auto synthesizer = MakeSynthesizer();
  ASSERT_NE(synthesizer, nullptr);

  auto markup = synthesizer->Synthesize("<speak>hi</speak>", "");
  auto plain = synthesizer->Synthesize("hi", "");

  ASSERT_TRUE(markup.ok() && plain.ok());
  EXPECT_GT(Seconds(**markup), 2 * Seconds(**plain)) << "the tags are spoken, not obeyed";
}

// U+0001 starts an espeak-ng embedded command: unfiltered, "\x01" "80S" slows the rest of the
// clause to 80 words per minute and "\x01" "300A" triples the amplitude into clipping.
TEST(EspeakSynthesizerTest, IgnoresEmbeddedCommandEscapes) {
  auto synthesizer = MakeSynthesizer();
  ASSERT_NE(synthesizer, nullptr);

  const std::string escape(1, '\x01');
  auto slowed = synthesizer->Synthesize("Hello " + escape + "80S world, how are you today?", "");
  auto plain = synthesizer->Synthesize("Hello  80S world, how are you today?", "");
  auto amplified =
      synthesizer->Synthesize("Hello " + escape + "300A world, how are you today?", "");

  ASSERT_TRUE(slowed.ok() && plain.ok() && amplified.ok());
  EXPECT_LT(Seconds(**slowed), 1.1 * Seconds(**plain));
  EXPECT_LT(MaxMagnitude(**amplified), 32000);
}

TEST(EspeakSynthesizerTest, ConcurrentCallersAllSucceedAndShareAudio) {
  auto synthesizer = MakeSynthesizer();
  ASSERT_NE(synthesizer, nullptr);
  const std::vector<std::pair<std::string, std::string>> requests = {
      {"One", "en"},  {"Two", "en"},  {"Three", "en"}, {"Please hold.", "en"},
      {"Eins", "de"}, {"Zwei", "de"}, {"Drei", "de"},  {"Bitte warten.", "de"}};
  std::mutex mutex;
  std::map<std::string, std::set<const Audio*>> audio_by_text;
  int failures = 0;

  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (std::size_t i = 0; i < 3 * requests.size(); ++i) {
        const auto& [text, voice] = requests[(t + i) % requests.size()];
        auto audio = synthesizer->Synthesize(text, voice);
        std::lock_guard lock(mutex);
        if (!audio.ok() || (*audio)->samples.empty()) {
          ++failures;
          continue;
        }
        audio_by_text[text].insert(audio->get());
      }
    });
  }
  for (auto& thread : threads) thread.join();

  EXPECT_EQ(failures, 0);
  ASSERT_EQ(audio_by_text.size(), requests.size());
  for (const auto& [text, audios] : audio_by_text) {
    EXPECT_EQ(audios.size(), 1U) << text << " was synthesised more than once";
  }
}

TEST(EspeakSynthesizerTest, SimultaneousCallersForOneTextShareOneSynthesis) {
  auto synthesizer = MakeSynthesizer();
  ASSERT_NE(synthesizer, nullptr);
  const std::string text =  // long enough (seconds of speech) for the callers to overlap
      "Welcome to the helpline. Calls may be recorded. A volunteer will be with you shortly, "
      "please stay on the line. If you are in danger right now, hang up and call emergency "
      "services.";
  constexpr int kCallers = 8;
  std::latch start(kCallers);
  std::vector<std::shared_ptr<const Audio>> results(kCallers);

  std::vector<std::thread> threads;
  for (int i = 0; i < kCallers; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      auto audio = synthesizer->Synthesize(text, "");
      if (audio.ok()) results[static_cast<std::size_t>(i)] = *audio;
    });
  }
  for (auto& thread : threads) thread.join();

  ASSERT_NE(results[0], nullptr);
  for (const auto& audio : results) EXPECT_EQ(audio, results[0]);
  const auto stats = synthesizer->cache_stats();
  EXPECT_EQ(stats.misses, 1u) << "one synthesis; the others waited for it or found it cached";
  EXPECT_EQ(stats.hits, kCallers - 1u);
}

}  // namespace
}  // namespace fr::tts
