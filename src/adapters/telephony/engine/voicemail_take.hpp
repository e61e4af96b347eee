#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "domain/voicemail/voicemail_audio.hpp"

namespace fr::telephony {

// One voicemail being recorded (decision 0055): the caller's audio as the media thread hands
// it in, buffered, and written to its file by the recording work queue, so that neither the
// media nor the control thread ever waits for the disk. It also tells silence from speech.
//
// Threading: Hear on the media thread; Tick on the control thread; Open, Flush and Finish on the
// recording work queue (in that order, which one queue thread keeps). Thread-safe.
class VoicemailTake {
 public:
  // `file` in `store`; the recording counts as silent once `silence` passed without speech.
  VoicemailTake(VoicemailAudioStore& store, std::string file, std::chrono::milliseconds silence);

  const std::string& file() const { return file_; }

  // Media thread: one packet of the caller's audio (8 kHz samples).
  void Hear(std::vector<std::int16_t> samples);
  // Control thread, once per `tick` of wall-clock time: whether the caller has been silent for
  // the limit. A tick in which no audio arrived at all counts as `tick` of silence (a phone
  // that suppresses silence sends nothing).
  bool Tick(std::chrono::milliseconds tick);

  // Recording queue: creates the file. Errors: those of VoicemailAudioStore::Create.
  Status Open();
  // Recording queue: writes what was heard so far. Errors: the disk's.
  Status Flush();
  // Recording queue: writes the rest and commits; the playing time, or nullopt when nothing
  // was heard (the file is then removed). Errors: the disk's (the file is removed).
  Result<std::optional<std::chrono::milliseconds>> Finish();
  // Recording queue: removes the file (a failure elsewhere); safe without Open.
  void Abandon();

 private:
  VoicemailAudioStore& store_;
  const std::string file_;
  const std::int64_t silence_samples_;

  std::mutex mu_;
  std::vector<std::int16_t> heard_;   // Guarded by mu_.
  std::int64_t quiet_samples_ = 0;    // Guarded by mu_: since the last loud packet.
  bool heard_since_tick_ = false;     // Guarded by mu_.
  bool heard_any_ = false;            // Guarded by mu_.

  // Held while writing, so that two writes never interleave or reorder.
  std::mutex write_mu_;
  std::unique_ptr<VoicemailRecording> recording_;  // Guarded by write_mu_.
};

// The beep after the voicemail prompt: 400 ms of 1 kHz at 8 kHz, faded in and out.
std::shared_ptr<const std::vector<std::int16_t>> VoicemailBeep();

}  // namespace fr::telephony
