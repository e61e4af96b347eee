#include "adapters/telephony/media/g711.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cassert>

namespace fr::media {
namespace {

// µ-law adds a bias so that every segment boundary is a power of two, and clips just below
// full scale so that the biased magnitude still fits in 15 bits.
constexpr int kMuLawBias = 0x84;
constexpr int kMuLawClip = 32635;
// A-law inverts the even bits of every code so that quiet signals do not give long runs of
// zeros on the line.
constexpr std::uint8_t kALawEvenBits = 0x55;

using TranscodeTable = std::array<std::uint8_t, 256>;

TranscodeTable BuildTable(std::uint8_t (*encode)(std::int16_t),
                          std::int16_t (*decode)(std::uint8_t)) {
  TranscodeTable table{};
  for (int code = 0; code < 256; ++code) {
    table[code] = encode(decode(static_cast<std::uint8_t>(code)));
  }
  return table;
}

const TranscodeTable& MuLawToALaw() {
  static const TranscodeTable table = BuildTable(EncodeALaw, DecodeMuLaw);
  return table;
}

const TranscodeTable& ALawToMuLaw() {
  static const TranscodeTable table = BuildTable(EncodeMuLaw, DecodeALaw);
  return table;
}

// Both encoders take negative samples as their one's complement (-x - 1), as the ITU-T G.191
// reference implementation does, so -32768 needs no special case and the codes match it.
int OnesComplementMagnitude(std::int16_t sample) { return sample < 0 ? -sample - 1 : sample; }

}  // namespace

std::uint8_t EncodeMuLaw(std::int16_t sample) {
  const int sign = sample < 0 ? 0x80 : 0x00;
  const int magnitude = std::min(OnesComplementMagnitude(sample), kMuLawClip) + kMuLawBias;
  // The biased magnitude is in [2^7, 2^15): its top bit gives the segment (0..7).
  const int segment = static_cast<int>(std::bit_width(static_cast<unsigned>(magnitude))) - 8;
  const int mantissa = (magnitude >> (segment + 3)) & 0x0F;
  return static_cast<std::uint8_t>(~(sign | (segment << 4) | mantissa));
}

std::int16_t DecodeMuLaw(std::uint8_t code) {
  const int bits = static_cast<std::uint8_t>(~code);
  const int segment = (bits >> 4) & 0x07;
  const int mantissa = bits & 0x0F;
  const int magnitude = (((mantissa << 3) + kMuLawBias) << segment) - kMuLawBias;
  return static_cast<std::int16_t>((bits & 0x80) != 0 ? -magnitude : magnitude);
}

std::uint8_t EncodeALaw(std::int16_t sample) {
  const int sign = sample >= 0 ? 0x80 : 0x00;
  const int magnitude = OnesComplementMagnitude(sample);
  const int segment =
      std::max(static_cast<int>(std::bit_width(static_cast<unsigned>(magnitude))) - 8, 0);
  const int mantissa = (magnitude >> (segment == 0 ? 4 : segment + 3)) & 0x0F;
  return static_cast<std::uint8_t>((sign | (segment << 4) | mantissa) ^ kALawEvenBits);
}

std::int16_t DecodeALaw(std::uint8_t code) {
  const int bits = code ^ kALawEvenBits;
  const int segment = (bits >> 4) & 0x07;
  const int mantissa = bits & 0x0F;
  // Decoded values sit in the middle of their quantisation step.
  const int magnitude =
      segment == 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (segment - 1);
  return static_cast<std::int16_t>((bits & 0x80) != 0 ? magnitude : -magnitude);
}

void Encode(Codec codec, std::span<const std::int16_t> samples, std::span<std::uint8_t> out) {
  assert(out.size() >= samples.size());
  const auto encode = codec == Codec::kPcmu ? EncodeMuLaw : EncodeALaw;
  std::transform(samples.begin(), samples.end(), out.begin(), encode);
}

void Transcode(Codec from, Codec to, std::span<const std::uint8_t> in,
               std::span<std::uint8_t> out) {
  assert(out.size() >= in.size());
  if (from == to) {
    std::copy(in.begin(), in.end(), out.begin());
    return;
  }
  const TranscodeTable& table = from == Codec::kPcmu ? MuLawToALaw() : ALawToMuLaw();
  std::transform(in.begin(), in.end(), out.begin(),
                 [&table](std::uint8_t code) { return table[code]; });
}

}  // namespace fr::media
