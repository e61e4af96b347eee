#pragma once

#include <cstdint>
#include <span>

namespace fr::media {

// The audio codecs the engine speaks; the values are their static RTP payload types (RFC 3551).
enum class Codec : std::uint8_t { kPcmu = 0, kPcma = 8 };

inline std::uint8_t PayloadType(Codec codec) { return static_cast<std::uint8_t>(codec); }

// ITU-T G.711 on 16-bit linear samples. Pure functions, thread-safe.
std::uint8_t EncodeMuLaw(std::int16_t sample);
std::int16_t DecodeMuLaw(std::uint8_t code);
std::uint8_t EncodeALaw(std::int16_t sample);
std::int16_t DecodeALaw(std::uint8_t code);

// Encodes `samples` into `out`, which must hold at least samples.size() bytes.
void Encode(Codec codec, std::span<const std::int16_t> samples, std::span<std::uint8_t> out);

// Converts G.711 bytes from one law to the other through a 256-entry table (decode, then
// encode); `out` must hold at least in.size() bytes. `from == to` copies.
void Transcode(Codec from, Codec to, std::span<const std::uint8_t> in, std::span<std::uint8_t> out);

}  // namespace fr::media
