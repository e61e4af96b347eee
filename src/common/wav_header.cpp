#include "common/wav_header.hpp"

#include <cstring>

namespace fr {
namespace {

constexpr std::uint16_t kChannels = 1;
constexpr std::uint16_t kBitsPerSample = 16;
constexpr std::uint16_t kBlockAlign = kChannels * kBitsPerSample / 8;

void PutLittleEndian(std::uint8_t* at, std::uint32_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) at[i] = static_cast<std::uint8_t>(value >> (8 * i));
}

}  // namespace

std::array<std::uint8_t, kWavHeaderBytes> WavHeader(std::uint32_t data_bytes) {
  std::array<std::uint8_t, kWavHeaderBytes> header{};
  std::uint8_t* at = header.data();
  std::memcpy(at, "RIFF", 4);
  PutLittleEndian(at + 4, static_cast<std::uint32_t>(kWavHeaderBytes - 8 + data_bytes), 4);
  std::memcpy(at + 8, "WAVEfmt ", 8);
  PutLittleEndian(at + 16, 16, 4);  // the PCM format chunk's size
  PutLittleEndian(at + 20, 1, 2);   // PCM
  PutLittleEndian(at + 22, kChannels, 2);
  PutLittleEndian(at + 24, kWavSampleRate, 4);
  PutLittleEndian(at + 28, kWavSampleRate * kBlockAlign, 4);
  PutLittleEndian(at + 32, kBlockAlign, 2);
  PutLittleEndian(at + 34, kBitsPerSample, 2);
  std::memcpy(at + 36, "data", 4);
  PutLittleEndian(at + 40, data_bytes, 4);
  return header;
}

}  // namespace fr
