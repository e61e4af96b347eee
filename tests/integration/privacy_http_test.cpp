// Erasure, export, retention per organisation, leaving and deleting users (issue #18 §2):
// calls fed through the service's real CallEventSink and store (tests/support/call_feeder.cpp),
// then the API and the admin command of the real binary, and the database file's bytes.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <thread>

#include "integration/world.hpp"
#include "support/contract_proxy.hpp"

namespace fr::testing {
namespace {

using nlohmann::json;

constexpr const char* kCaller = "004924199887766";  // the caller who asks to be erased
constexpr const char* kOtherCaller = "004924111122233";
constexpr const char* kMaxPhone = "004915112345678";
constexpr std::int64_t kDay = 86'400'000;

// A GET on a raw socket with a small receive buffer that reads only when told: until then the
// server's writes stop once the socket's buffers are full (a few MB on loopback), as for a
// slow reader. Asks the server to close the connection after the answer.
class PausedReader {
 public:
  PausedReader(int port, const std::string& path, const std::string& header)
      : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    const int small = 4096;  // before connect, so that the window stays small
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) return;
    const std::string request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + header +
                                "\r\nConnection: close\r\n\r\n";
    sent_ = ::send(fd_, request.data(), request.size(), MSG_NOSIGNAL) ==
            static_cast<ssize_t>(request.size());
  }
  ~PausedReader() { ::close(fd_); }
  PausedReader(const PausedReader&) = delete;
  PausedReader& operator=(const PausedReader&) = delete;

  // The status line and headers ("" if none came within `timeout`).
  std::string ReadHead(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (sent_ && received_.find("\r\n\r\n") == std::string::npos) {
      if (!Receive(deadline)) return "";
    }
    const auto end = received_.find("\r\n\r\n");
    if (end == std::string::npos) return "";
    std::string head = received_.substr(0, end + 4);
    received_.erase(0, end + 4);
    return head;
  }
  // The rest of the chunked body, unchunked, once its last chunk came (or the connection
  // closed, or `timeout` passed).
  std::string ReadBody(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!received_.ends_with("\r\n0\r\n\r\n") && Receive(deadline)) {
    }
    std::string body;
    std::size_t at = 0;
    while (true) {
      const auto line_end = received_.find("\r\n", at);
      if (line_end == std::string::npos) break;
      const std::size_t size = std::stoul(received_.substr(at, line_end - at), nullptr, 16);
      if (size == 0 || line_end + 2 + size > received_.size()) break;
      body += received_.substr(line_end + 2, size);
      at = line_end + 2 + size + 2;
    }
    return body;
  }

 private:
  // False at the end of the stream or the deadline.
  bool Receive(std::chrono::steady_clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd readable{fd_, POLLIN, 0};
    if (left.count() <= 0 || ::poll(&readable, 1, static_cast<int>(left.count())) <= 0) {
      return false;
    }
    char chunk[65536];
    const ssize_t count = ::recv(fd_, chunk, sizeof chunk, 0);
    if (count <= 0) return false;
    received_.append(chunk, static_cast<std::size_t>(count));
    return true;
  }

  int fd_;
  bool sent_ = false;
  std::string received_;
};

