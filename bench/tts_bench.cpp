// Text-to-speech: how long espeak-ng takes to synthesise a typical prompt, against a hit of the
// prompt cache, median of several runs. Printed, never asserted (see bench/ in the README).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "adapters/tts/espeak_synthesizer.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using Micros = std::chrono::duration<double, std::micro>;

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

}  // namespace

int main() {
  constexpr int kRuns = 9;
  const std::string sentence =
      "Thank you for calling the helpline. All volunteers are busy, please stay on the line.";
  std::vector<double> synthesis, hit;
  double audio_seconds = 0;
  for (int run = 0; run < kRuns; ++run) {
    // A fresh synthesizer per run: its cache is empty, espeak-ng's voice stays loaded.
    auto synthesizer = fr::tts::EspeakSynthesizer::Create({});
    if (!synthesizer.ok()) {
      std::fprintf(stderr, "espeak-ng: %s\n", synthesizer.error().detail.c_str());
      return 1;
    }
    if (!(*synthesizer)->Synthesize("Warm up.", "").ok()) return 1;
    const auto start = Clock::now();
    auto first = (*synthesizer)->Synthesize(sentence, "");
    const auto synthesised = Clock::now();
    auto second = (*synthesizer)->Synthesize(sentence, "");
    const auto cached = Clock::now();
    if (!first.ok() || !second.ok()) return 1;
    synthesis.push_back(Micros(synthesised - start).count());
    hit.push_back(Micros(cached - synthesised).count());
    audio_seconds = static_cast<double>((*first)->samples.size()) / fr::Audio::kSampleRate;
  }
  const double synthesis_us = Median(synthesis);
  const double hit_us = Median(hit);
  std::printf("tts: %zu characters, %.2f s of audio, median of %d runs\n", sentence.size(),
              audio_seconds, kRuns);
  std::printf("  synthesis %10.0f us  (%.0fx faster than real time)\n", synthesis_us,
              audio_seconds * 1e6 / synthesis_us);
  std::printf("  cache hit %10.1f us  (%.0fx faster than synthesis)\n", hit_us,
              synthesis_us / hit_us);
  return 0;
}
