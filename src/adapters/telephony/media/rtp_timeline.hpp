#pragma once

#include <cstdint>

#include "adapters/telephony/media/rtp_packet.hpp"

namespace fr::media {

// 20 ms of audio at the 8 kHz RTP clock of G.711 and telephone-events.
constexpr std::uint32_t kSamplesPerFrame = 160;

// The outgoing RTP timeline of one stream: one SSRC for its lifetime, consecutive sequence
// numbers, and timestamps that advance with the shared 20 ms clock across changes of source
// (prompt, tone, packets relayed from another leg). The first packet after a change of source
// carries the marker bit. `tick` arguments count the shared clock's 20 ms ticks.
// Not thread-safe: used on the media thread only.
class RtpTimeline {
 public:
  RtpTimeline(std::uint32_t ssrc, std::uint16_t first_sequence, std::uint32_t first_timestamp);

  std::uint32_t ssrc() const { return ssrc_; }

  // The header of the next 20 ms frame produced by this engine at `tick`.
  RtpHeader NextGenerated(std::uint8_t payload_type, std::uint64_t tick);

  // The header for relaying a packet that arrived with `incoming` at `tick`: its timestamp is
  // shifted by an offset fixed at the first packet of each relayed source (a source changes
  // when its SSRC does), so the outgoing timeline continues; its marker bit is kept.
  RtpHeader NextRelayed(const RtpHeader& incoming, std::uint8_t payload_type, std::uint64_t tick);

  // The next packet starts a new source even if it is of the same kind (prompt after prompt).
  void MarkSourceChange() { source_ = Source::kNone; }

 private:
  enum class Source { kNone, kGenerated, kRelayed };

  // Where the timeline stands at `tick`: one frame after the last packet at the earliest,
  // later by every tick that passed without a packet.
  std::uint32_t ContinuedTimestamp(std::uint64_t tick) const;
  RtpHeader Emit(std::uint8_t payload_type, std::uint32_t timestamp, bool marker,
                 std::uint64_t tick);

  std::uint32_t ssrc_;
  std::uint16_t next_sequence_;
  std::uint32_t last_timestamp_;
  std::uint64_t last_tick_ = 0;
  bool has_sent_ = false;
  Source source_ = Source::kNone;
  std::uint32_t relayed_ssrc_ = 0;
  std::uint32_t relay_offset_ = 0;
};

}  // namespace fr::media