std::int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class PrivacyHttpTest : public WorldTest {
 protected:
  void SetUp() override {
    WorldTest::SetUp();
    server_.Admin({"numbers", "add", "--country", "DE", "--city", "Aachen", "--from",
                   "004924155660000", "--to", "004924155660003"});
    AddCustomer(org_a_, ann_token_);
    AddCustomer(org_b_, bea_token_);
    hotline_a_ = CreateHotline(org_a_, {ann_, max_}, ann_token_);
    hotline_b_ = CreateHotline(org_b_, {bea_}, bea_token_);
    const json phone = {
        {"isActive", true}, {"name", "Handy"}, {"phone", "+49 151 12345678"}, {"userID", max_}};
    const auto created =
        client_->SendJson("POST", "/v1/agent-phones", {Pat(max_token_)}, phone.dump());
    ASSERT_EQ(created.status, 201) << created.body;
    max_phone_ = created.Json()["id"];
  }

  void AddCustomer(std::int64_t organization, const std::string& token) {
    const json customer = {{"city", "Aachen"},
                           {"cityCode", "52062"},
                           {"country", "DE"},
                           {"name", "Relief"},
                           {"organizationID", organization},
                           {"street", "Markt"},
                           {"streetHousenumber", 1}};
    ASSERT_EQ(client_->SendJson("POST", "/v1/sip-customer", {Pat(token)}, customer.dump()).status,
              201);
  }
  std::int64_t CreateHotline(std::int64_t organization, const std::vector<std::int64_t>& agents,
                             const std::string& token) {
    const json draft = {{"agents", agents},
                        {"isActive", true},
                        {"name", "Notruf"},
                        {"organizationID", organization}};
    const auto created = client_->SendJson("POST", "/v1/hotlines", {Pat(token)}, draft.dump());
    EXPECT_EQ(created.status, 201) << created.body;
    return created.Json()["id"];
  }

  // A call from `caller` to `hotline` that rang Max's phone; its end names the caller in the
  // +49 form, as a SIP reason might.
  // `padding` characters lengthen the call's last entry (large exports, few rows).
  void AddCall(const std::string& call, std::int64_t hotline, const std::string& caller,
               std::int64_t at, std::size_t padding = 0) {
    const std::string plus = "+" + caller.substr(2);
    for (json op : {json{{"op", "open_call"}, {"hotline", hotline}, {"caller", caller}},
                    json{{"op", "open_leg"},
                         {"leg", call + "-in"},
                         {"direction", "inbound"},
                         {"from", caller},
                         {"to", "004924155660000"}},
                    json{{"op", "open_leg"},
                         {"leg", call + "-out"},
                         {"direction", "outbound"},
                         {"from", "004924155660000"},
                         {"to", kMaxPhone},
                         {"userID", max_},
                         {"agentPhoneID", max_phone_}},
                    json{{"op", "close_leg"},
                         {"leg", call + "-out"},
                         {"disposition", "no_answer"},
                         {"sipStatus", 487}},
                    json{{"op", "close_leg"},
                         {"leg", call + "-in"},
                         {"disposition", "answered"},
                         {"sipStatus", 200}},
                    json{{"op", "entry"},
                         {"type", "ended"},
                         {"detail", plus + " hung up." + std::string(padding, '.')}},
                    json{{"op", "close_call"}, {"outcome", "missed"}}}) {
      op["call"] = call;
      op["at"] = at;
      ops_.push_back(std::move(op));
    }
  }

  void Feed() {
    const auto path = server_.dir() / ("script-" + std::to_string(++scripts_) + ".json");
    std::ofstream(path) << ops_.dump();
    ops_ = json::array();
    std::string output;
    ASSERT_EQ(RunProcess({FR_CALL_FEEDER_PATH, server_.database_url(), path.string()}, output), 0)
        << output;
  }

  HttpResult Post(const std::string& path, const std::string& auth, const json& body) {
    return client_->SendJson("POST", path, {auth}, body.dump());
  }
  std::string Org(std::int64_t organization, const std::string& tail = "") {
    return "/v1/organizations/" + Str(organization) + tail;
  }
  json CallLogs(std::int64_t hotline, const std::string& auth) {
    return client_->Get("/v1/hotlines/" + Str(hotline) + "/call-logs?limit=50", {auth})
        .Json()["callLogs"];
  }

  // The lines of a JSON Lines answer, each parsed.
  static std::vector<json> Lines(const HttpResult& result) {
    std::vector<json> lines;
    std::istringstream in(result.body);
    for (std::string line; std::getline(in, line);) lines.push_back(json::parse(line));
    return lines;
  }
  static std::vector<json> OfType(const std::vector<json>& lines, const std::string& type) {
    std::vector<json> found;
    for (const json& line : lines) {
      if (line["type"] == type) found.push_back(line["data"]);
    }
    return found;
  }

  std::int64_t hotline_a_ = 0, hotline_b_ = 0, max_phone_ = 0;
  json ops_ = json::array();
  int scripts_ = 0;
};

