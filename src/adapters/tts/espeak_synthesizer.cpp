#include "adapters/tts/espeak_synthesizer.hpp"

#include <spdlog/spdlog.h>

#include <exception>
#include <utility>
#include <vector>

#include "adapters/tts/espeak_engine.hpp"
#include "adapters/tts/resampler.hpp"
#include "common/text.hpp"

namespace fr::tts {

namespace {

// espeak-ng's accepted range (espeakRATE_MINIMUM..espeakRATE_MAXIMUM).
constexpr int kMinWordsPerMinute = 80;
constexpr int kMaxWordsPerMinute = 450;

Status CheckText(const std::string& text) {
  if (!IsValidUtf8(text)) return Error::InvalidArgument("text is not valid UTF-8");
  if (TrimAsciiWhitespace(text).empty()) return Error::InvalidArgument("text is empty");
  if (CountCodePoints(text) > EspeakSynthesizer::kMaxTextCodePoints) {
    return Error::InvalidArgument("text is longer than " +
                                  std::to_string(EspeakSynthesizer::kMaxTextCodePoints) +
                                  " characters");
  }
  return Ok();
}

Status CheckConfig(const EspeakConfig& config) {
  if (config.words_per_minute < kMinWordsPerMinute ||
      config.words_per_minute > kMaxWordsPerMinute) {
    return Error::InvalidArgument("speech rate must be between 80 and 450 words per minute");
  }
  return Ok();
}

// A voice name cannot contain '\0', so the first '\0' separates the two parts unambiguously.
std::string CacheKey(const std::string& voice, const std::string& text) {
  std::string key;
  key.reserve(voice.size() + 1 + text.size());
  key.append(voice).push_back('\0');
  key.append(text);
  return key;
}

}  // namespace

Result<std::unique_ptr<EspeakSynthesizer>> EspeakSynthesizer::Create(EspeakConfig config) {
  FR_RETURN_IF_ERROR(CheckConfig(config));
  FR_RETURN_IF_ERROR(InitializeEspeak(config.data_path));
  FR_RETURN_IF_ERROR(CheckEspeakVoice(config.default_voice));
  return std::unique_ptr<EspeakSynthesizer>(new EspeakSynthesizer(std::move(config)));
}

EspeakSynthesizer::EspeakSynthesizer(EspeakConfig config)
    : config_(std::move(config)), cache_(config_.cache_capacity_bytes) {}

Result<std::shared_ptr<const Audio>> EspeakSynthesizer::Synthesize(const std::string& text,
                                                                   const std::string& voice) {
  FR_RETURN_IF_ERROR(CheckText(text));
  const std::string& chosen_voice = voice.empty() ? config_.default_voice : voice;
  // Checked before touching shared state, so that junk never becomes a key.
  if (!IsWellFormedVoiceName(chosen_voice)) {
    return Error::InvalidArgument("unknown voice \"" + chosen_voice + "\"");
  }
  const std::string key = CacheKey(chosen_voice, text);

  std::promise<Outcome> promise;
  std::shared_future<Outcome> pending;
  {
    std::lock_guard lock(mutex_);
    ++stats_.by_voice[chosen_voice];
    if (std::shared_ptr<const Audio> cached = cache_.Find(key)) {
      ++stats_.hits;
      return cached;
    }
    pending = JoinOrClaimLocked(key, promise);
    ++(pending.valid() ? stats_.hits : stats_.misses);
  }
  if (pending.valid()) return pending.get();
  return SynthesizeAndPublish(key, text, chosen_voice, promise);
}

EspeakSynthesizer::CacheStats EspeakSynthesizer::cache_stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

std::shared_future<EspeakSynthesizer::Outcome> EspeakSynthesizer::JoinOrClaimLocked(
    const std::string& key, std::promise<Outcome>& promise) {
  if (auto found = pending_.find(key); found != pending_.end()) return found->second;
  pending_.emplace(key, promise.get_future().share());
  return {};
}

EspeakSynthesizer::Outcome EspeakSynthesizer::SynthesizeAndPublish(const std::string& key,
                                                                   const std::string& text,
                                                                   const std::string& voice,
                                                                   std::promise<Outcome>& promise) {
  Outcome outcome = Error::Internal("speech synthesis failed");
  try {
    outcome = SynthesizeUncached(text, voice);
  } catch (const std::exception& error) {
    // Caught here so that waiting callers always get an answer (e.g. after std::bad_alloc).
    spdlog::error("tts: synthesis failed: {}", error.what());
  }
  // Waiters are answered first, so nothing below can leave them hanging. A caller arriving in
  // between still finds the (now ready) pending entry.
  promise.set_value(outcome);
  std::lock_guard lock(mutex_);
  pending_.erase(key);
  if (outcome.ok()) cache_.Insert(key, outcome.value());
  return outcome;
}

EspeakSynthesizer::Outcome EspeakSynthesizer::SynthesizeUncached(const std::string& text,
                                                                 const std::string& voice) const {
  FR_ASSIGN_OR_RETURN(NativeSpeech speech,
                      SynthesizeWithEspeak(text, voice, config_.words_per_minute));
  // Resampling runs after espeak-ng's lock is released, so it overlaps the next synthesis.
  FR_ASSIGN_OR_RETURN(std::vector<std::int16_t> samples,
                      Resample(speech.samples, speech.sample_rate, Audio::kSampleRate));
  auto audio = std::make_shared<Audio>();
  audio->samples = std::move(samples);
  return std::shared_ptr<const Audio>(std::move(audio));
}

}  // namespace fr::tts
