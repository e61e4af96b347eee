#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>

#include "common/result.hpp"
#include "common/wav_header.hpp"

// Voicemail recordings on disk: WAV, 8 kHz, 16-bit PCM, mono (decision 0055), written so that
// a crash leaves either a whole file up to the crash point or nothing, never a corrupt one.
namespace fr {

// Whether `header` is a header WavHeader wrote (any data length).
bool IsOurWavHeader(std::span<const std::uint8_t> header);

// The playing time of `samples` samples at 8 kHz, rounded down to the millisecond.
std::chrono::milliseconds WavDurationOf(std::uint64_t samples);

// The name a recording has while it is being written: `final_path` + ".part".
std::filesystem::path PartPathOf(const std::filesystem::path& final_path);

// One recording being written. Samples go to `<final>.part` (mode 0600) behind a header with
// zero lengths; Commit writes the real lengths, fsyncs the file, renames it to its final name
// and fsyncs the folder. A writer destroyed without Commit or Abandon (a crash, in effect)
// leaves the part file for RecoverWav.
//
// Threading: one thread at a time. Errors: kInternal for any file-system failure (the errno
// text is in the detail; paths hold no personal data).
class WavWriter {
 public:
  // Creates the part file; the folder must exist. Errors: kAlreadyExists when the part or the
  // final file exists; kInternal.
  static Result<WavWriter> Create(const std::filesystem::path& final_path);

  WavWriter(WavWriter&& other) noexcept;
  WavWriter& operator=(WavWriter&& other) noexcept;
  WavWriter(const WavWriter&) = delete;
  WavWriter& operator=(const WavWriter&) = delete;
  ~WavWriter();

  // Appends 8 kHz samples (little-endian on disk). At most 4 GiB of data: later samples are
  // refused with kResourceExhausted (a voicemail is at most 600 s, 9.6 MB).
  Status Append(std::span<const std::int16_t> samples);
  std::uint64_t samples() const { return samples_; }
  // Makes the file whole and durable under its final name; returns its playing time.
  Result<std::chrono::milliseconds> Commit();
  // Removes the part file. Safe after Commit (does nothing) and to repeat.
  void Abandon();

 private:
  WavWriter(std::filesystem::path final_path, int fd) : final_path_(std::move(final_path)), fd_(fd) {}

  std::filesystem::path final_path_;
  int fd_ = -1;
  std::uint64_t samples_ = 0;
  bool committed_ = false;
};

// After a crash: makes `final_path` whole if only its part file is left (the header's lengths
// set to the whole samples it holds, a trailing odd byte cut, then fsynced and renamed like
// Commit), or removes a part file too short or not of our format. Returns the recording's
// playing time, or nullopt when neither file is (any longer) there. A final file that exists
// is read as is (a part file beside it is removed). Errors: kInternal.
Result<std::optional<std::chrono::milliseconds>> RecoverWav(const std::filesystem::path& final_path);

}  // namespace fr