TEST_F(PrivacyHttpTest, ErasureReplacesTheNumberAndLeavesNoTraceInTheFile) {
  AddCall("a1", hotline_a_, kCaller, NowMillis() - 3000);
  AddCall("a2", hotline_a_, kCaller, NowMillis() - 2000);
  AddCall("a3", hotline_a_, kOtherCaller, NowMillis() - 1000);
  AddCall("b1", hotline_b_, kCaller, NowMillis() - 1000);
  Feed();
  const std::string path = Org(org_a_, "/privacy/erase-caller");
  ExpectProblem(Post(path, Pat(max_token_), {{"number", "+49 241 99887766"}}), 403);
  ExpectProblem(Post(path, Pat(bea_token_), {{"number", "+49 241 99887766"}}), 404);
  ExpectProblem(Post(path, Api(org_b_token_), {{"number", "+49 241 99887766"}}), 404);
  EXPECT_EQ(ErrorFields(ExpectProblem(Post(path, Pat(ann_token_), {{"number", "call me"}}), 400)),
            std::vector<std::string>{"number"});

  const auto erased = Post(path, Api(org_a_token_), {{"number", "+49 241 99887766"}});
  ASSERT_EQ(erased.status, 200) << erased.body;
  EXPECT_EQ(erased.Json(), (json{{"callLogEntries", 2}, {"callLogs", 2}, {"telephoneRecords", 2}}));
  EXPECT_EQ(erased.body.find("99887766"), std::string::npos);
  std::multiset<std::string> callers;
  for (const json& log : CallLogs(hotline_a_, Pat(ann_token_))) callers.insert(log["caller"]);
  EXPECT_EQ(callers, (std::multiset<std::string>{"erased", "erased", kOtherCaller}));
  EXPECT_EQ(CallLogs(hotline_b_, Pat(bea_token_))[0]["caller"], kCaller)
      << "another organisation's history is its own";

  const json answer =
      server_.Admin({"privacy", "erase-caller", "--org", Str(org_b_), "--number", kCaller});
  EXPECT_EQ(answer["callLogs"], 1);
  EXPECT_EQ(CallLogs(hotline_b_, Pat(bea_token_))[0]["caller"], "erased");
  // Nothing of the number in what the API still shows of either organisation.
  for (const auto& [organization, token] :
       {std::pair{org_a_, Pat(ann_token_)}, std::pair{org_b_, Pat(bea_token_)}}) {
    const auto exported = client_->Get(Org(organization, "/export"), {token});
    ASSERT_EQ(exported.status, 200) << exported.body;
    EXPECT_EQ(exported.body.find("99887766"), std::string::npos) << exported.body;
  }

  // What is left on disk, compacted: the other caller is there (the scan can find a number),
  // the erased one is not, in any form. SQLite only: on PostgreSQL (the postgresql. run of this
  // test) the server's files are the cluster's, and the SQL above is what is tested there.
  if (!server_.database_url().starts_with("sqlite:")) return;
  ASSERT_EQ(server_.Stop(), 0);
  const std::string file = server_.database_url().substr(std::string("sqlite:").size());
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "VACUUM", nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  sqlite3_close(db);
  std::string bytes;
  for (const char* suffix : {"", "-wal"}) {
    std::ifstream in(file + suffix, std::ios::binary);
    bytes.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  EXPECT_NE(bytes.find(kOtherCaller), std::string::npos);
  EXPECT_EQ(bytes.find("4924199887766"), std::string::npos) << "the erased number is in the file";
}

// More than one page of the database (200) and many chunks of the stream (64 KiB): every call
// arrives once, in order, each line whole.
TEST_F(PrivacyHttpTest, ALargeExportStreamsEveryCallOnceAcrossPagesAndChunks) {
  constexpr int kCalls = 260;
  const std::int64_t start = NowMillis() - kCalls * 1000;
  for (int i = 0; i < kCalls; ++i) {
    AddCall("c" + std::to_string(i), hotline_a_, i % 2 ? kCaller : kOtherCaller, start + i * 1000);
  }
  Feed();
  const auto exported = client_->Get(Org(org_a_, "/export"), {Api(org_a_token_)});
  ASSERT_EQ(exported.status, 200) << exported.body.substr(0, 500);
  EXPECT_GT(exported.body.size(), 3u * 64 * 1024) << "several chunks";
  const auto lines = Lines(exported);  // each line parses: no line is cut at a chunk's end
  const auto logs = OfType(lines, "callLog");
  ASSERT_EQ(logs.size(), static_cast<std::size_t>(kCalls));
  std::set<std::int64_t> ids;
  for (const json& log : logs) ids.insert(log["id"].get<std::int64_t>());
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(kCalls)) << "each call once";
  EXPECT_EQ(OfType(lines, "telephoneRecord").size(), 2u * kCalls);
  EXPECT_TRUE(OfType(lines, "error").empty());
  EXPECT_EQ(lines.back()["type"], "auditEntry");
}

