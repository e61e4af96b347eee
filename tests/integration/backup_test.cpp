// `admin backup` and `admin restore` (issue #18 §1, decision 0045): a backup taken while the
// engine logs calls that sipp places restores into a new folder, and a server started on it
// serves every call log that was acknowledged before the backup, unchanged.
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "integration/telephony_fixture.hpp"

namespace fr::testing {
namespace {

using nlohmann::json;

// Every call log of `hotline` by id, read whole (with entries), through `client`.
std::map<std::int64_t, json> AllCallLogs(HttpClient& client, const std::string& auth,
                                         std::int64_t hotline) {
  std::map<std::int64_t, json> logs;
  const std::string base = "/v1/hotlines/" + std::to_string(hotline) + "/call-logs";
  for (std::int64_t offset = 0;; offset += 50) {
    const auto listed = client.Get(base + "?limit=50&offset=" + std::to_string(offset), {auth});
    EXPECT_EQ(listed.status, 200) << listed.body;
    if (listed.status != 200) return logs;
    const json page = listed.Json();
    for (const json& log : page["callLogs"]) {
      const std::int64_t id = log["id"];
      const auto read = client.Get(base + "/" + std::to_string(id), {auth});
      EXPECT_EQ(read.status, 200) << read.body;
      logs[id] = read.Json();
    }
    if (page["callLogs"].size() < 50) return logs;
  }
}

std::size_t EndedCount(const std::map<std::int64_t, json>& logs) {
  std::size_t ended = 0;
  for (const auto& [id, log] : logs) ended += log["outcome"].is_null() ? 0 : 1;
  return ended;
}

class BackupTest : public TelephonyTest {
 protected:
  // The test reads every call log one by one, faster than the default 50 requests a second,
  // and its 30 calls come from one number, more than the flood guard lets through in an hour.
  std::vector<std::string> EngineArgs() override {
    return {"--rate-limit", "0", "--caller-calls-per-hour", "0"};
  }
  std::string BackupPath() const { return (server_.dir() / "backups" / "first.db").string(); }

