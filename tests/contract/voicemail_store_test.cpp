// Voicemails on SQLite and PostgreSQL with a real folder (decision 0055): rows written by the
// call event writer, listed newest first with the listened filter, and the row and its file
// kept together: deleted through the API, the retention purge or the hotline, and after a
// crash during recording made whole or removed, never left half.
#include <gtest/gtest.h>

#include <filesystem>
#include <type_traits>

#include "adapters/storage/soci_call_log_repository.hpp"
#include "adapters/storage/soci_hotline_repository.hpp"
#include "adapters/storage/soci_identity_repositories.hpp"
#include "adapters/storage/soci_voicemail_repository.hpp"
#include "adapters/storage/voicemail_folder.hpp"
#include "adapters/storage/wav_file.hpp"
#include "app/voicemail_service.hpp"
#include "contract/storage_backends.hpp"
#include "support/temp_dir.hpp"

namespace fr {
namespace {

Timestamp At(std::int64_t seconds) { return FromEpochMillis(1'800'000'000'000 + seconds * 1000); }

template <typename Storage>
class VoicemailStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    database_ = testing::OpenDatabase(storage_);
    ASSERT_TRUE(SociNumberInventory(*database_).Add({"004924155660000"}, "DE", "Aachen").ok());
    hotlines_ = std::make_unique<SociHotlineRepository>(*database_);
    Hotline draft;
    draft.organization_id = SociOrganizationRepository(*database_).Create("Org", {})->id;
    draft.name = "Notruf";
    hotline_ = hotlines_->Create(draft, {"DE", "Aachen"}, 10, At(0))->id;
    store_ = std::make_unique<SociCallLogRepository>(*database_, "n1");
    voicemails_ = std::make_unique<SociVoicemailRepository>(*database_);
    folder_ = std::move(VoicemailFolder::Open(dir_.path() / "voicemails")).value();
    service_ = std::make_unique<VoicemailService>(*hotlines_, *voicemails_, *folder_);
  }

  // A call that left `file` with `samples` samples; `finished`: the recording was committed and
  // reported, else the process "crashed" while it was being written.
  void Call(std::uint64_t handle, const std::string& file, std::size_t samples, bool finished,
            std::int64_t at) {
    const CallHandle call{handle};
    ASSERT_TRUE(store_->Write(std::vector<CallEvent>{
                                  CallOpened{call, hotline_, "004924112345", At(at)},
                                  VoicemailStarted{call, file, At(at + 1)}})
                    .ok());
    auto writer = WavWriter::Create(folder_->folder() / file);
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE(writer->Append(std::vector<std::int16_t>(samples, 1000)).ok());
    if (!finished) return;  // destroyed without Commit: the part file stays, as after a crash
    const auto duration = writer->Commit();
    ASSERT_TRUE(duration.ok());
    ASSERT_TRUE(store_->Write(std::vector<CallEvent>{
                                  VoicemailFinished{call, file, *duration, At(at + 5)},
                                  CallClosed{call, CallOutcome::kVoicemail, std::nullopt,
                                             At(at + 6)}})
                    .ok());
  }
  std::size_t FilesInFolder() const {
    return static_cast<std::size_t>(
        std::distance(std::filesystem::directory_iterator(folder_->folder()), {}));
  }

  Storage storage_;
  testing::TempDir dir_;
  std::unique_ptr<Database> database_;
  std::unique_ptr<SociHotlineRepository> hotlines_;
  std::unique_ptr<SociCallLogRepository> store_;
  std::unique_ptr<SociVoicemailRepository> voicemails_;
  std::unique_ptr<VoicemailFolder> folder_;
  std::unique_ptr<VoicemailService> service_;
  HotlineId hotline_;
};

using Storages = ::testing::Types<testing::SqliteStorage, testing::PostgresqlStorage>;
TYPED_TEST_SUITE(VoicemailStoreTest, Storages, testing::BackendNames);

