#include "adapters/telephony/media/telephone_event.hpp"

namespace fr::media {

std::optional<TelephoneEvent> ParseTelephoneEvent(std::span<const std::uint8_t> payload) {
  if (payload.size() < 4) return std::nullopt;
  TelephoneEvent parsed;
  parsed.event = payload[0];
  parsed.end = (payload[1] & 0x80) != 0;
  parsed.duration = static_cast<std::uint16_t>((payload[2] << 8) | payload[3]);
  return parsed;
}

std::optional<char> DtmfKey(std::uint8_t event) {
  constexpr char kKeys[] = "0123456789*#ABCD";
  if (event >= 16) return std::nullopt;
  return kKeys[event];
}

}  // namespace fr::media
