// Call logs and telephone records: calls fed through the service's real CallEventSink and store
// (tests/support/call_feeder.cpp plays the engine), read back over HTTP from the real binary.
#include <chrono>
#include <ctime>
#include <fstream>
#include <thread>

#include "integration/call_log_world.hpp"

namespace fr::testing {
namespace {

using nlohmann::json;

TEST_F(CallLogsHttpTest, RealisticCallsReadBackNewestFirst) {
  const std::int64_t t0 = NowMillis() - 3'600'000;
  CallScript script(hotline_, hotline_number_);
  script.Answered("answered", "004924112345", t0, agents_);
  script.Missed("missed", "004922199999", t0 + 100'000, agents_);
  script.Abandoned("abandoned", "004930123456", t0 + 200'000, agents_);
  script.RejectedBusy("rejected", nullptr, t0 + 300'000);
  Feed(script);

  const json page = GetJson(Path("/call-logs"), Pat(ann_token_));
  ASSERT_EQ(page["totalCallLogs"], 4);
  const json logs = page["callLogs"];
  ASSERT_EQ(logs.size(), 4u);
  std::vector<std::string> outcomes;
  for (const auto& log : logs) outcomes.push_back(log["outcome"]);
  EXPECT_EQ(outcomes, (std::vector<std::string>{"rejected_busy", "abandoned", "missed", "answered"}));
  for (const auto& log : logs) {
    EXPECT_EQ(Keys(log), SchemaRequired("CallLogSummary")) << log;
    EXPECT_EQ(log["hotlineID"], hotline_);
  }
  EXPECT_TRUE(logs[0]["caller"].is_null()) << "a withheld caller stays null";
  EXPECT_EQ(logs[0]["durationSeconds"], 0);
  EXPECT_EQ(logs[3]["caller"], "004924112345");
  EXPECT_EQ(logs[3]["durationSeconds"], 71) << "70.5 s: a started second counts";
  EXPECT_EQ(logs[3]["answeredBy"], (json{{"agentPhoneID", agents_[0].phone}, {"userID", ann_}}));
  EXPECT_TRUE(logs[2]["answeredBy"].is_null());

  const json answered = GetJson(Path("/call-logs/" + Str(logs[3]["id"])), Api(org_a_token_));
  EXPECT_EQ(Keys(answered), SchemaRequired("CallLog"));
  EXPECT_EQ(answered["id"], logs[3]["id"]);
  EXPECT_EQ(answered["startTime"], logs[3]["startTime"]);
  std::vector<std::string> types;
  for (const auto& entry : answered["entries"]) types.push_back(entry["type"]);
  EXPECT_EQ(types, (std::vector<std::string>{"call_received", "greeting_played", "agent_dialed",
                                             "agent_ringing", "agent_dialed", "agent_ringing",
                                             "agent_answered", "bridged", "caller_hung_up",
                                             "ended"}));
  const json& dialed = answered["entries"][2];
  EXPECT_EQ(dialed["userID"], ann_);
  EXPECT_EQ(dialed["agentPhoneID"], agents_[0].phone);
  EXPECT_FALSE(answered["entries"][0].contains("userID")) << "absent, not null";
  const json rejected = GetJson(Path("/call-logs/" + Str(logs[0]["id"])), Pat(ann_token_));
  EXPECT_EQ(rejected["entries"][1]["detail"], "All 10 inbound channels are in use.");

  const json records = GetJson(Path("/telephone-records?limit=50"), Pat(ann_token_));
  // answered, missed, abandoned: 1 inbound + 2 outbound legs each; rejected: 1 inbound.
  ASSERT_EQ(records["totalRecords"], 10);
  for (const auto& record : records["records"]) {
    EXPECT_EQ(Keys(record), SchemaRequired("TelephoneRecord")) << record;
  }
  const json& busy = records["records"][0];
  EXPECT_EQ(busy["direction"], "inbound");
  EXPECT_EQ(busy["disposition"], "busy");
  EXPECT_EQ(busy["sipStatus"], 486);
  EXPECT_TRUE(busy["from"].is_null());
  EXPECT_TRUE(busy["answerTime"].is_null());
  EXPECT_EQ(busy["billableSeconds"], 0);
  EXPECT_TRUE(busy["packetLoss"].is_null()) << "no audio, no measurement";
  EXPECT_TRUE(busy["jitterMs"].is_null());
  EXPECT_EQ(busy["callLogID"], logs[0]["id"]);
  json bridged_agent_leg;
  for (const auto& record : records["records"]) {
    if (record["callLogID"] == logs[3]["id"] && record["to"] == agents_[0].number) {
      bridged_agent_leg = record;
    }
  }
  ASSERT_TRUE(bridged_agent_leg.is_object());
  EXPECT_EQ(bridged_agent_leg["direction"], "outbound");
  EXPECT_EQ(bridged_agent_leg["from"], hotline_number_);
  EXPECT_EQ(bridged_agent_leg["disposition"], "answered");
  EXPECT_EQ(bridged_agent_leg["billableSeconds"], 63) << "answered at +8 s, ended at +70.5 s";
  EXPECT_EQ(bridged_agent_leg["packetLoss"], 0.0123);
  EXPECT_EQ(bridged_agent_leg["jitterMs"], 45.625);
}

// An agent's own number reaches a reader only with the agent's consent (decision 0018): masked
// otherwise, in every record, and decided at each read.
TEST_F(CallLogsHttpTest, AgentNumbersAreMaskedWithoutTheAgentsConsent) {
  const std::vector<Agent> agents = {agents_[0], {max_, 77, "00491701234567"}};
  CallScript script(hotline_, hotline_number_);
  script.Answered("answered", "004924112345", NowMillis() - 60'000, agents);
  Feed(script);
  const auto to_of = [](const json& page, std::int64_t user) {
    for (const auto& record : page["records"]) {
      if (record["userID"] == user) return record["to"].get<std::string>();
    }
    return std::string("(no leg)");
  };
  const std::string records = Path("/telephone-records");

  // Max consents: Ann (admin) sees his number; her own is hers to see.
  json page = GetJson(records, Pat(ann_token_));
  EXPECT_EQ(to_of(page, max_), "00491701234567");
  EXPECT_EQ(to_of(page, ann_), agents_[0].number);
  // Ann never allowed admin access: the organisation's token sees her number masked.
  page = GetJson(records, Api(org_a_token_));
  // German mobile numbers have a four-digit network code here: "1511".
  EXPECT_EQ(to_of(page, ann_), "00491511*****78") << page;
  EXPECT_EQ(to_of(page, max_), "00491701234567");

  ASSERT_EQ(client_->SendJson("PUT", "/v1/me/organizations/" + Str(org_a_), {Pat(max_token_)},
                              R"({"allowAdminAccess": false})").status, 200);
  for (const std::string& reader : {Pat(ann_token_), Api(org_a_token_)}) {
    page = GetJson(records, reader);
    EXPECT_EQ(to_of(page, max_), "0049170*****67") << "the issue's own example";
    for (const auto& record : page["records"]) {
      if (record["direction"] == "inbound") {
        EXPECT_EQ(record["from"], "004924112345") << "admins see callers' numbers";
        EXPECT_EQ(record["userID"], nullptr);
      }
    }
  }
  ASSERT_EQ(client_->SendJson("PUT", "/v1/me/organizations/" + Str(org_a_), {Pat(max_token_)},
                              R"({"allowAdminAccess": true})").status, 200);
  EXPECT_EQ(to_of(GetJson(records, Pat(ann_token_)), max_), "00491701234567");

  // Once Max leaves the organisation, no consent of his covers it.
  server_.Admin({"member", "remove", "--org", Str(org_a_), "--user", Str(max_)});
  EXPECT_EQ(to_of(GetJson(records, Pat(ann_token_)), max_), "0049170*****67");
}

TEST_F(CallLogsHttpTest, PaginationAndParameterErrors) {
  const std::int64_t t0 = NowMillis() - 3'600'000;
  CallScript script(hotline_, hotline_number_);
  for (int i = 0; i < 12; ++i) script.RejectedBusy("c" + std::to_string(i), "0049241" + std::to_string(1000 + i), t0 + i * 1000);
  Feed(script);

  const json first = GetJson(Path("/call-logs"), Pat(ann_token_));
  EXPECT_EQ(first["callLogs"].size(), 10u) << "default limit 10";
  EXPECT_EQ(first["callLogs"][0]["caller"], "00492411011");
  const json last = GetJson(Path("/call-logs?limit=5&offset=10"), Pat(ann_token_));
  ASSERT_EQ(last["callLogs"].size(), 2u);
  EXPECT_EQ(last["totalCallLogs"], 12);
  EXPECT_EQ(last["callLogs"][1]["caller"], "00492411000");
  EXPECT_EQ(GetJson(Path("/telephone-records?limit=3&offset=11"), Pat(ann_token_))["records"].size(), 1u);
  EXPECT_TRUE(GetJson(Path("/call-logs?offset=100"), Pat(ann_token_))["callLogs"].empty());
  EXPECT_TRUE(GetJson(Path("/call-logs", other_hotline_), Pat(ann_token_))["callLogs"].empty());

  for (const std::string query : {"?limit=0", "?limit=51", "?offset=-1", "?limit=abc"}) {
    ExpectProblem(client_->Get(Path("/call-logs" + query), {Pat(ann_token_)}), 400);
    ExpectProblem(client_->Get(Path("/telephone-records" + query), {Pat(ann_token_)}), 400);
  }
  const auto both = ExpectProblem(client_->Get(Path("/call-logs?limit=0&offset=-2"), {Pat(ann_token_)}), 400);
  EXPECT_EQ(ErrorFields(both), (std::vector<std::string>{"limit", "offset"}));
  ExpectProblem(client_->Get("/v1/hotlines/abc/call-logs", {Pat(ann_token_)}), 400);
  ExpectProblem(client_->Get(Path("/call-logs/0"), {Pat(ann_token_)}), 400);
  ExpectProblem(client_->Get(Path("/call-logs/99999999999999999999"), {Pat(ann_token_)}), 400);
  ExpectProblem(client_->Send("POST", Path("/call-logs"), {Pat(ann_token_)}), 405);
}

// A page of call logs as its callers ("-" for a withheld number), newest first, and its total
// ("total 3"): what the list tests compare.
std::vector<std::string> CallersAndTotal(const json& page) {
  std::vector<std::string> found;
  for (const auto& log : page["callLogs"]) {
    found.push_back(log["caller"].is_null() ? "-" : log["caller"]);
  }
  found.push_back("total " + std::to_string(page["totalCallLogs"].get<std::int64_t>()));
  return found;
}

// A page of calls is served from memory while nothing was committed (decision 0085). Each page
// is read twice first, so that the server holds it: calls another process logs meanwhile (the
// feeder plays the engine of another node) show on the very next request, totals included, and
// each hotline's page is its own.
TEST_F(CallLogsHttpTest, HeldPagesShowCallsLoggedByAnotherProcessAtOnce) {
  const std::int64_t t0 = NowMillis() - 3'600'000;
  CallScript script(hotline_, hotline_number_);
  for (int i = 0; i < 3; ++i) {
    script.RejectedBusy("c" + std::to_string(i), "0049241" + std::to_string(1000 + i),
                        t0 + i * 1000);
  }
  Feed(script);
  CallScript other(other_hotline_, "004924155660001");
  other.RejectedBusy("o", "004924112399", t0);
  Feed(other);
  const auto callers = [&](const std::string& query, std::int64_t hotline = 0) {
    return CallersAndTotal(GetJson(Path("/call-logs" + query, hotline), Pat(ann_token_)));
  };
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(callers("?limit=2"),
              (std::vector<std::string>{"00492411002", "00492411001", "total 3"}));
    EXPECT_EQ(callers("?limit=2&offset=2"), (std::vector<std::string>{"00492411000", "total 3"}));
    EXPECT_EQ(callers("?limit=2", other_hotline_),
              (std::vector<std::string>{"004924112399", "total 1"}));
  }
  // Held or not, the page is not served outside the organisation's admins.
  ExpectProblem(client_->Get(Path("/call-logs?limit=2"), {Pat(bea_token_)}), 404);
  ExpectProblem(client_->Get(Path("/call-logs?limit=2"), {Pat(max_token_)}), 403);

  CallScript later(hotline_, hotline_number_);
  later.RejectedBusy("c3", "00492411003", t0 + 3000);
  Feed(later);
  EXPECT_EQ(callers("?limit=2"),
            (std::vector<std::string>{"00492411003", "00492411002", "total 4"}));
  EXPECT_EQ(callers("?limit=2&offset=2"),
            (std::vector<std::string>{"00492411001", "00492411000", "total 4"}));
  EXPECT_EQ(callers("?limit=2", other_hotline_),
            (std::vector<std::string>{"004924112399", "total 1"}));
}

// `millis` since the epoch as an RFC 3339 time for a query string (":" percent-encoded).
std::string QueryTime(std::int64_t millis) {
  const std::time_t seconds = millis / 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H%%3A%M%%3A%SZ", &utc);
  return text;
}

// Our extension for the console's call history: the server filters by outcome and start time,
// and totalCallLogs counts what matches.
TEST_F(CallLogsHttpTest, OutcomeAndStartTimeFilterTheListOnTheServer) {
  const std::int64_t t0 = (NowMillis() / 1000 - 7200) * 1000;  // whole seconds, two hours ago
  CallScript script(hotline_, hotline_number_);
  script.Answered("a1", "004924112345", t0, agents_);
  script.Missed("m1", "004922199999", t0 + 600'000, agents_);
  script.Answered("a2", "004930123456", t0 + 1'200'000, agents_);
  script.RejectedBusy("r1", nullptr, t0 + 1'800'000);
  Feed(script);
  const auto callers = [&](const std::string& query) {
    return CallersAndTotal(GetJson(Path("/call-logs" + query), Pat(ann_token_)));
  };
  EXPECT_EQ(callers("?outcome=answered"),
            (std::vector<std::string>{"004930123456", "004924112345", "total 2"}));
  EXPECT_EQ(callers("?outcome=answered&limit=1&offset=1"),
            (std::vector<std::string>{"004924112345", "total 2"}));
  EXPECT_EQ(callers("?outcome=voicemail"), (std::vector<std::string>{"total 0"}));
  // `from` inclusive, `to` exclusive, on the call's start.
  EXPECT_EQ(callers("?from=" + QueryTime(t0 + 600'000) + "&to=" + QueryTime(t0 + 1'800'000)),
            (std::vector<std::string>{"004930123456", "004922199999", "total 2"}));
  EXPECT_EQ(callers("?outcome=missed&from=" + QueryTime(t0 + 601'000)),
            (std::vector<std::string>{"total 0"}));
  EXPECT_EQ(callers("?to=" + QueryTime(t0 + 1000)),
            (std::vector<std::string>{"004924112345", "total 1"}));
  // The other hotline's calls never show.
  EXPECT_TRUE(
      GetJson(Path("/call-logs?outcome=answered", other_hotline_), Pat(ann_token_))["callLogs"]
          .empty());

  const auto bad = ExpectProblem(
      client_->Get(Path("/call-logs?outcome=lost&from=yesterday&to=2026-01-01"), {Pat(ann_token_)}),
      400);
  EXPECT_EQ(ErrorFields(bad), (std::vector<std::string>{"outcome", "from", "to"}));
  // Members still get 403, whatever the filter.
  ExpectProblem(client_->Get(Path("/call-logs?outcome=answered"), {Pat(max_token_)}), 403);
}

TEST_F(CallLogsHttpTest, OnlyTheOrganizationsAdminsReadThem) {
  CallScript script(hotline_, hotline_number_);
  script.RejectedBusy("call", "004924112345", NowMillis());
  CallScript other(other_hotline_, "004924155660001");
  other.RejectedBusy("other", "004924112399", NowMillis());
  Feed(script);
  Feed(other);
  const std::int64_t log = GetJson(Path("/call-logs"), Pat(ann_token_))["callLogs"][0]["id"];
  const std::int64_t other_log = GetJson(Path("/call-logs", other_hotline_), Pat(ann_token_))["callLogs"][0]["id"];
  const std::vector<std::string> paths = {Path("/call-logs"), Path("/call-logs/" + Str(log)),
                                          Path("/telephone-records")};
  for (const auto& path : paths) {
    GetJson(path, Api(org_a_token_));
    GetJson(path, Bearer(ann_token_));
    // A member knows the hotline but may not see callers' numbers.
    ExpectProblem(client_->Get(path, {Pat(max_token_)}), 403);
    // Outsiders learn nothing, not even that the hotline exists.
    ExpectProblem(client_->Get(path, {Pat(bea_token_)}), 404);
    ExpectProblem(client_->Get(path, {Api(org_b_token_)}), 404);
    ExpectProblem(client_->Get(path, {}), 401);
  }
  ExpectProblem(client_->Get(Path("/call-logs/" + Str(other_log)), {Pat(ann_token_)}), 404);
  ExpectProblem(client_->Get(Path("/call-logs/" + Str(log + 1000)), {Pat(ann_token_)}), 404);
  ExpectProblem(client_->Get("/v1/hotlines/987654/call-logs", {Pat(ann_token_)}), 404);
  ExpectProblem(client_->Get("/v1/hotlines/987654/telephone-records", {Pat(ann_token_)}), 404);
}

TEST_F(CallLogsHttpTest, DeletingTheHotlineDeletesItsCalls) {
  CallScript script(hotline_, hotline_number_);
  script.Answered("call", "004924112345", NowMillis() - 100'000, agents_);
  Feed(script);
  ASSERT_EQ(GetJson(Path("/call-logs"), Pat(ann_token_))["totalCallLogs"], 1);
  ASSERT_EQ(client_->Send("DELETE", Path(""), {Pat(ann_token_)}).status, 204);
  ExpectProblem(client_->Get(Path("/call-logs"), {Pat(ann_token_)}), 404);
  // Events for a call of a deleted hotline are skipped, not an error that blocks others.
  CallScript late(hotline_, hotline_number_);
  late.RejectedBusy("late", "004924112345", NowMillis());
  CallScript other(other_hotline_, "004924155660001");
  other.RejectedBusy("other", "004924112345", NowMillis());
  late.Add(other.ops()[0]);
  for (std::size_t i = 1; i < other.ops().size(); ++i) late.Add(other.ops()[i]);
  Feed(late);
  EXPECT_EQ(GetJson(Path("/call-logs", other_hotline_), Pat(ann_token_))["totalCallLogs"], 1);
}

TEST_F(CallLogsHttpTest, ACallInterruptedByACrashIsClosedAtTheNextStart) {
  const std::int64_t t0 = NowMillis() - 20'000;
  CallScript script(hotline_, hotline_number_);
  script.Ringing("call", "004924112345", t0, agents_);
  script.Add({{"op", "answer_leg"}, {"leg", "call-agent0"}, {"at", t0 + 8000}});
  const auto path = server_.dir() / "crash.json";
  std::ofstream(path) << script.ops().dump();
  {
    ChildProcess engine({FR_CALL_FEEDER_PATH, server_.database_url(), path.string(), "--hang"},
                        server_.dir(), "feeder");
    ASSERT_TRUE(engine.WaitForStdout("flushed", std::chrono::seconds(30))) << engine.Stderr();
    engine.Kill();  // the process dies mid-call, after the sink acknowledged its flush
  }
  json open = GetJson(Path("/call-logs"), Pat(ann_token_))["callLogs"][0];
  EXPECT_TRUE(open["outcome"].is_null()) << "in progress until a restart decides";
  EXPECT_TRUE(open["endTime"].is_null());

  ASSERT_EQ(server_.Stop(), 0);
  server_.Start();
  client_ = std::make_unique<HttpClient>(server_.base_url());
  EXPECT_NE(server_.Stderr().find("closed 1 call(s) left open"), std::string::npos);
  const json closed = GetJson(Path("/call-logs/" + Str(open["id"])), Pat(ann_token_));
  EXPECT_EQ(closed["outcome"], "failed");
  EXPECT_FALSE(closed["endTime"].is_null());
  const json& last = closed["entries"].back();
  EXPECT_EQ(last["type"], "ended");
  EXPECT_NE(last["detail"].get<std::string>().find("service stopped"), std::string::npos);
  const json records = GetJson(Path("/telephone-records"), Pat(ann_token_))["records"];
  ASSERT_EQ(records.size(), 1 + agents_.size()) << "the caller's leg and one per agent";
  for (const auto& record : records) {
    EXPECT_FALSE(record["endTime"].is_null()) << record;
    if (record["to"] == agents_[0].number) {
      EXPECT_EQ(record["disposition"], "answered") << "it was answered before the crash";
    } else if (record["direction"] == "outbound") {
      EXPECT_EQ(record["disposition"], "failed");
    }
  }
}

TEST_F(CallLogsHttpTest, RetentionPurgesOldCallsAtStart) {
  constexpr std::int64_t kDay = 86'400'000;
  CallScript script(hotline_, hotline_number_);
  script.Answered("old", "004924112345", NowMillis() - 10 * kDay, agents_);
  script.RejectedBusy("recent", "004924112346", NowMillis() - 2 * kDay);
  Feed(script);
  ASSERT_EQ(server_.Stop(), 0);
  server_.Start({"--call-retention-days", "0"});
  client_ = std::make_unique<HttpClient>(server_.base_url());
  EXPECT_EQ(GetJson(Path("/call-logs"), Pat(ann_token_))["totalCallLogs"], 2) << "0 keeps all";

  ASSERT_EQ(server_.Stop(), 0);
  server_.Start({"--call-retention-days", "5"});
  client_ = std::make_unique<HttpClient>(server_.base_url());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  json page;
  do {
    page = GetJson(Path("/call-logs"), Pat(ann_token_));
    if (page["totalCallLogs"] == 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  } while (std::chrono::steady_clock::now() < deadline);
  ASSERT_EQ(page["totalCallLogs"], 1);
  EXPECT_EQ(page["callLogs"][0]["caller"], "004924112346");
  EXPECT_EQ(GetJson(Path("/telephone-records"), Pat(ann_token_))["totalRecords"], 1)
      << "the old call's records went with it";
}

}  // namespace
}  // namespace fr::testing
