// Call reports (issue #16 §3, decision 0061): calls with known outcomes and timings, fed as the
// telephony engine reports them into the real store, around the night Europe/Berlin leaves
// summer time (2026-10-25, a day of 25 hours), read back over HTTP as JSON and CSV.
#include <sstream>

#include "common/clock.hpp"
#include "integration/call_log_world.hpp"

namespace fr::testing {
namespace {

std::int64_t Ms(const std::string& utc) {
  const auto parsed = fr::ParseTimestamp(utc);
  EXPECT_TRUE(parsed.has_value()) << utc;
  return parsed ? fr::ToEpochMillis(*parsed) : 0;
}

class ReportsHttpTest : public CallLogsHttpTest {
 protected:
  // The calls of the three Berlin days 2026-10-24 to 2026-10-26, and two the report must leave
  // out. Times are UTC; the local time in Berlin follows each.
  void FeedTheThreeDays() {
    CallScript script(hotline_, hotline_number_);
    const auto& agents = agents_;
    // 2026-10-24 (UTC+2): three answered (waits 10, 20, 30 s; talk 60, 120, 30 s), two missed,
    // one blocked. The first is on the 23rd in UTC.
    script.Answered("a1", "004924112345", Ms("2026-10-23T22:30:00Z"), agents, 10000, 70000);
    script.Answered("a2", "004924112346", Ms("2026-10-24T09:00:00Z"), agents, 20000, 140000);
    script.Answered("a3", "004924112347", Ms("2026-10-24T10:00:00Z"), agents, 30000, 60000);
    script.Missed("m1", "004924112348", Ms("2026-10-24T11:00:00Z"), agents);
    NotConfirmedAndDeclined(script, "c1", Ms("2026-10-24T13:00:00Z"));
    Blocked(script, "b1", Ms("2026-10-24T14:00:00Z"));
    // 2026-10-25, 25 hours: 00:30+02:00, 02:30+02:00, 02:30+01:00 and 23:30+01:00.
    script.Answered("d1", "004924112350", Ms("2026-10-24T22:30:00Z"), agents, 5000, 105000);
    script.Answered("d2", "004924112351", Ms("2026-10-25T00:30:00Z"), agents, 15500, 215500);
    script.Abandoned("d3", "004924112352", Ms("2026-10-25T01:30:00Z"), agents);
    script.RejectedBusy("d4", "004924112353", Ms("2026-10-25T22:30:00Z"));
    // 2026-10-26: one call still ringing, one that left a voicemail, one forwarded.
    script.Ringing("o1", "004924112354", Ms("2026-10-26T10:00:00Z"), agents);
    Unanswered(script, "v1", Ms("2026-10-26T11:00:00Z"), "voicemail");
    Unanswered(script, "f1", Ms("2026-10-26T12:00:00Z"), "forwarded");
    // Outside: 2026-10-27 00:30+01:00, and another hotline's call.
    script.Missed("late", "004924112355", Ms("2026-10-26T23:30:00Z"), agents);
    CallScript other(other_hotline_, "004924155660001");
    other.Missed("other", "004924112356", Ms("2026-10-25T10:00:00Z"), agents);
    Feed(script);
    Feed(other);
  }

  // Ann's phone answers but she never presses 1; Max declines: the call is missed.
  void NotConfirmedAndDeclined(CallScript& script, const std::string& call, std::int64_t t0) {
    script.Ringing(call, "004924112349", t0, agents_);
    script.Entry(call, "agent_declined", t0 + 4000, agents_[1], "SIP 486 Busy Here");
    script.CloseLeg(CallScript::AgentLeg(call, 1), "busy", 486, t0 + 4000);
    script.Add({{"op", "answer_leg"}, {"leg", CallScript::AgentLeg(call, 0)}, {"at", t0 + 6000}});
    script.Entry(call, "agent_answered", t0 + 6000, agents_[0]);
    script.Entry(call, "agent_not_confirmed", t0 + 16000, agents_[0], "No key pressed.");
    script.CloseLeg(CallScript::AgentLeg(call, 0), "not_confirmed", 200, t0 + 16000);
    script.Entry(call, "ended", t0 + 20000);
    script.CloseLeg(call + "-in", "answered", 200, t0 + 20000);
    script.Add({{"op", "close_call"}, {"call", call}, {"outcome", "missed"}, {"at", t0 + 20000}});
  }

