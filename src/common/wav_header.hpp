#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

// The one audio file format of the service: WAV, 8 kHz, 16-bit PCM, mono. Voicemail recordings
// are stored in it (decision 0055) and prompt previews are answered in it (decision 0072).
namespace fr {

inline constexpr std::uint32_t kWavSampleRate = 8000;
inline constexpr std::size_t kWavHeaderBytes = 44;

// The 44-byte RIFF header of a file holding `data_bytes` bytes of our format.
std::array<std::uint8_t, kWavHeaderBytes> WavHeader(std::uint32_t data_bytes);

}  // namespace fr