// A running export checks its requester after every page (decision 0082): revoked while the
// reader pauses, the token gets the rest of the current page at most, then the error line.
TEST_F(PrivacyHttpTest, AnExportEndsWithTheErrorLineWhenItsTokenIsRevokedMidway) {
  // About 8 MB, twice what the socket buffers hold (4 MB at most on Linux by default), so
  // that the export waits for its reader with pages still to read.
  constexpr int kCalls = 1000;
  const std::int64_t start = NowMillis() - kCalls * 1000;
  for (int i = 0; i < kCalls; ++i) {
    AddCall("c" + std::to_string(i), hotline_a_, kOtherCaller, start + i * 1000, 8000);
  }
  Feed();
  const auto issued =
      client_->SendJson("POST", "/v1/me/tokens", {Pat(ann_token_)}, R"({"name": "export"})");
  ASSERT_EQ(issued.status, 201) << issued.body;
  const std::string secret = issued.Json()["secret"];

  PausedReader reader(server_.port(), Org(org_a_, "/export"), Pat(secret));
  const std::string head = reader.ReadHead(std::chrono::seconds(30));
  ASSERT_EQ(head.rfind("HTTP/1.1 200", 0), 0u) << head;
  const std::string token_path = "/v1/me/tokens/" + Str(issued.Json()["id"].get<std::int64_t>());
  ASSERT_EQ(client_->Send("DELETE", token_path, {Pat(ann_token_)}).status, 204);

  std::vector<json> lines;
  std::istringstream body(reader.ReadBody(std::chrono::seconds(60)));
  for (std::string line; std::getline(body, line);) lines.push_back(json::parse(line));
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines.back()["type"], "error") << lines.back();
  EXPECT_NE(lines.back()["data"]["detail"].get<std::string>().find("revoked"), std::string::npos);
  EXPECT_LT(OfType(lines, "callLog").size(), static_cast<std::size_t>(kCalls));
  EXPECT_TRUE(OfType(lines, "auditEntry").empty()) << "the export ended before its last part";
}

