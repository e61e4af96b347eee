#pragma once

#include <filesystem>

#include "domain/voicemail/voicemail_audio.hpp"

namespace fr {

// VoicemailAudioStore on a folder of the local file system (--voicemail-dir): WAV files written
// by WavWriter (temp name, fsync, rename, fsync of the folder). Thread-safe: every recording
// has its own file.
class VoicemailFolder final : public VoicemailAudioStore {
 public:
  // Creates `folder` (mode 0700) when missing. Errors: kInvalidArgument when it cannot be
  // created or is not a writable folder.
  static Result<std::unique_ptr<VoicemailFolder>> Open(const std::filesystem::path& folder);

  Result<std::unique_ptr<VoicemailRecording>> Create(const std::string& file) override;
  Result<std::optional<std::chrono::milliseconds>> Recover(const std::string& file) override;
  Status Remove(const std::string& file) override;
  Result<std::vector<std::string>> Files(std::string_view prefix) override;
  Result<std::uint64_t> Size(const std::string& file) override;
  Result<std::string> Read(const std::string& file, std::uint64_t offset,
                           std::uint64_t length) override;

  const std::filesystem::path& folder() const { return folder_; }

 private:
  explicit VoicemailFolder(std::filesystem::path folder) : folder_(std::move(folder)) {}
  // `folder_/file` for a valid bare name. Errors: kInvalidArgument.
  Result<std::filesystem::path> PathOf(const std::string& file) const;

  std::filesystem::path folder_;
};

}  // namespace fr
