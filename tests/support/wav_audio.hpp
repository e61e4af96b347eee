#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

// Audio that SIP peers recorded, and the measures a test needs to say "this is the caller's
// voice": loudness and the strength of one frequency.
namespace fr::testing {

// Linear 16-bit PCM, one channel (the first, if the file had more).
struct PcmAudio {
  int sample_rate = 0;
  std::vector<std::int16_t> samples;

  double Seconds() const {
    return sample_rate > 0 ? static_cast<double>(samples.size()) / sample_rate : 0.0;
  }
};

// Reads a 16-bit PCM WAV file. A file still being written (its sizes not yet filled in) is read
// up to its end. Returns empty audio if the file is missing or not 16-bit PCM WAV.
PcmAudio ReadWav(const std::filesystem::path& path);

// Root mean square of the samples (0 for none): digital silence is 0, a full-scale sine ~23170.
double Rms(const PcmAudio& audio);

// The amplitude of the `hz` component of the audio (Goertzel over all samples): a pure sine of
// amplitude A at that frequency gives about A, other frequencies about 0.
double ToneAmplitude(const PcmAudio& audio, double hz);

}  // namespace fr::testing