TEST_F(PrivacyHttpTest, AnExportHoldsExactlyTheOrganizationsDataAndHonoursConsent) {
  AddCall("a1", hotline_a_, kCaller, NowMillis() - 2000);
  AddCall("a2", hotline_a_, kOtherCaller, NowMillis() - 1000);
  AddCall("b1", hotline_b_, "004924155550000", NowMillis() - 1000);
  Feed();
  ExpectProblem(client_->Get(Org(org_a_, "/export"), {Pat(max_token_)}), 403);
  ExpectProblem(client_->Get(Org(org_a_, "/export"), {Pat(bea_token_)}), 404);
  ExpectProblem(client_->Get(Org(org_a_, "/export"), {Api(org_b_token_)}), 404);

  const auto exported = client_->Get(Org(org_a_, "/export"), {Pat(ann_token_)});
  ASSERT_EQ(exported.status, 200) << exported.body;
  EXPECT_EQ(exported.Header("content-type"), "application/x-ndjson");
  // Streamed as it is read (decision 0047), never built whole in memory first. (Prism's proxy,
  // in the contract runs, buffers answers and sends them with a length.)
  if (ContractProxy::Instance() == nullptr) {
    EXPECT_EQ(exported.Header("transfer-encoding"), "chunked");
    EXPECT_EQ(exported.Header("content-length"), "");
  }
  const auto lines = Lines(exported);
  ASSERT_EQ(OfType(lines, "organization").size(), 1u);
  EXPECT_EQ(OfType(lines, "organization")[0]["id"], org_a_);
  ASSERT_EQ(OfType(lines, "hotline").size(), 1u);
  EXPECT_EQ(OfType(lines, "hotline")[0]["id"], hotline_a_);
  std::set<std::int64_t> members;
  for (const json& member : OfType(lines, "member"))
    members.insert(member["userID"].get<std::int64_t>());
  EXPECT_EQ(members, (std::set<std::int64_t>{ann_, max_}));
  const auto logs = OfType(lines, "callLog");
  ASSERT_EQ(logs.size(), 2u);
  for (const json& log : logs) {
    EXPECT_EQ(log["hotlineID"], hotline_a_);
    EXPECT_EQ(log, client_
                       ->Get("/v1/hotlines/" + Str(hotline_a_) + "/call-logs/" + Str(log["id"]),
                             {Pat(ann_token_)})
                       .Json())
        << "each call log as its own endpoint shows it, entries included";
  }
  EXPECT_EQ(OfType(lines, "telephoneRecord").size(), 4u);
  EXPECT_EQ(exported.body.find("004924155550000"), std::string::npos)
      << "nothing of organisation B";
  EXPECT_EQ(exported.body.find("Relief B"), std::string::npos);
  EXPECT_EQ(exported.body.find("secret"), std::string::npos);
  EXPECT_NE(exported.body.find(kMaxPhone), std::string::npos) << "Max consents";
  EXPECT_EQ(client_->Get(Org(org_a_, "/export"), {Api(org_a_token_)}).status, 200);

  // Max withdraws consent: his phones and his number in the records leave the export.
  ASSERT_EQ(client_
                ->SendJson("PUT", "/v1/me/organizations/" + Str(org_a_), {Pat(max_token_)},
                           R"({"allowAdminAccess": false})")
                .status,
            200);
  const auto withdrawn = client_->Get(Org(org_a_, "/export"), {Pat(ann_token_)});
  ASSERT_EQ(withdrawn.status, 200);
  EXPECT_EQ(withdrawn.body.find(kMaxPhone), std::string::npos) << withdrawn.body;
  for (const json& member : OfType(Lines(withdrawn), "member")) {
    if (member["userID"] == max_) {
      EXPECT_TRUE(member["agentPhones"].is_null());
    } else {
      EXPECT_TRUE(member["agentPhones"].is_array());
    }
  }

  // A user's own export: their memberships, phones and tokens, never a secret.
  const auto mine = client_->Get("/v1/me/export", {Pat(max_token_)});
  ASSERT_EQ(mine.status, 200) << mine.body;
  const auto own = Lines(mine);
  ASSERT_EQ(OfType(own, "user").size(), 1u);
  EXPECT_EQ(OfType(own, "user")[0]["id"], max_);
  ASSERT_EQ(OfType(own, "membership").size(), 1u);
  EXPECT_EQ(OfType(own, "membership")[0]["allowAdminAccess"], false);
  ASSERT_EQ(OfType(own, "agentPhone").size(), 1u);
  EXPECT_EQ(OfType(own, "agentPhone")[0]["phone"], kMaxPhone);
  ASSERT_EQ(OfType(own, "token").size(), 1u);
  EXPECT_EQ(mine.body.find(max_token_), std::string::npos);
  EXPECT_EQ(mine.body.find("secret"), std::string::npos);
  ExpectProblem(client_->Get("/v1/me/export", {Api(org_a_token_)}), 403);
}

