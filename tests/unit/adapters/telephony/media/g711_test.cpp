#include "adapters/telephony/media/g711.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <limits>
#include <vector>

namespace fr::media {
namespace {

struct KnownCode {
  std::int16_t linear;
  std::uint8_t mu_law;
  std::uint8_t a_law;
};

// Codes as the ITU-T G.191 reference encoders give them.
TEST(G711Test, EncodesKnownValues) {
  const KnownCode cases[] = {
      {0, 0xFF, 0xD5},      {-1, 0x7F, 0x55},   {32767, 0x80, 0xAA},
      {-32768, 0x00, 0x2A}, {1000, 0xCE, 0xFA}, {-1000, 0x4E, 0x7A},
  };
  for (const KnownCode& known : cases) {
    SCOPED_TRACE(known.linear);
    EXPECT_EQ(EncodeMuLaw(known.linear), known.mu_law);
    EXPECT_EQ(EncodeALaw(known.linear), known.a_law);
  }
}

TEST(G711Test, DecodesKnownValues) {
  EXPECT_EQ(DecodeMuLaw(0xFF), 0);
  EXPECT_EQ(DecodeMuLaw(0x80), 32124);
  EXPECT_EQ(DecodeMuLaw(0x00), -32124);
  EXPECT_EQ(DecodeALaw(0xD5), 8);
  EXPECT_EQ(DecodeALaw(0x55), -8);
  EXPECT_EQ(DecodeALaw(0xAA), 32256);
  EXPECT_EQ(DecodeALaw(0x2A), -32256);
}

TEST(G711Test, EveryMuLawCodeRoundTripsExceptNegativeZero) {
  for (int code = 0; code < 256; ++code) {
    if (code == 0x7F) continue;  // -0 decodes to 0, which encodes as +0 (0xFF)
    EXPECT_EQ(EncodeMuLaw(DecodeMuLaw(static_cast<std::uint8_t>(code))), code) << code;
  }
}

TEST(G711Test, EveryALawCodeRoundTrips) {
  for (int code = 0; code < 256; ++code) {
    EXPECT_EQ(EncodeALaw(DecodeALaw(static_cast<std::uint8_t>(code))), code) << code;
  }
}

// Both laws keep the error within half a quantisation step, which is about 1/32 of the
// magnitude (a few units near zero), up to their clipping level.
TEST(G711Test, QuantisationErrorIsBoundedForEverySample) {
  for (int sample = -32000; sample <= 32000; ++sample) {
    const auto linear = static_cast<std::int16_t>(sample);
    const int bound = std::max(9, (std::abs(sample) + 132) / 32 + 1);
    ASSERT_LE(std::abs(DecodeMuLaw(EncodeMuLaw(linear)) - sample), bound) << sample;
    ASSERT_LE(std::abs(DecodeALaw(EncodeALaw(linear)) - sample), bound) << sample;
  }
}

TEST(G711Test, EncodeConvertsABlock) {
  const std::vector<std::int16_t> samples = {0, 1000, -1000};
  std::vector<std::uint8_t> out(samples.size());
  Encode(Codec::kPcmu, samples, out);
  EXPECT_EQ(out, (std::vector<std::uint8_t>{0xFF, 0xCE, 0x4E}));
  Encode(Codec::kPcma, samples, out);
  EXPECT_EQ(out, (std::vector<std::uint8_t>{0xD5, 0xFA, 0x7A}));
}

TEST(G711Test, TranscodeEqualsDecodeThenEncode) {
  std::vector<std::uint8_t> codes(256);
  for (int code = 0; code < 256; ++code) codes[code] = static_cast<std::uint8_t>(code);
  std::vector<std::uint8_t> out(codes.size());

  Transcode(Codec::kPcmu, Codec::kPcma, codes, out);
  for (int code = 0; code < 256; ++code) {
    EXPECT_EQ(out[code], EncodeALaw(DecodeMuLaw(codes[code]))) << code;
  }
  Transcode(Codec::kPcma, Codec::kPcmu, codes, out);
  for (int code = 0; code < 256; ++code) {
    EXPECT_EQ(out[code], EncodeMuLaw(DecodeALaw(codes[code]))) << code;
  }
  Transcode(Codec::kPcmu, Codec::kPcmu, codes, out);
  EXPECT_EQ(out, codes);
}

TEST(G711Test, SilenceMapsToSilence) {
  const std::uint8_t mu_silence[] = {0xFF};
  std::uint8_t a_silence[1];
  Transcode(Codec::kPcmu, Codec::kPcma, mu_silence, a_silence);
  EXPECT_EQ(DecodeALaw(a_silence[0]), 8);  // A-law has no zero: its smallest step
}

}  // namespace
}  // namespace fr::media
