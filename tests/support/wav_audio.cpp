#include "support/wav_audio.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <numbers>
#include <string>

namespace fr::testing {
namespace {

std::uint32_t Le32(const std::string& bytes, std::size_t at) {
  return static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at])) |
         static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 1])) << 8 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 2])) << 16 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[at + 3])) << 24;
}

std::uint16_t Le16(const std::string& bytes, std::size_t at) {
  return static_cast<std::uint16_t>(static_cast<unsigned char>(bytes[at]) |
                                    static_cast<unsigned char>(bytes[at + 1]) << 8);
}

}  // namespace

PcmAudio ReadWav(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  PcmAudio audio;
  if (bytes.size() < 12 || bytes.compare(0, 4, "RIFF") != 0 || bytes.compare(8, 4, "WAVE") != 0) {
    return audio;
  }
  int channels = 0, bits = 0;
  std::size_t at = 12;
  while (at + 8 <= bytes.size()) {
    const std::string id = bytes.substr(at, 4);
    const std::uint32_t size = Le32(bytes, at + 4);
    const std::size_t body = at + 8;
    if (id == "fmt " && body + 16 <= bytes.size()) {
      const std::uint16_t format = Le16(bytes, body);
      channels = Le16(bytes, body + 2);
      audio.sample_rate = static_cast<int>(Le32(bytes, body + 4));
      bits = Le16(bytes, body + 14);
      if (format != 1 || bits != 16 || channels < 1) return PcmAudio{};
    } else if (id == "data" && channels > 0) {
      // An unfinished file says 0 (or too much): take what is there.
      std::size_t end = bytes.size();
      if (size != 0 && body + size <= bytes.size()) end = body + size;
      const std::size_t frame = 2 * static_cast<std::size_t>(channels);
      for (std::size_t sample = body; sample + frame <= end; sample += frame) {
        audio.samples.push_back(static_cast<std::int16_t>(Le16(bytes, sample)));
      }
      return audio;
    }
    at = body + size + (size % 2);
  }
  return PcmAudio{};
}

double Rms(const PcmAudio& audio) {
  if (audio.samples.empty()) return 0.0;
  double energy = 0.0;
  for (const std::int16_t sample : audio.samples) energy += double(sample) * sample;
  return std::sqrt(energy / static_cast<double>(audio.samples.size()));
}

double ToneAmplitude(const PcmAudio& audio, double hz) {
  if (audio.samples.empty() || audio.sample_rate <= 0) return 0.0;
  const double coefficient = 2.0 * std::cos(2.0 * std::numbers::pi * hz / audio.sample_rate);
  double previous = 0.0, before_previous = 0.0;
  for (const std::int16_t sample : audio.samples) {
    const double current = sample + coefficient * previous - before_previous;
    before_previous = previous;
    previous = current;
  }
  const double power = previous * previous + before_previous * before_previous -
                       coefficient * previous * before_previous;
  return 2.0 * std::sqrt(std::max(power, 0.0)) / static_cast<double>(audio.samples.size());
}

}  // namespace fr::testing
