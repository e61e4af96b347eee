// admin backup and restore of the voicemail folder (decision 0055): whole recordings only, and
// a restore leaves exactly the backup's recordings, so that no file outlives the restored rows.
#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "main/backup_restore.hpp"
#include "support/temp_dir.hpp"

namespace fr {
namespace {

namespace fs = std::filesystem;

void Write(const fs::path& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
}

std::set<std::string> Names(const fs::path& folder) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(folder)) {
    names.insert(entry.path().filename().string());
  }
  return names;
}

TEST(BackupVoicemailsTest, WholeRecordingsAreCopiedAndRestoredExactly) {
  testing::TempDir dir;
  const fs::path folder = dir.path() / "voicemails";
  fs::create_directories(folder);
  Write(folder / "vm-n1-1.wav", "first");
  Write(folder / "vm-n1-2.wav", "second");
  Write(folder / "vm-n1-3.wav.part", "being recorded");
  const std::string backup = (dir.path() / "backup.db").string();

  const auto copied = BackUpVoicemails(folder, backup);
  ASSERT_TRUE(copied.ok()) << copied.error().detail;
  EXPECT_EQ(*copied, 2);
  EXPECT_EQ(Names(backup + ".voicemails"), (std::set<std::string>{"vm-n1-1.wav", "vm-n1-2.wav"}));
  EXPECT_FALSE(fs::exists(backup + ".voicemails.partial"));

  // Later: one message deleted, another recorded; then the backup is restored.
  fs::remove(folder / "vm-n1-1.wav");
  Write(folder / "vm-n1-4.wav", "after the backup");
  Write(folder / "vm-n1-2.wav", "damaged");
  const auto restored = RestoreVoicemails(backup, folder);
  ASSERT_TRUE(restored.ok()) << restored.error().detail;
  EXPECT_EQ(*restored, 2);
  EXPECT_EQ(Names(folder), (std::set<std::string>{"vm-n1-1.wav", "vm-n1-2.wav"}));
  std::ifstream second(folder / "vm-n1-2.wav");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(second), {}), "second");

  // A backup made before voicemails existed restores nothing and removes nothing.
  EXPECT_EQ(*RestoreVoicemails((dir.path() / "old.db").string(), folder), 0);
  EXPECT_EQ(Names(folder).size(), 2u);
}

}  // namespace
}  // namespace fr
