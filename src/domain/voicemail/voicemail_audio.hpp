#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace fr {

// One recording being written (decision 0055). Nothing of it is readable under its name until
// Commit; destroyed without Commit or Abandon (as by a crash), it is left for Recover.
// One thread at a time.
class VoicemailRecording {
 public:
  virtual ~VoicemailRecording() = default;
  // Appends 8 kHz 16-bit samples. Errors: kInternal (the disk), kResourceExhausted.
  virtual Status Append(std::span<const std::int16_t> samples) = 0;
  // Makes the recording whole and durable under its name; returns its playing time.
  virtual Result<std::chrono::milliseconds> Commit() = 0;
  // Removes what was written. Safe to repeat, and after Commit (then it does nothing).
  virtual void Abandon() = 0;
};

// Port: the voicemail folder, where each message is one WAV file named by a bare file name
// (IsVoicemailFileName). Implemented on the file system (VoicemailFolder) and in memory for
// tests. Thread-safe; every method blocks on the disk: not for an event-loop thread.
class VoicemailAudioStore {
 public:
  virtual ~VoicemailAudioStore() = default;
  // Starts the recording `file`. Errors: kAlreadyExists; kInternal.
  virtual Result<std::unique_ptr<VoicemailRecording>> Create(const std::string& file) = 0;
  // After a crash: `file` made whole from what was written before it (or removed when nothing
  // playable was); its playing time, or nullopt when there is no such recording (any more).
  virtual Result<std::optional<std::chrono::milliseconds>> Recover(const std::string& file) = 0;
  // Removes `file` and anything left of its recording. Not an error when it is not there.
  virtual Status Remove(const std::string& file) = 0;
  // The names of the recordings whose names start with `prefix`, whole or not.
  virtual Result<std::vector<std::string>> Files(std::string_view prefix) = 0;
  // The size of the whole file in bytes. Errors: kNotFound.
  virtual Result<std::uint64_t> Size(const std::string& file) = 0;
  // Up to `length` bytes of the whole file from `offset`. Errors: kNotFound; kInternal.
  virtual Result<std::string> Read(const std::string& file, std::uint64_t offset,
                                   std::uint64_t length) = 0;
};

}  // namespace fr
