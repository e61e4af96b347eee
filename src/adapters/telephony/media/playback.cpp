#include "adapters/telephony/media/playback.hpp"

#include <cmath>
#include <numbers>

namespace fr::media {
namespace {

constexpr int kSampleRate = 8000;
constexpr double kRingbackHz = 425.0;
constexpr int kRingbackOnSamples = 1 * kSampleRate;
constexpr int kRingbackOffSamples = 4 * kSampleRate;
// About -12 dBFS: clearly audible without clipping after G.711.
constexpr double kRingbackAmplitude = 8000.0;

std::shared_ptr<const Pcm> BuildRingbackCadence() {
  // Silence is zero, so only the tone second needs filling. 425 whole cycles fit into one
  // second, so the loop joins without a click.
  auto pcm = std::make_shared<Pcm>(kRingbackOnSamples + kRingbackOffSamples, 0);
  for (int i = 0; i < kRingbackOnSamples; ++i) {
    const double phase = 2.0 * std::numbers::pi * kRingbackHz * i / kSampleRate;
    (*pcm)[i] = static_cast<std::int16_t>(std::lround(kRingbackAmplitude * std::sin(phase)));
  }
  return pcm;
}

}  // namespace

std::shared_ptr<const Pcm> RingbackCadence() {
  static const std::shared_ptr<const Pcm> cadence = BuildRingbackCadence();
  return cadence;
}

Playback::Playback(std::shared_ptr<const Pcm> pcm, bool looped, std::function<void()> on_finished)
    : pcm_(pcm ? std::move(pcm) : std::make_shared<const Pcm>()),
      looped_(looped),
      on_finished_(std::move(on_finished)) {}

Playback Playback::Once(std::shared_ptr<const Pcm> pcm, std::function<void()> on_finished) {
  return {std::move(pcm), false, std::move(on_finished)};
}

Playback Playback::Looped(std::shared_ptr<const Pcm> pcm) {
  return {std::move(pcm), true, nullptr};
}

bool Playback::NextFrame(std::span<std::int16_t, kSamplesPerFrame> frame) {
  if (pcm_->empty() || Finished()) return false;
  const Pcm& pcm = *pcm_;
  // A loop continues from its start within the same frame; a prompt's tail is padded.
  for (std::int16_t& sample : frame) {
    if (position_ == pcm.size() && looped_) position_ = 0;
    sample = position_ < pcm.size() ? pcm[position_++] : std::int16_t{0};
  }
  return true;
}

bool Playback::Finished() const { return !looped_ && position_ >= pcm_->size(); }

}  // namespace fr::media
