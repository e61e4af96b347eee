#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "adapters/telephony/media/rtp_timeline.hpp"

namespace fr::media {

using Pcm = std::vector<std::int16_t>;  // 8 kHz mono linear samples

// One second of 425 Hz followed by four seconds of silence: the European ringback cadence
// (ETSI TR 101 041 / CEPT), as one loop of 5 s. Built once, shared.
std::shared_ptr<const Pcm> RingbackCadence();

// Audio being played into a stream, pulled one 20 ms frame per clock tick. Either played once
// (a prompt, whose completion may be reported) or looped (a tone). Not thread-safe.
class Playback {
 public:
  // Plays `pcm` once; `on_finished` (may be empty) is for the owner to call after the last frame.
  static Playback Once(std::shared_ptr<const Pcm> pcm, std::function<void()> on_finished);
  // Loops `pcm` until replaced.
  static Playback Looped(std::shared_ptr<const Pcm> pcm);

  // Fills `frame` with the next 20 ms, the tail of a prompt padded with silence. Returns false,
  // leaving `frame` alone, when there is nothing left.
  bool NextFrame(std::span<std::int16_t, kSamplesPerFrame> frame);

  // True once a played-once sound has given its last frame; never for a loop.
  bool Finished() const;

  // Moves out the completion callback (empty if none or already taken).
  std::function<void()> TakeOnFinished() { return std::move(on_finished_); }

 private:
  Playback(std::shared_ptr<const Pcm> pcm, bool looped, std::function<void()> on_finished);

  std::shared_ptr<const Pcm> pcm_;
  std::size_t position_ = 0;
  bool looped_;
  std::function<void()> on_finished_;
};

}  // namespace fr::media