  // Runs `admin backup` on the server's database; its JSON answer.
  json BackUp() {
    std::filesystem::create_directories(server_.dir() / "backups");
    std::string output;
    EXPECT_EQ(server_.AdminRaw({"backup", "--to", BackupPath()}, output), 0) << output;
    return json::parse(output, nullptr, false);
  }
};

TEST_F(BackupTest, ABackupTakenWhileCallsAreLoggedRestoresEveryAcknowledgedCall) {
  const std::int64_t hotline = CreateHotline({{"ttsInbound", ""}, {"ttsOutbound", ""}});
  // Without an active phone each call is answered, logged as missed and hung up at once.
  const json phone = {
      {"isActive", false}, {"name", "Handy"}, {"phone", kAgentPhone}, {"userID", ann_}};
  ASSERT_EQ(Send("PUT", "/v1/agent-phones/" + Str(agent_phone_), phone).status, 200);
  RtpProbe caller_audio;
  SippProcess callers(
      Scenario("caller_wait_bye.xml"),
      CallerArgs("+4924155660000", caller_audio, {"-m", "30", "-r", "10", "-l", "10"}));
  const std::string auth = Pat(ann_token_);
  std::map<std::int64_t, json> acknowledged;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (EndedCount(acknowledged) < 8 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    acknowledged = AllCallLogs(*client_, auth, hotline);
  }
  ASSERT_GE(EndedCount(acknowledged), 8u) << "calls are being logged";

  const json backup = BackUp();
  const std::map<std::int64_t, json> later = AllCallLogs(*client_, auth, hotline);
  EXPECT_LT(later.size(), 30u) << "the backup was taken while calls were still coming in";
  EXPECT_EQ(callers.Wait(), 0) << callers.Logs();
  EXPECT_EQ(backup["path"], BackupPath());
  EXPECT_TRUE(std::filesystem::exists(BackupPath() + ".sha256"));
  EXPECT_FALSE(std::filesystem::exists(BackupPath() + ".partial"));

  ServerProcess restored;  // a new folder, no database yet
  std::string output;
  ASSERT_EQ(restored.AdminRaw({"restore", "--from", BackupPath()}, output), 0) << output;
  restored.Start({"--rate-limit", "0"});
  HttpClient client(restored.base_url());
  const std::map<std::int64_t, json> back = AllCallLogs(client, auth, hotline);
  for (const auto& [id, log] : acknowledged) {
    ASSERT_TRUE(back.contains(id)) << "call log " << id << " was acknowledged before the backup";
    // A call that had ended is restored as it was; one in progress was closed at the start.
    if (!log["outcome"].is_null()) {
      EXPECT_EQ(back.at(id), log);
    }
  }
  for (const auto& [id, log] : back) {
    EXPECT_TRUE(later.contains(id)) << "call log " << id << " did not exist after the backup";
  }
}

class BackupFilesTest : public WorldTest {
 protected:
  std::string Backup() const { return (server_.dir() / "copy.db").string(); }
};

TEST_F(BackupFilesTest, RestoreRefusesWhileAServerUsesTheDatabaseAndChecksTheChecksum) {
  std::string output;
  ASSERT_EQ(server_.AdminRaw({"backup", "--to", Backup()}, output), 0) << output;
  std::ifstream checksum(Backup() + ".sha256");
  std::string line;
  std::getline(checksum, line);
  EXPECT_EQ(line, json::parse(output)["sha256"].get<std::string>() + "  copy.db")
      << "sha256sum's format";

  const std::string made_later = Secret({"token", "create", "--user", Str(ann_)});
  EXPECT_EQ(server_.AdminRaw({"restore", "--from", Backup()}, output), 1);
  EXPECT_EQ(json::parse(output)["error"], "failed_precondition") << output;
  EXPECT_NE(output.find("in use"), std::string::npos) << output;

  ASSERT_EQ(server_.Stop(), 0);
  // A backup that differs from its checksum by one byte is refused, and nothing is replaced.
  const std::string damaged = (server_.dir() / "damaged.db").string();
  std::filesystem::copy_file(Backup(), damaged);
  std::filesystem::copy_file(Backup() + ".sha256", damaged + ".sha256");
  {
    std::fstream file(damaged, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(5000);
    file.put('\x7f');
  }
  EXPECT_EQ(server_.AdminRaw({"restore", "--from", damaged}, output), 1);
  EXPECT_NE(output.find("does not match its checksum"), std::string::npos) << output;
  std::filesystem::remove(damaged + ".sha256");
  EXPECT_EQ(server_.AdminRaw({"restore", "--from", damaged}, output), 1);
  EXPECT_NE(output.find("no checksum file"), std::string::npos) << output;

  // A backup of a newer schema is refused too (its checksum made to match).
  const std::string newer = (server_.dir() / "newer.db").string();
  std::filesystem::copy_file(Backup(), newer);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(newer.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(
      sqlite3_exec(db, "INSERT INTO schema_version VALUES (9999, 0)", nullptr, nullptr, nullptr),
      SQLITE_OK);
  sqlite3_close(db);
  std::string sum;
  ASSERT_EQ(RunProcess({"/usr/bin/sha256sum", newer}, sum), 0);
  std::ofstream(newer + ".sha256") << sum.substr(0, 64) << "  newer.db\n";
  EXPECT_EQ(server_.AdminRaw({"restore", "--from", newer}, output), 1);
  EXPECT_NE(output.find("newer than this binary"), std::string::npos) << output;

  // The good one restores: what was there at the backup is, what came later is not.
  ASSERT_EQ(server_.AdminRaw({"restore", "--from", Backup()}, output), 0) << output;
  server_.Start();
  HttpClient client(server_.base_url());
  EXPECT_EQ(client.Get("/v1/me", {Pat(ann_token_)}).status, 200);
  EXPECT_EQ(client.Get("/v1/me", {Pat(made_later)}).status, 401);
}

}  // namespace
}  // namespace fr::testing
