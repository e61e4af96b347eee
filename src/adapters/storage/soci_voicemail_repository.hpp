#pragma once

#include <chrono>
#include <string>

#include "adapters/storage/database.hpp"
#include "domain/voicemail/voicemail.hpp"

namespace fr {

// SOCI implementation of VoicemailRepository. Thread-safe.
class SociVoicemailRepository final : public VoicemailRepository {
 public:
  explicit SociVoicemailRepository(Database& database) : database_(database) {}
  Result<VoicemailPage> List(HotlineId hotline, std::optional<bool> listened, std::int64_t limit,
                             std::int64_t offset) override;
  Result<VoicemailPage> ListBefore(HotlineId hotline, const std::optional<VoicemailKey>& before,
                                   std::int64_t limit) override;
  Result<std::optional<Voicemail>> Find(VoicemailId id) override;
  Status SetListened(VoicemailId id, bool listened) override;
  Status Delete(VoicemailId id) override;
  Result<std::vector<std::string>> TakeRemovedFiles(std::int64_t limit) override;
  Result<std::vector<std::string>> Unfinished(const std::string& node) override;
  Status FinishRecovered(const std::string& file, std::chrono::milliseconds duration) override;
  Status DeleteUnfinished(const std::string& file) override;
  Result<bool> Names(const std::string& file) override;

 private:
  Database& database_;
};

// The call event writer's part of the voicemail aggregate: run inside its write transaction on
// `session` (throws what SOCI throws). A recording of the stored call `call_log` began…
void InsertRecordingVoicemail(Database& database, soci::session& session, long long call_log,
                              const std::string& file, const std::string& node, Timestamp at);
// …and is whole: marked recorded, and voicemail.recorded goes to the webhook outbox.
void FinishRecordingVoicemail(Database& database, soci::session& session,
                              const std::string& file, std::chrono::milliseconds duration,
                              Timestamp at);
// …or nothing of it was kept: the row goes (its file name is queued for removal).
void DiscardRecordingVoicemail(Database& database, soci::session& session,
                               const std::string& file);

}  // namespace fr
