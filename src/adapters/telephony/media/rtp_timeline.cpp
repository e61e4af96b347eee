#include "adapters/telephony/media/rtp_timeline.hpp"

#include <algorithm>

namespace fr::media {

RtpTimeline::RtpTimeline(std::uint32_t ssrc, std::uint16_t first_sequence,
                         std::uint32_t first_timestamp)
    : ssrc_(ssrc), next_sequence_(first_sequence), last_timestamp_(first_timestamp) {}

RtpHeader RtpTimeline::NextGenerated(std::uint8_t payload_type, std::uint64_t tick) {
  const bool switched = source_ != Source::kGenerated;
  source_ = Source::kGenerated;
  return Emit(payload_type, ContinuedTimestamp(tick), switched, tick);
}

RtpHeader RtpTimeline::NextRelayed(const RtpHeader& incoming, std::uint8_t payload_type,
                                   std::uint64_t tick) {
  const bool switched = source_ != Source::kRelayed || incoming.ssrc != relayed_ssrc_;
  if (switched) {
    source_ = Source::kRelayed;
    relayed_ssrc_ = incoming.ssrc;
    // Unsigned arithmetic wraps, as RTP timestamps do.
    relay_offset_ = ContinuedTimestamp(tick) - incoming.timestamp;
  }
  return Emit(payload_type, incoming.timestamp + relay_offset_, switched || incoming.marker, tick);
}

std::uint32_t RtpTimeline::ContinuedTimestamp(std::uint64_t tick) const {
  if (!has_sent_) return last_timestamp_;
  const std::uint64_t frames = std::max<std::uint64_t>(1, tick - std::min(tick, last_tick_));
  return last_timestamp_ + static_cast<std::uint32_t>(frames * kSamplesPerFrame);
}

RtpHeader RtpTimeline::Emit(std::uint8_t payload_type, std::uint32_t timestamp, bool marker,
                            std::uint64_t tick) {
  RtpHeader header{.marker = marker,
                   .payload_type = payload_type,
                   .sequence = next_sequence_++,
                   .timestamp = timestamp,
                   .ssrc = ssrc_};
  // Relayed event packets repeat their start timestamp and relayed audio may arrive out of
  // order: the timeline continues from the newest timestamp sent, never an older one.
  if (!has_sent_ || static_cast<std::int32_t>(timestamp - last_timestamp_) > 0) {
    last_timestamp_ = timestamp;
  }
  last_tick_ = tick;
  has_sent_ = true;
  return header;
}

}  // namespace fr::media
