// Health, readiness, metrics, the access log, documentation, shutdown, and start-up checks.
#include <sqlite3.h>

#include <array>
#include <chrono>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "integration/world.hpp"
#include "support/metrics_text.hpp"
#include "support/temp_dir.hpp"

namespace fr::testing {
namespace {

using OperationsHttpTest = WorldTest;

TEST_F(OperationsHttpTest, HealthAndReadinessNeedNoToken) {
  const auto health = client_->Get("/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.Json()["status"], "ok");
  const auto ready = client_->Get("/readyz");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.Json()["checks"]["storage"], "ok");
}

TEST_F(OperationsHttpTest, MetricsCountRequestsByRouteTemplateAndStatus) {
  client_->Get("/v1/me", {Pat(ann_token_)});
  client_->Get("/v1/me", {Pat(ann_token_)});
  client_->Get("/v1/me");
  client_->Send("PUT", "/v1/me/organizations/" + Str(org_a_), {Pat(ann_token_)}, "x");
  client_->Get("/v1/me?x=%zz", {Pat(ann_token_)});
  const auto metrics = client_->Get("/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.Header("content-type").find("text/plain"), std::string::npos);
  const std::string& text = metrics.body;
  EXPECT_NE(text.find(R"(fr_http_requests_total{method="GET",route="/v1/me",status="200"} 2)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(R"(fr_http_requests_total{method="GET",route="/v1/me",status="401"} 1)"),
            std::string::npos);
  EXPECT_NE(text.find(R"(route="/v1/me/organizations/{id}",status="415"} 1)"), std::string::npos);
  // A malformed query on a known path still counts under its route.
  EXPECT_NE(text.find(R"(fr_http_requests_total{method="GET",route="/v1/me",status="400"} 1)"),
            std::string::npos);
  EXPECT_NE(text.find(R"(fr_http_request_duration_seconds_count{route="/v1/me"} 4)"),
            std::string::npos);
  EXPECT_NE(text.find("fr_http_requests_in_flight 1"), std::string::npos);  // this request
}

TEST_F(OperationsHttpTest, MetricsCountTheWritesThroughSqlitesWriteGate) {
  const auto writes = [&] {
    const std::string text = client_->Get("/metrics").body;
    return std::array{MetricSample(text, R"(fr_sqlite_writes_total{turn="grouped"})"),
                      MetricSample(text, R"(fr_sqlite_writes_total{turn="alone"})"),
                      MetricSample(text, "fr_sqlite_write_group_commits_total"),
                      MetricSample(text, "fr_sqlite_writes_waiting")};
  };
  PrepareOrgAForHotlines();
  nlohmann::json draft = {
      {"agents", {max_}}, {"isActive", true}, {"name", "Counted"}, {"organizationID", org_a_}};
  const auto before = writes();
  for (double each : before) ASSERT_GE(each, 0) << "a series is missing";
  const auto created = client_->SendJson("POST", "/v1/hotlines", {Pat(ann_token_)}, draft.dump());
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string path = "/v1/hotlines/" + Str(created.Json()["id"].get<std::int64_t>());
  for (const char* name : {"Counted once", "Counted twice"}) {
    draft["name"] = name;
    ASSERT_EQ(client_->SendJson("PUT", path, {Pat(ann_token_)}, draft.dump()).status, 200);
  }
  const auto after = writes();
  EXPECT_GE(after[0] - before[0], 2) << "each update is a grouped write";
  EXPECT_GE(after[1] - before[1], 1) << "the creation takes its turn alone";
  EXPECT_GE(after[2] - before[2], 1);
  EXPECT_LE(after[2] - before[2], after[0] - before[0]) << "a group commits once";
}

TEST_F(OperationsHttpTest, AccessLogHasOneJsonLinePerRequest) {
  client_->Get("/v1/me", {Pat(ann_token_), "X-Request-Id: access-1"});
  client_->Get("/v1/nope", {"X-Request-Id: access-2"});
  ASSERT_EQ(server_.Stop(), 0) << server_.Stderr();
  std::istringstream lines(server_.Stdout());
  std::map<std::string, nlohmann::json> by_id;
  for (std::string line; std::getline(lines, line);) {
    const auto entry = nlohmann::json::parse(line, nullptr, false);
    ASSERT_TRUE(entry.is_object()) << line;
    EXPECT_EQ(entry["type"], "access");
    by_id[entry["request_id"]] = entry;
  }
  ASSERT_TRUE(by_id.contains("access-1"));
  EXPECT_EQ(by_id["access-1"]["status"], 200);
  EXPECT_EQ(by_id["access-1"]["route"], "/v1/me");
  EXPECT_EQ(by_id["access-1"]["method"], "GET");
  EXPECT_TRUE(by_id["access-1"]["duration_ms"].is_number());
  EXPECT_EQ(by_id["access-2"]["status"], 404);
  EXPECT_EQ(by_id["access-2"]["route"], "unmatched");
  // Secrets never reach the log.
  EXPECT_EQ(server_.Stdout().find(ann_token_), std::string::npos);
  EXPECT_EQ(server_.Stderr().find(ann_token_), std::string::npos);
}

TEST_F(OperationsHttpTest, ServesItsOpenApiDocumentAndDocsPage) {
  const auto document = client_->Get("/openapi.json");
  ASSERT_EQ(document.status, 200);
  const auto json = document.Json();
  EXPECT_EQ(json["openapi"], "3.1.0");
  std::ifstream source(std::string(FR_SOURCE_DIR) + "/docs/openapi.json");
  EXPECT_TRUE(json == nlohmann::json::parse(source)) << "the served document is docs/openapi.json";
  const auto docs = client_->Get("/docs");
  ASSERT_EQ(docs.status, 200);
  EXPECT_NE(docs.Header("content-type").find("text/html"), std::string::npos);
  EXPECT_NE(docs.body.find("/openapi.json"), std::string::npos);
  // Everything it needs comes from this server: no scripts or styles from elsewhere.
  EXPECT_FALSE(std::regex_search(docs.body, std::regex(R"((src|href)\s*=\s*["']?https?:)")));
}

TEST_F(OperationsHttpTest, SigtermShutsDownCleanly) {
  EXPECT_EQ(client_->Get("/healthz").status, 200);
  EXPECT_EQ(server_.Stop(), 0) << server_.Stderr();
  EXPECT_NE(server_.Stderr().find("stopped"), std::string::npos);
}

TEST_F(OperationsHttpTest, DataSurvivesRestart) {
  client_->SendJson("PUT", "/v1/me/organizations/" + Str(org_a_), {Pat(ann_token_)},
                    R"({"allowAdminAccess": true})");
  ASSERT_EQ(server_.Stop(), 0) << server_.Stderr();
  server_.Start();
  HttpClient client(server_.base_url());
  EXPECT_EQ(client.Get("/v1/me", {Pat(ann_token_)}).Json()["memberships"][0]["allowAdminAccess"],
            true);
}

TEST(StartupTest, RefusesADatabaseFromANewerVersion) {
  ServerProcess server;
  server.Admin({"org", "create", "--name", "X"});
  sqlite3* db = nullptr;
  const std::string path = server.database_url().substr(7);
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "INSERT INTO schema_version VALUES (999, 0)", nullptr, nullptr,
                         nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  EXPECT_THROW(server.Start(), std::runtime_error);
  EXPECT_NE(server.Stderr().find("newer than this binary"), std::string::npos) << server.Stderr();
}

TEST(StartupTest, RejectsBadConfigurationClearly) {
  std::string output;
  EXPECT_EQ(RunProcess({BinaryPath(), "serve", "--listen", "nonsense"}, output), 2);
  EXPECT_EQ(RunProcess({BinaryPath(), "serve", "--database", "mysql://x", "--listen",
                        "127.0.0.1:0"},
                       output),
            2);
  EXPECT_EQ(RunProcess({BinaryPath(), "serve", "--database",
                        "postgresql://fr:secret@127.0.0.1/fr?colour=blue", "--listen",
                        "127.0.0.1:0"},
                       output),
            2);
  EXPECT_EQ(RunProcess({BinaryPath(), "frobnicate"}, output), 2);
  // The phone line's options are checked before anything starts.
  for (const std::vector<std::string>& bad : {std::vector<std::string>{"--sip-listen", "nonsense"},
                                              {"--ring-timeout", "0s"},
                                              {"--ring-timeout", "soon"},
                                              {"--media-timeout", "-1"},
                                              {"--rtp-ports", "3000-2000"},
                                              {"--rtp-ports", "80-90"},
                                              {"--sip-trunk", "no-port"},
                                              {"--max-call-duration", "1y"},
                                              {"--sip-trunk-allow", "10.0.0.0/40"},
                                              {"--sip-listen", "0.0.0.0:5060"},
                                              {"--sip-listen", "localhost:5060"},
                                              {"--voicemail-silence", "0s"},
                                              {"--voicemail-silence", "2m"},
                                              {"--voicemail-dir", "/proc/no-such-folder"},
                                              {"--require-verified-phones", "maybe"}}) {
    std::vector<std::string> argv = {BinaryPath(), "serve", "--listen", "127.0.0.1:0"};
    argv.insert(argv.end(), bad.begin(), bad.end());
    EXPECT_EQ(RunProcess(argv, output), 2) << bad[0] << " " << bad[1];
  }
}

TEST(StartupTest, AnAddressInUseExitsWith1) {
  ServerProcess first;
  first.Start({"--sip-listen", "127.0.0.1:0"});
  std::ifstream file(first.dir() / "listen.json");
  const auto taken = nlohmann::json::parse(file);
  const std::string http = taken["http"].get<std::string>().substr(7);  // "127.0.0.1:PORT"
  const std::string sip = taken["sip"];
  TempDir dir;
  std::string output;
  EXPECT_EQ(RunProcess({BinaryPath(), "serve", "--listen", http, "--database",
                        "sqlite:" + (dir.path() / "fr.db").string(), "--sip-listen", "off"},
                       output),
            1)
      << "HTTP port in use";
  EXPECT_EQ(RunProcess({BinaryPath(), "serve", "--listen", "127.0.0.1:0", "--database",
                        "sqlite:" + (dir.path() / "fr.db").string(), "--sip-listen", sip},
                       output),
            1)
      << "SIP port in use";
  EXPECT_EQ(HttpClient(first.base_url()).Get("/healthz").status, 200) << "the first one is fine";
}

// Neither a voice file nor a language espeak-ng speaks ("no-such-voice" would be a well-formed
// Norwegian tag, decision 0043).
TEST(StartupTest, AnUnknownTextToSpeechVoiceIsAnInvalidOption) {
  TempDir dir;
  std::string output;
  EXPECT_EQ(RunProcess({BinaryPath(), "serve", "--listen", "127.0.0.1:0", "--database",
                        "sqlite:" + (dir.path() / "fr.db").string(), "--sip-listen",
                        "127.0.0.1:0", "--tts-voice", "qx-nosuchvoice"},
                       output),
            2);
}

// Scripts that start the service on port 0 learn its address from the listen file, whatever
// the log level; the log line is for people.
TEST(StartupTest, TheListenFileTellsTheAddressAtAnyLogLevel) {
  ServerProcess server;
  server.Start({"--log-level", "warn"});
  EXPECT_EQ(server.Stderr().find("listening on"), std::string::npos) << "hidden at warn";
  std::ifstream file(server.dir() / "listen.json");
  const auto written = nlohmann::json::parse(file);
  EXPECT_EQ(written["http"], server.base_url());
  EXPECT_TRUE(written["sip"].is_null()) << "the phone line is off";
  EXPECT_EQ(HttpClient(server.base_url()).Get("/healthz").status, 200);
}

TEST(StartupTest, IPv6AddressesAreWrittenInBrackets) {
  TempDir dir;
  const auto listen_file = dir.path() / "listen.json";
  ChildProcess server({BinaryPath(), "serve", "--listen", "[::1]:0", "--database",
                       "sqlite:" + (dir.path() / "fr.db").string(), "--sip-listen", "off",
                       "--listen-file", listen_file.string()},
                      dir.path(), "server");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!std::filesystem::exists(listen_file) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(std::filesystem::exists(listen_file)) << server.Stderr();
  std::ifstream file(listen_file);
  const std::string url = nlohmann::json::parse(file)["http"];
  EXPECT_TRUE(std::regex_match(url, std::regex(R"(http://\[::1\]:\d+)"))) << url;
  EXPECT_NE(server.Stderr().find("listening on " + url), std::string::npos) << server.Stderr();
  EXPECT_EQ(HttpClient(url).Get("/healthz").status, 200);
}

TEST(DemoTest, SeedsOnceAndPrintsWorkingCurlExamples) {
  ServerProcess server;
  server.Start({"--demo"});
  const std::string printed = server.Stdout();
  std::smatch match;
  ASSERT_TRUE(std::regex_search(printed, match,
                                std::regex(R"(Personal-Access-Token: (frpat_[A-Za-z0-9_-]{43}))")))
      << printed;
  EXPECT_NE(printed.find("curl -s " + server.base_url() + "/v1/me"), std::string::npos);
  HttpClient client(server.base_url());
  const auto me = client.Get("/v1/me", {"Personal-Access-Token: " + match[1].str()});
  EXPECT_EQ(me.status, 200);
  EXPECT_EQ(me.Json()["memberships"][0]["organizationName"], "Demo Relief Team");
  // The credentials file follows the database, and the log says where it is.
  const auto credentials = server.dir() / "demo-credentials.txt";
  EXPECT_NE(server.Stderr().find("saved in " + credentials.string()), std::string::npos)
      << server.Stderr();
  EXPECT_EQ(std::filesystem::status(credentials).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  ASSERT_EQ(server.Stop(), 0) << server.Stderr();

  server.Start({"--demo"});
  EXPECT_EQ(server.Stdout().find("Personal-Access-Token"), std::string::npos);
  EXPECT_EQ(HttpClient(server.base_url()).Get("/v1/me", {"Personal-Access-Token: " + match[1].str()}).status,
            200);
}

TEST(AdminCliTest, ReportsErrorsWithNonZeroExit) {
  ServerProcess server;
  std::string output;
  EXPECT_EQ(server.AdminRaw({"member", "add", "--org", "5", "--user", "6"}, output), 1);
  EXPECT_EQ(nlohmann::json::parse(output)["error"], "not_found");
  EXPECT_EQ(server.AdminRaw({"org", "create", "--name", " "}, output), 1);
  EXPECT_EQ(nlohmann::json::parse(output)["error"], "invalid_argument");
  EXPECT_EQ(server.AdminRaw({"token", "create"}, output), 1);
  EXPECT_EQ(server.AdminRaw({"token", "revoke", "77"}, output), 1);
  EXPECT_EQ(server.AdminRaw({"org", "create"}, output), 2);  // --name is required
  // --json promises one JSON object on every error, usage errors included.
  const auto usage = nlohmann::json::parse(output, nullptr, false);
  ASSERT_TRUE(usage.is_object()) << output;
  EXPECT_EQ(usage["error"], "usage");
  EXPECT_NE(usage["detail"].get<std::string>().find("--name"), std::string::npos) << usage;
}

TEST(AdminCliTest, TokensExpireAfterOneTo3650Days) {
  ServerProcess server;
  const std::string user = std::to_string(server.Admin({"user", "create", "--name", "U"})["id"].get<int>());
  std::string output;
  for (const char* days : {"0", "-1", "3651", "soon"}) {
    EXPECT_EQ(server.AdminRaw({"token", "create", "--user", user, "--expires", days}, output), 2)
        << days;
    EXPECT_EQ(nlohmann::json::parse(output, nullptr, false).value("error", ""), "usage") << days;
  }
  EXPECT_EQ(server.AdminRaw({"token", "create", "--user", user, "--expires", "3650"}, output), 0);
  EXPECT_FALSE(nlohmann::json::parse(output)["expiresAt"].is_null());
}

}  // namespace
}  // namespace fr::testing
