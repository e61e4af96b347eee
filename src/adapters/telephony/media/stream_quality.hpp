#pragma once

#include <cstdint>
#include <optional>

namespace fr::media {

// One direction of a stream's audio as RTCP report blocks describe it (RFC 3550 section 6.4.1).
struct DirectionQuality {
  std::int64_t packets_expected = 0;  // since the direction's first packet
  std::int64_t packets_lost = 0;      // of those; negative when duplicates outnumber losses
  double fraction_lost = 0;           // in the latest report interval, 0..1
  double jitter_ms = 0;               // interarrival jitter in the latest report
  double max_jitter_ms = 0;           // the highest of any report so far

  // packets_lost / packets_expected, within 0..1; 0 when nothing was expected.
  double LossRatio() const;
};

// What RTCP shows of one stream's audio, both ways.
struct StreamQuality {
  // What the far end reported about the audio we send it: its latest report block about our
  // SSRC. Empty until one arrived.
  std::optional<DirectionQuality> sent;
  // What we measured of the audio the far end sends us, as our own report blocks say it.
  // Empty until its RTP passed the sequence check (two packets in a row).
  std::optional<DirectionQuality> received;
};

// Decision 0023: the quality of a call leg is its worse direction. Loss: the higher share of
// packets lost over the whole stream (rounded to 1/10000); jitter: the highest interarrival
// jitter of any report, either way, in milliseconds. Empty when neither direction has data.
struct WorseDirection {
  double loss_ratio = 0;
  double jitter_ms = 0;
};
std::optional<WorseDirection> WorseDirectionOf(const StreamQuality& quality);

}  // namespace fr::media