  // A call that nobody of the hotline could take, ended by its noAnswer action (`outcome`).
  void Unanswered(CallScript& script, const std::string& call, std::int64_t t0,
                  const std::string& outcome) {
    script.Add({{"op", "open_call"},
                {"call", call},
                {"hotline", hotline_},
                {"caller", "004924177777"},
                {"at", t0}});
    script.Add({{"op", "close_call"}, {"call", call}, {"outcome", outcome}, {"at", t0 + 30000}});
  }

  void Blocked(CallScript& script, const std::string& call, std::int64_t t0) {
    script.Add({{"op", "open_call"},
                {"call", call},
                {"hotline", hotline_},
                {"caller", "004924166666"},
                {"at", t0}});
    script.Entry(call, "caller_blocked", t0, std::nullopt, "The caller is on the blocklist.");
    script.Add({{"op", "close_call"}, {"call", call}, {"outcome", "blocked"}, {"at", t0}});
  }

  std::string ReportPath(const std::string& query, const std::string& tail = "") {
    return Path("/reports/calls" + tail + "?" + query);
  }

  static constexpr const char* kThreeDays =
      "from=2026-10-24&to=2026-10-27&bucket=day&timeZone=Europe/Berlin";
};

json Outcomes(int answered, int missed, int abandoned, int rejected_busy, int blocked,
              int in_progress, int voicemail = 0, int forwarded = 0) {
  return {{"answered", answered},
          {"missed", missed},
          {"abandoned", abandoned},
          {"rejected_busy", rejected_busy},
          {"failed", 0},
          {"blocked", blocked},
          {"closed", 0},
          {"voicemail", voicemail},
          {"forwarded", forwarded},
          {"in_progress", in_progress}};
}

TEST_F(ReportsHttpTest, DayBucketsAcrossTheEndOfSummerTimeGiveTheExactNumbers) {
  FeedTheThreeDays();
  const json report = GetJson(ReportPath(kThreeDays), Pat(ann_token_));
  EXPECT_EQ(report["hotlineID"], hotline_);
  EXPECT_EQ(report["from"], "2026-10-23T22:00:00.000Z");
  EXPECT_EQ(report["to"], "2026-10-26T23:00:00.000Z");
  EXPECT_EQ(report["bucket"], "day");
  EXPECT_EQ(report["timeZone"], "Europe/Berlin");
  const json& buckets = report["buckets"];
  ASSERT_EQ(buckets.size(), 3u) << report;
  for (const auto& bucket : buckets) EXPECT_EQ(Keys(bucket), SchemaRequired("CallReportBucket"));

  const json& first = buckets[0];
  EXPECT_EQ(first["start"], "2026-10-23T22:00:00.000Z");
  EXPECT_EQ(first["end"], "2026-10-24T22:00:00.000Z");
  EXPECT_EQ(first["localStart"], "2026-10-24T00:00:00+02:00");
  EXPECT_EQ(first["calls"], 6);
  EXPECT_EQ(first["outcomes"], Outcomes(3, 2, 0, 0, 1, 0));
  EXPECT_EQ(first["answerRate"], 0.6) << "3 of the 5 calls that were not blocked";
  EXPECT_EQ(first["medianSecondsToAnswer"], 20);
  EXPECT_EQ(first["p90SecondsToAnswer"], 30);
  EXPECT_EQ(first["medianTalkSeconds"], 60);

  const json& long_day = buckets[1];
  EXPECT_EQ(long_day["start"], "2026-10-24T22:00:00.000Z");
  EXPECT_EQ(long_day["end"], "2026-10-25T23:00:00.000Z") << "25 hours";
  EXPECT_EQ(long_day["localStart"], "2026-10-25T00:00:00+02:00");
  EXPECT_EQ(long_day["calls"], 4);
  EXPECT_EQ(long_day["outcomes"], Outcomes(2, 0, 1, 1, 0, 0));
  EXPECT_EQ(long_day["answerRate"], 0.5);
  EXPECT_EQ(long_day["medianSecondsToAnswer"], 5) << "nearest rank: the lower of two";
  EXPECT_EQ(long_day["p90SecondsToAnswer"], 15.5);
  EXPECT_EQ(long_day["medianTalkSeconds"], 100);

  const json& last = buckets[2];
  EXPECT_EQ(last["localStart"], "2026-10-26T00:00:00+01:00");
  EXPECT_EQ(last["calls"], 3);
  EXPECT_EQ(last["outcomes"], Outcomes(0, 0, 0, 0, 0, 1, 1, 1));
  EXPECT_EQ(last["answerRate"], 0) << "a voicemail or a forward is a call no agent answered";
  EXPECT_TRUE(last["medianSecondsToAnswer"].is_null());
  EXPECT_TRUE(last["p90SecondsToAnswer"].is_null());
  EXPECT_TRUE(last["medianTalkSeconds"].is_null());

  // Ann took five calls, let one ring out and did not confirm one; Max declined one and let one
  // ring out. Legs cancelled because someone else answered count for nobody.
  EXPECT_EQ(report["agents"], (json{{{"userID", ann_},
                                     {"answered", 5},
                                     {"declined", 0},
                                     {"notAnswered", 1},
                                     {"notConfirmed", 1}},
                                    {{"userID", max_},
                                     {"answered", 0},
                                     {"declined", 1},
                                     {"notAnswered", 1},
                                     {"notConfirmed", 0}}}));
}

TEST_F(ReportsHttpTest, HourBucketsCountTheHourThatCameTwiceTwice) {
  FeedTheThreeDays();
  const json report =
      GetJson(ReportPath("from=2026-10-25&to=2026-10-26&bucket=hour&timeZone=Europe/Berlin"),
              Api(org_a_token_));
  const json& buckets = report["buckets"];
  ASSERT_EQ(buckets.size(), 25u);
  std::vector<int> calls;
  for (const auto& bucket : buckets) calls.push_back(bucket["calls"]);
  std::vector<int> expected(25, 0);
  expected[0] = 1;   // 00:30+02:00
  expected[2] = 1;   // 02:30+02:00
  expected[3] = 1;   // 02:30+01:00
  expected[24] = 1;  // 23:30+01:00
  EXPECT_EQ(calls, expected);
  EXPECT_EQ(buckets[2]["localStart"], "2026-10-25T02:00:00+02:00");
  EXPECT_EQ(buckets[3]["localStart"], "2026-10-25T02:00:00+01:00");
  EXPECT_EQ(buckets[3]["outcomes"]["abandoned"], 1);

  // The same calls by UTC day: the 25th holds what started 00:00Z to 24:00Z.
  const json utc = GetJson(ReportPath("from=2026-10-24&to=2026-10-26"), Pat(ann_token_));
  ASSERT_EQ(utc["buckets"].size(), 2u);
  EXPECT_EQ(utc["timeZone"], "UTC");
  EXPECT_EQ(utc["buckets"][0]["calls"], 6) << "a2 a3 m1 c1 b1, d1 at 22:30Z, and not a1";
  EXPECT_EQ(utc["buckets"][1]["calls"], 3) << "d2 d3 d4, and not the other hotline's";
}

TEST_F(ReportsHttpTest, TheCsvHoldsTheSameNumbers) {
  FeedTheThreeDays();
  const auto result = client_->Get(ReportPath(kThreeDays, ".csv"), {Pat(ann_token_)});
  ASSERT_EQ(result.status, 200) << result.body;
  EXPECT_EQ(result.Header("content-type"), "text/csv; charset=utf-8; header=present");
  EXPECT_EQ(result.Header("content-disposition"),
            "attachment; filename=\"hotline-" + Str(hotline_) + "-calls.csv\"");
  std::vector<std::string> lines;
  std::size_t begin = 0;
  while (begin < result.body.size()) {
    const std::size_t end = result.body.find("\r\n", begin);
    ASSERT_NE(end, std::string::npos) << "every line ends with CRLF";
    lines.push_back(result.body.substr(begin, end - begin));
    begin = end + 2;
  }
  ASSERT_EQ(lines.size(), 6u) << result.body;
  EXPECT_EQ(
      lines[0],
      "section,start,end,localStart,userID,calls,answered,missed,abandoned,rejected_busy,"
      "failed,blocked,closed,voicemail,forwarded,in_progress,answerRate,medianSecondsToAnswer,"
      "p90SecondsToAnswer,medianTalkSeconds,declined,notAnswered,notConfirmed");
  EXPECT_EQ(lines[1],
            "bucket,2026-10-23T22:00:00.000Z,2026-10-24T22:00:00.000Z,2026-10-24T00:00:00+02:00,,"
            "6,3,2,0,0,0,1,0,0,0,0,0.6,20,30,60,,,");
  EXPECT_EQ(lines[2],
            "bucket,2026-10-24T22:00:00.000Z,2026-10-25T23:00:00.000Z,2026-10-25T00:00:00+02:00,,"
            "4,2,0,1,1,0,0,0,0,0,0,0.5,5,15.5,100,,,");
  EXPECT_EQ(lines[3],
            "bucket,2026-10-25T23:00:00.000Z,2026-10-26T23:00:00.000Z,2026-10-26T00:00:00+01:00,,"
            "3,0,0,0,0,0,0,0,1,1,1,0,,,,,,");
  EXPECT_EQ(lines[4], "agent,2026-10-23T22:00:00.000Z,2026-10-26T23:00:00.000Z,," + Str(ann_) +
                          ",,5,,,,,,,,,,,,,,0,1,1");
  EXPECT_EQ(lines[5], "agent,2026-10-23T22:00:00.000Z,2026-10-26T23:00:00.000Z,," + Str(max_) +
                          ",,0,,,,,,,,,,,,,,1,1,0");
}

TEST_F(ReportsHttpTest, OnlyAdminsReadThemAndBadParametersAreNamed) {
  for (const std::string tail : {"", ".csv"}) {
    const std::string path = ReportPath(kThreeDays, tail);
    ExpectProblem(client_->Get(path, {Pat(max_token_)}), 403);
    ExpectProblem(client_->Get(path, {Pat(bea_token_)}), 404);
    ExpectProblem(client_->Get(path, {Api(org_b_token_)}), 404);
    ExpectProblem(client_->Get(path, {}), 401);
  }
  ExpectProblem(client_->Get("/v1/hotlines/987654/reports/calls?" + std::string(kThreeDays),
                             {Pat(ann_token_)}),
                404);
  struct Case {
    std::string query;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"to=2026-10-27", "from"},
      {"from=2026-10-24", "to"},
      {"from=2026-10-24&to=2026-10-27&bucket=minute", "bucket"},
      {"from=2026-10-24&to=2026-10-27&timeZone=Europe/Atlantis", "timeZone"},
      {"from=yesterday&to=2026-10-27", "from"},
      {"from=2026-10-27&to=2026-10-24", "to"},
      {"from=2026-09-01&to=2026-10-03&bucket=hour", "to"},
      {"from=2025-01-01&to=2026-01-03&bucket=day", "to"},
  };
  for (const Case& c : cases) {
    const json problem = ExpectProblem(client_->Get(ReportPath(c.query), {Pat(ann_token_)}), 400);
    ASSERT_TRUE(problem.contains("errors")) << c.query << ": " << problem;
    EXPECT_EQ(problem["errors"][0]["field"], c.field) << c.query << ": " << problem;
  }
}

}  // namespace
}  // namespace fr::testing