TYPED_TEST(VoicemailStoreTest, RecordedMessagesAreListedNewestFirstAndFiltered) {
  this->Call(1, "vm-n1-0000000000000001.wav", 8000, true, 10);
  this->Call(2, "vm-n1-0000000000000002.wav", 4000, true, 20);
  this->Call(3, "vm-n1-0000000000000003.wav", 800, false, 30);  // still recording: not listed
  auto page = *this->voicemails_->List(this->hotline_, std::nullopt, 10, 0);
  ASSERT_EQ(page.total, 2);
  ASSERT_EQ(page.voicemails.size(), 2u);
  EXPECT_EQ(page.voicemails[0].duration, std::chrono::milliseconds(500));
  EXPECT_EQ(page.voicemails[1].duration, std::chrono::milliseconds(1000));
  EXPECT_EQ(page.voicemails[0].caller, "004924112345");
  EXPECT_EQ(page.voicemails[0].recorded_at, At(21));
  const VoicemailId newest = page.voicemails[0].id;
  ASSERT_TRUE(this->voicemails_->SetListened(newest, true).ok());
  page = *this->voicemails_->List(this->hotline_, false, 10, 0);
  ASSERT_EQ(page.total, 1);
  EXPECT_NE(page.voicemails[0].id, newest);
  EXPECT_EQ(this->voicemails_->List(this->hotline_, true, 10, 0)->voicemails[0].id, newest);
  EXPECT_EQ(this->voicemails_->SetListened(VoicemailId(999), true).error().code,
            ErrorCode::kNotFound);
  // The call log names its message.
  const auto logs = *this->store_->ListCallLogs(this->hotline_, 10, 0);
  EXPECT_EQ(logs.call_logs[1].voicemail, newest);
  EXPECT_FALSE(logs.call_logs[0].voicemail.has_value()) << "still recording";
}

// Keyset reads (exports, decision 0082): newest first in List's order, each message once,
// also when two were recorded in the same millisecond.
TYPED_TEST(VoicemailStoreTest, KeysetPagesReadEachMessageOnceInListOrder) {
  this->Call(1, "vm-n1-0000000000000001.wav", 800, true, 10);
  this->Call(2, "vm-n1-0000000000000002.wav", 800, true, 20);
  this->Call(3, "vm-n1-0000000000000003.wav", 800, true, 20);  // recorded at the same time
  this->Call(4, "vm-n1-0000000000000004.wav", 800, true, 30);
  this->Call(5, "vm-n1-0000000000000005.wav", 800, false, 40);  // still recording: not listed
  const auto listed = *this->voicemails_->List(this->hotline_, std::nullopt, 10, 0);
  ASSERT_EQ(listed.voicemails.size(), 4u);
  std::vector<VoicemailId> expected;
  for (const Voicemail& voicemail : listed.voicemails) expected.push_back(voicemail.id);
  for (std::int64_t limit = 1; limit <= 5; ++limit) {
    SCOPED_TRACE(::testing::Message() << "limit " << limit);
    std::vector<VoicemailId> read;
    std::optional<VoicemailKey> before;
    for (int pages = 0; pages < 10; ++pages) {
      const auto page = *this->voicemails_->ListBefore(this->hotline_, before, limit);
      for (const Voicemail& voicemail : page.voicemails) read.push_back(voicemail.id);
      if (static_cast<std::int64_t>(page.voicemails.size()) < limit) break;
      before = VoicemailKey{page.voicemails.back().recorded_at, page.voicemails.back().id};
    }
    EXPECT_EQ(read, expected);
  }
}

TYPED_TEST(VoicemailStoreTest, ACrashDuringRecordingLeavesAWholeMessageOrNothing) {
  this->Call(1, "vm-n1-0000000000000001.wav", 12000, false, 10);  // cut by the crash
  // A row written, the file never created; and a file whose row never was.
  ASSERT_TRUE(this->store_->Write(std::vector<CallEvent>{
                                      CallOpened{CallHandle{2}, this->hotline_, std::nullopt, At(20)},
                                      VoicemailStarted{CallHandle{2}, "vm-n1-0000000000000002.wav",
                                                       At(21)}})
                  .ok());
  ASSERT_TRUE(WavWriter::Create(this->folder_->folder() / "vm-n1-0000000000000003.wav").ok());
  // Another node's recording in the shared folder is not this node's business.
  ASSERT_TRUE(WavWriter::Create(this->folder_->folder() / "vm-n2-0000000000000004.wav").ok());

  const auto kept = this->service_->RecoverAfterCrash("n1");
  ASSERT_TRUE(kept.ok()) << kept.error().detail;
  EXPECT_EQ(*kept, 1);
  const auto page = *this->voicemails_->List(this->hotline_, std::nullopt, 10, 0);
  ASSERT_EQ(page.total, 1);
  EXPECT_EQ(page.voicemails[0].duration, std::chrono::milliseconds(1500));
  const auto& folder = this->folder_->folder();
  EXPECT_TRUE(std::filesystem::exists(folder / "vm-n1-0000000000000001.wav"));
  EXPECT_FALSE(std::filesystem::exists(folder / "vm-n1-0000000000000001.wav.part"));
  EXPECT_EQ(std::filesystem::file_size(folder / "vm-n1-0000000000000001.wav"), 44u + 24000u);
  EXPECT_FALSE(std::filesystem::exists(folder / "vm-n1-0000000000000003.wav.part"));
  EXPECT_TRUE(std::filesystem::exists(folder / "vm-n2-0000000000000004.wav.part"));
  EXPECT_FALSE(*this->voicemails_->Names("vm-n1-0000000000000002.wav"));
  EXPECT_EQ(this->FilesInFolder(), 2u);
}

