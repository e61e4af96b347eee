#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "domain/voicemail/voicemail_audio.hpp"

namespace fr::testing {

// VoicemailAudioStore in memory: each recording's samples, and whether it was committed. Only a
// committed recording is "whole"; Recover keeps what an uncommitted one holds. Thread-safe.
class InMemoryVoicemailAudio final : public VoicemailAudioStore {
 public:
  struct Stored {
    std::vector<std::int16_t> samples;
    bool committed = false;
  };

  Result<std::unique_ptr<VoicemailRecording>> Create(const std::string& file) override {
    std::lock_guard lock(mu_);
    if (fail_create) return Error::Internal("disk full");
    if (files_.count(file) != 0) return Error::AlreadyExists("exists");
    files_[file] = {};
    return std::unique_ptr<VoicemailRecording>(new Recording(*this, file));
  }
  Result<std::optional<std::chrono::milliseconds>> Recover(const std::string& file) override {
    std::lock_guard lock(mu_);
    const auto found = files_.find(file);
    if (found == files_.end()) return std::optional<std::chrono::milliseconds>();
    found->second.committed = true;
    return std::optional(DurationOf(found->second));
  }
  Status Remove(const std::string& file) override {
    std::lock_guard lock(mu_);
    files_.erase(file);
    return Ok();
  }
  Result<std::vector<std::string>> Files(std::string_view prefix) override {
    std::lock_guard lock(mu_);
    std::vector<std::string> names;
    for (const auto& [name, stored] : files_) {
      if (name.starts_with(prefix)) names.push_back(name);
    }
    return names;
  }
  Result<std::uint64_t> Size(const std::string& file) override {
    std::lock_guard lock(mu_);
    const auto found = files_.find(file);
    if (found == files_.end() || !found->second.committed) return Error::NotFound("missing");
    return static_cast<std::uint64_t>(44 + 2 * found->second.samples.size());
  }
  Result<std::string> Read(const std::string&, std::uint64_t, std::uint64_t) override {
    return Error::Internal("not kept as bytes");
  }

  // A copy of what `file` holds; nullopt when there is no such file.
  std::optional<Stored> Get(const std::string& file) const {
    std::lock_guard lock(mu_);
    const auto found = files_.find(file);
    if (found == files_.end()) return std::nullopt;
    return found->second;
  }
  std::size_t Count() const {
    std::lock_guard lock(mu_);
    return files_.size();
  }

  bool fail_create = false;

 private:
  static std::chrono::milliseconds DurationOf(const Stored& stored) {
    return std::chrono::milliseconds(stored.samples.size() / 8);
  }

  class Recording final : public VoicemailRecording {
   public:
    Recording(InMemoryVoicemailAudio& store, std::string file)
        : store_(store), file_(std::move(file)) {}
    Status Append(std::span<const std::int16_t> samples) override {
      std::lock_guard lock(store_.mu_);
      auto& stored = store_.files_.at(file_);
      stored.samples.insert(stored.samples.end(), samples.begin(), samples.end());
      return Ok();
    }
    Result<std::chrono::milliseconds> Commit() override {
      std::lock_guard lock(store_.mu_);
      auto& stored = store_.files_.at(file_);
      stored.committed = true;
      return DurationOf(stored);
    }
    void Abandon() override {
      std::lock_guard lock(store_.mu_);
      const auto found = store_.files_.find(file_);
      if (found != store_.files_.end() && !found->second.committed) store_.files_.erase(found);
    }

   private:
    InMemoryVoicemailAudio& store_;
    std::string file_;
  };

  mutable std::mutex mu_;
  std::map<std::string, Stored> files_;  // Guarded by mu_.
};

}  // namespace fr::testing
