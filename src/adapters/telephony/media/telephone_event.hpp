#pragma once

#include <cstdint>
#include <optional>
#include <span>

namespace fr::media {

// One RFC 4733 named telephone event packet (section 2.3): which event, whether it is one of
// the final packets, and its duration so far in timestamp units.
struct TelephoneEvent {
  std::uint8_t event = 0;
  bool end = false;
  std::uint16_t duration = 0;
};

// Parses a telephone-event payload; nullopt when it is shorter than the 4 bytes of one event.
std::optional<TelephoneEvent> ParseTelephoneEvent(std::span<const std::uint8_t> payload);

// The key of a DTMF event (RFC 4733 section 3.2: 0-9, 10 '*', 11 '#', 12-15 'A'-'D'); nullopt
// for the other events (tones, flash), which are not keys.
std::optional<char> DtmfKey(std::uint8_t event);

}  // namespace fr::media