// On SQLite every write of the process takes its turn in the write gate (decision 0095); a
// message's single-statement writes through RunWrite, each counted as a member of a group. One
// that went around it would wait in SQLite's busy handler while a group holds the write lock.
TYPED_TEST(VoicemailStoreTest, OnSqliteAMessagesWritesPassTheWriteGate) {
  if constexpr (!std::is_same_v<TypeParam, testing::SqliteStorage>) {
    GTEST_SKIP() << "the write gate is SQLite's";
  } else {
    this->Call(1, "vm-n1-0000000000000001.wav", 800, true, 10);
    this->Call(2, "vm-n1-0000000000000002.wav", 800, false, 20);
    this->Call(3, "vm-n1-0000000000000003.wav", 800, false, 30);
    const VoicemailId recorded =
        this->voicemails_->List(this->hotline_, std::nullopt, 10, 0)->voicemails.at(0).id;
    const auto before = this->database_->write_group_counts().members;
    ASSERT_TRUE(this->voicemails_->SetListened(recorded, true).ok());
    ASSERT_TRUE(this->voicemails_->Delete(recorded).ok());
    ASSERT_TRUE(this->voicemails_
                    ->FinishRecovered("vm-n1-0000000000000002.wav", std::chrono::milliseconds(100))
                    .ok());
    ASSERT_TRUE(this->voicemails_->DeleteUnfinished("vm-n1-0000000000000003.wav").ok());
    EXPECT_EQ(this->database_->write_group_counts().members - before, 4u);
  }
}

TYPED_TEST(VoicemailStoreTest, EveryDeletionTakesTheFileAlong) {
  this->Call(1, "vm-n1-0000000000000001.wav", 800, true, 10);
  this->Call(2, "vm-n1-0000000000000002.wav", 800, true, 20);
  this->Call(3, "vm-n1-0000000000000003.wav", 800, true, 30);
  ASSERT_EQ(this->FilesInFolder(), 3u);
  const auto page = *this->voicemails_->List(this->hotline_, std::nullopt, 10, 0);

  // A delete of the row.
  ASSERT_TRUE(this->voicemails_->Delete(page.voicemails[0].id).ok());
  EXPECT_EQ(this->voicemails_->Delete(page.voicemails[0].id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(*this->service_->RemoveDeletedFiles(), 1);
  EXPECT_EQ(this->FilesInFolder(), 2u);
  EXPECT_FALSE(std::filesystem::exists(this->folder_->folder() / page.voicemails[0].file));

  // The retention purge of the oldest call.
  ASSERT_EQ(*this->store_->PurgeEndedBefore(At(15), 100), 1);  // the call that began at 10
  EXPECT_EQ(*this->service_->RemoveDeletedFiles(), 1);
  EXPECT_EQ(this->FilesInFolder(), 1u);

  // The hotline's deletion.
  ASSERT_TRUE(this->hotlines_->Delete(this->hotline_, std::nullopt, At(100)).ok());
  EXPECT_EQ(*this->service_->RemoveDeletedFiles(), 1);
  EXPECT_EQ(this->FilesInFolder(), 0u);
  EXPECT_EQ(*this->service_->RemoveDeletedFiles(), 0) << "each file once";
}

TYPED_TEST(VoicemailStoreTest, NothingKeptRemovesTheRow) {
  this->Call(1, "vm-n1-0000000000000001.wav", 0, false, 10);
  ASSERT_TRUE(this->store_->Write(std::vector<CallEvent>{
                                      VoicemailFinished{CallHandle{1}, "vm-n1-0000000000000001.wav",
                                                        std::nullopt, At(12)}})
                  .ok());
  EXPECT_FALSE(*this->voicemails_->Names("vm-n1-0000000000000001.wav"));
  EXPECT_EQ(*this->voicemails_->TakeRemovedFiles(10),
            std::vector<std::string>{"vm-n1-0000000000000001.wav"});
}

}  // namespace
}  // namespace fr