TEST_F(PrivacyHttpTest, OrganizationsShortenRetentionAndThePurgeHonoursIt) {
  const std::string path = Org(org_a_);
  EXPECT_EQ(client_->Get(path, {Pat(max_token_)}).Json()["callRetentionDays"], nullptr);
  EXPECT_EQ(client_->Get(path, {Pat(max_token_)}).Json()["maxCallRetentionDays"], 90);
  ExpectProblem(client_->Get(path, {Pat(bea_token_)}), 404);
  const auto patch = [&](const std::string& auth, const std::string& body) {
    return client_->Send("PATCH", path, {auth, "Content-Type: application/json"}, body);
  };
  ExpectProblem(patch(Pat(max_token_), R"({"callRetentionDays": 5})"), 403);
  EXPECT_EQ(ErrorFields(ExpectProblem(patch(Pat(ann_token_), R"({"callRetentionDays": 91})"), 400)),
            std::vector<std::string>{"callRetentionDays"});
  EXPECT_EQ(ErrorFields(ExpectProblem(patch(Pat(ann_token_), R"({"callRetentionDays": 0})"), 400)),
            std::vector<std::string>{"callRetentionDays"});
  const auto set = patch(Pat(ann_token_), R"({"callRetentionDays": 5})");
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(set.Json()["callRetentionDays"], 5);

  AddCall("old-a", hotline_a_, kCaller, NowMillis() - 10 * kDay);
  AddCall("new-a", hotline_a_, kOtherCaller, NowMillis() - 2 * kDay);
  AddCall("old-b", hotline_b_, kCaller, NowMillis() - 10 * kDay);
  Feed();
  ASSERT_EQ(server_.Stop(), 0);
  server_.Start();  // the purge runs at start
  client_ = std::make_unique<HttpClient>(server_.base_url());
  json logs;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  do {
    logs = CallLogs(hotline_a_, Pat(ann_token_));
    if (logs.size() == 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  } while (std::chrono::steady_clock::now() < deadline);
  ASSERT_EQ(logs.size(), 1u);
  EXPECT_EQ(logs[0]["caller"], kOtherCaller);
  EXPECT_EQ(CallLogs(hotline_b_, Pat(bea_token_)).size(), 1u) << "B keeps the server's 90 days";

  ASSERT_EQ(patch(Pat(ann_token_), R"({"callRetentionDays": null})").Json()["callRetentionDays"],
            nullptr);
}

TEST_F(PrivacyHttpTest, AMemberLeavesAndAUserIsDeletedWithTheirPhonesAndTokens) {
  const std::string hotline = "/v1/hotlines/" + Str(hotline_a_);
  ASSERT_EQ(
      client_->Send("DELETE", "/v1/me/organizations/" + Str(org_a_), {Pat(max_token_)}).status,
      204);
  EXPECT_EQ(client_->Get(hotline, {Pat(ann_token_)}).Json()["agents"], json::array({ann_}))
      << "his phones no longer ring for the organisation's hotlines";
  EXPECT_EQ(client_->Get("/v1/me", {Pat(max_token_)}).Json()["memberships"], json::array());
  ExpectProblem(client_->Send("DELETE", "/v1/me/organizations/" + Str(org_a_), {Pat(max_token_)}),
                404);
  ExpectProblem(client_->Send("DELETE", "/v1/me/organizations/" + Str(org_a_), {Api(org_a_token_)}),
                403);
  // Ann is now organisation A's only admin: she stays until another member is made admin.
  const json only_admin = ExpectProblem(
      client_->Send("DELETE", "/v1/me/organizations/" + Str(org_a_), {Pat(ann_token_)}), 409);
  EXPECT_NE(only_admin.value("detail", "").find("only admin"), std::string::npos) << only_admin;
  EXPECT_EQ(client_->Get("/v1/me", {Pat(ann_token_)}).Json()["memberships"].size(), 1u);

  AddCall("a1", hotline_a_, kCaller, NowMillis() - 1000);
  Feed();
  const json answer = server_.Admin({"user", "delete", Str(max_)});
  EXPECT_EQ(answer["deleted"], true);
  EXPECT_EQ(client_->Get("/v1/me", {Pat(max_token_)}).status, 401) << "his tokens went with him";
  std::string output;
  EXPECT_EQ(server_.AdminRaw({"user", "delete", Str(max_)}, output), 1);
  // The call history keeps the leg to his phone, naming a user who no longer exists.
  const json records =
      client_->Get(hotline + "/telephone-records", {Pat(ann_token_)}).Json()["records"];
  bool kept = false;
  for (const json& record : records) kept |= record["userID"] == max_;
  EXPECT_TRUE(kept) << records;
}

}  // namespace
}  // namespace fr::testing
