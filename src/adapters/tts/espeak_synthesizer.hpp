#pragma once

#include <cstddef>
#include <cstdint>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "adapters/tts/audio_cache.hpp"
#include "app/speech_synthesizer.hpp"
#include "common/result.hpp"

namespace fr::tts {

struct EspeakConfig {
  // The voice for calls that name none: an espeak-ng voice name ("en", "de", "en-us", "en+f3").
  std::string default_voice = "en";
  // Speaking rate; espeak-ng accepts 80..450, its own default is 175.
  int words_per_minute = 160;
  // Bound of the audio cache, counting 2 bytes a sample plus keys and bookkeeping.
  // 64 MiB holds about 70 minutes of 8 kHz speech.
  std::size_t cache_capacity_bytes = std::size_t{64} << 20;
  // The espeak-ng-data directory or its parent; empty: $ESPEAK_DATA_PATH, else the package's.
  std::string data_path;
};

// SpeechSynthesizer with espeak-ng, resampled to 8 kHz with speexdsp, cached by text and voice
// (least recently used entries evicted beyond the configured bytes).
//
// Text: valid UTF-8, 1..300 code points, not only white space; spoken as plain text (markup
// such as "<speak>" is read out, control characters are read as spaces).
//
// Thread-safety: Synthesize may be called from any number of threads. espeak-ng is one
// process-wide, non-thread-safe library, so syntheses of different texts run one at a time
// (across all instances). Concurrent calls for the same uncached text and voice share one
// synthesis: the first caller synthesises, the others wait for its result. The cache has its own
// lock, held only for lookups and inserts, so a cache hit never waits for a synthesis.
// Failures are not cached: the next call tries again.
class EspeakSynthesizer final : public SpeechSynthesizer {
 public:
  static constexpr std::size_t kMaxTextCodePoints = 300;

  // Initialises espeak-ng (once per process) and checks the configuration.
  // Errors: kInvalidArgument (unknown default voice, rate out of range, data path that is not a
  // directory); kFailedPrecondition (another instance initialised espeak-ng with another data
  // path); kInternal (espeak-ng could not start; the reason is logged).
  static Result<std::unique_ptr<EspeakSynthesizer>> Create(EspeakConfig config);

  EspeakSynthesizer(const EspeakSynthesizer&) = delete;
  EspeakSynthesizer& operator=(const EspeakSynthesizer&) = delete;

  // What the cache saved so far (decision 0034). A hit is a call answered without a synthesis
  // of its own: from the cache, or by waiting for the same text's synthesis in progress; a
  // miss is a synthesis attempted (also one that failed). Malformed text or voice names are
  // refused before the cache and count as neither. Thread-safe.
  struct CacheStats {
    std::uint64_t hits = 0;
    std::uint64_t misses = 0;
    // Hits and misses by the voice asked for (a hotline's language, decision 0043): as many
    // keys as voices in use, at most the languages a hotline may name plus --tts-voice.
    std::map<std::string, std::uint64_t> by_voice;
  };
  CacheStats cache_stats() const;

  // See SpeechSynthesizer. Also kInvalidArgument for text that is not valid UTF-8, longer than
  // kMaxTextCodePoints or only white space.
  Result<std::shared_ptr<const Audio>> Synthesize(const std::string& text,
                                                  const std::string& voice) override;

 private:
  using Outcome = Result<std::shared_ptr<const Audio>>;

  explicit EspeakSynthesizer(EspeakConfig config);

  // Under mutex_: another caller's pending synthesis of `key`, or, when there is none, an empty
  // future after registering `promise` so that later callers wait for this one.
  std::shared_future<Outcome> JoinOrClaimLocked(const std::string& key,
                                                std::promise<Outcome>& promise);
  // Synthesises for a claimed key, caches a success, and hands the outcome to the waiters.
  Outcome SynthesizeAndPublish(const std::string& key, const std::string& text,
                               const std::string& voice, std::promise<Outcome>& promise);
  Outcome SynthesizeUncached(const std::string& text, const std::string& voice) const;

  const EspeakConfig config_;
  mutable std::mutex mutex_;  // never held during synthesis
  AudioCache cache_;  // Guarded by mutex_.
  std::unordered_map<std::string, std::shared_future<Outcome>> pending_;  // Guarded by mutex_.
  CacheStats stats_;  // Guarded by mutex_.
};

}  // namespace fr::tts
