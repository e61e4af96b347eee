// Issue 15 end to end (decisions 0042, 0043, 0044): sipp callers against the real binary.
// Outside its hours a hotline in a zone far from UTC answers, says it is closed and hangs up;
// blocked and anonymous callers and a caller over the flood guard are refused busy without
// ringing anyone; a German hotline's prompts are spoken in the German voice.
#include <chrono>
#include <ctime>
#include <regex>
#include <string>

#include "integration/telephony_fixture.hpp"

namespace fr::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

std::string HoursMinutes(std::chrono::minutes since_midnight) {
  const long total = ((since_midnight.count() % 1440) + 1440) % 1440;
  char text[6];
  std::snprintf(text, sizeof text, "%02ld:%02ld", total / 60, total % 60);
  return text;
}

// A schedule open every day from 10 minutes before to 50 minutes after the current UTC time of
// day, in `zone`: closed there unless the zone were read as UTC.
json OpenAtUtcNow(const std::string& zone) {
  const auto now = std::chrono::system_clock::now();
  const auto since_midnight = std::chrono::duration_cast<std::chrono::minutes>(
      now - std::chrono::floor<std::chrono::days>(now));
  json weekly = json::array();
  for (const char* day : {"mon", "tue", "wed", "thu", "fri", "sat", "sun"}) {
    weekly.push_back({{"day", day},
                      {"from", HoursMinutes(since_midnight - 10min)},
                      {"to", HoursMinutes(since_midnight + 50min)}});
  }
  return {{"timeZone", zone}, {"weekly", weekly}};
}

// A schedule with no ranges: never open.
json NeverOpen(const std::string& zone) { return {{"timeZone", zone}, {"weekly", json::array()}}; }

class CallersTest : public TelephonyTest {
 protected:
  json Logs(std::int64_t hotline) {
    return client_->Get("/v1/hotlines/" + Str(hotline) + "/call-logs?limit=50", {Pat(ann_token_)})
        .Json()["callLogs"];
  }
  // sipp as a caller sending `from_user` as its number.
  std::vector<std::string> CallerFrom(const std::string& from_user, const RtpProbe& probe) {
    return {"-s",
            "+4924155660000",
            "-key",
            "caller",
            from_user,
            "-key",
            "rtp_port",
            std::to_string(probe.port()),
            "127.0.0.1:" + std::to_string(sip_port_)};
  }
  // A refused call's log: refused busy, unrung, with the rule that refused it.
  void ExpectBlocked(const json& log, const std::string& because) {
    EXPECT_EQ(log["outcome"], "blocked") << log;
    EXPECT_EQ(Types(log), (std::vector<std::string>{"call_received", "caller_blocked", "ended"}));
    EXPECT_NE(log["entries"][1]["detail"].get<std::string>().find(because), std::string::npos)
        << log;
  }
  long Metric(const std::string& line_prefix) {
    const std::string metrics = client_->Get("/metrics", {}).body;
    std::smatch match;
    const std::regex pattern(std::regex_replace(line_prefix, std::regex(R"([{}"\\.+])"), R"(\$&)") +
                             R"( (\d+))");
    return std::regex_search(metrics, match, pattern) ? std::stol(match[1]) : 0;
  }
};

TEST_F(CallersTest, OutsideItsHoursInAZoneFarFromUtcTheHotlineSaysItIsClosed) {
  const std::int64_t hotline =
      CreateHotline({{"schedule", OpenAtUtcNow("Pacific/Kiritimati")},  // UTC+14
                     {"ttsClosed", "We open at noon."}});
  RtpProbe caller_audio;
  SippProcess caller(Scenario("caller_wait_bye.xml"), CallerArgs("+4924155660000", caller_audio));
  EXPECT_EQ(caller.Wait(), 0) << caller.Logs();
  const json log = WaitForEndedCall(hotline);
  EXPECT_EQ(log["outcome"], "closed") << log;
  EXPECT_EQ(Types(log), (std::vector<std::string>{"call_received", "closed", "ended"}));
  EXPECT_EQ(log["entries"][1]["detail"],
            "Outside the opening hours (Pacific/Kiritimati). Action: message.");
  EXPECT_GT(caller_audio.Packets().size(), 0u) << "the closed text was played";
  const json records = Records(hotline);
  ASSERT_EQ(records.size(), 1u) << "nobody rang: " << records;
  EXPECT_EQ(records[0]["direction"], "inbound");
  EXPECT_EQ(Metric("fr_calls_total{outcome=\"closed\"}"), 1);
}

TEST_F(CallersTest, AGermanHotlinePromptsInTheGermanVoice) {
  const std::int64_t hotline = CreateHotline(
      {{"language", "de"}, {"ttsInbound", ""}, {"schedule", NeverOpen("Europe/Berlin")}});
  EXPECT_EQ(Metric("fr_tts_prompts_total{voice=\"de\"}"), 0);
  RtpProbe caller_audio;
  SippProcess caller(Scenario("caller_wait_bye.xml"), CallerArgs("+4924155660000", caller_audio));
  EXPECT_EQ(caller.Wait(), 0) << caller.Logs();
  EXPECT_EQ(WaitForEndedCall(hotline)["outcome"], "closed");
  EXPECT_EQ(Metric("fr_tts_prompts_total{voice=\"de\"}"), 1);
  EXPECT_EQ(Metric("fr_tts_prompts_total{voice=\"en\"}"), 0) << "nothing was said in English";
  EXPECT_GT(caller_audio.Packets().size(), 0u);
  EXPECT_EQ(client_->Get("/v1/hotlines/" + Str(hotline), {Pat(ann_token_)}).Json()["language"],
            "de");
}

TEST_F(CallersTest, ABlockedCallerIsRefusedBusyWithoutRingingAndUnblockedCallsGetThrough) {
  const std::int64_t hotline = CreateHotline({{"schedule", NeverOpen("Europe/Berlin")}});
  const auto blocked = Send("POST", "/v1/organizations/" + Str(org_a_) + "/blocked-callers",
                            {{"number", "+49 241 12345"}, {"note", "threats"}});
  ASSERT_EQ(blocked.status, 201) << blocked.body;
  EXPECT_EQ(blocked.Json()["number"], "004924112345");
  RtpProbe first_audio;
  SippProcess first(Scenario("caller_expect_486.xml"), CallerArgs("+4924155660000", first_audio));
  EXPECT_EQ(first.Wait(), 0) << first.Logs();
  ExpectBlocked(WaitForEndedCall(hotline), "blocklist");
  EXPECT_EQ(first_audio.Packets().size(), 0u) << "nothing was played";
  const json records = Records(hotline);
  ASSERT_EQ(records.size(), 1u) << "nobody rang: " << records;
  EXPECT_EQ(records[0]["disposition"], "busy");
  EXPECT_EQ(records[0]["sipStatus"], 486);

  ASSERT_EQ(client_
                ->SendJson("DELETE",
                           "/v1/organizations/" + Str(org_a_) + "/blocked-callers/" +
                               Str(blocked.Json()["id"]),
                           {Pat(ann_token_)}, "")
                .status,
            204);
  RtpProbe second_audio;
  SippProcess second(Scenario("caller_wait_bye.xml"), CallerArgs("+4924155660000", second_audio));
  EXPECT_EQ(second.Wait(), 0) << second.Logs();
  EXPECT_EQ(WaitForEndedCall(hotline, 2)["outcome"], "closed") << "the unblocked call is taken";
}

TEST_F(CallersTest, AnAnonymousCallerIsRefusedWhereTheHotlineRejectsThem) {
  const std::int64_t hotline = CreateHotline({{"rejectAnonymous", true}});
  RtpProbe caller_audio;
  SippProcess caller(Scenario("caller_expect_486.xml"), CallerFrom("anonymous", caller_audio));
  EXPECT_EQ(caller.Wait(), 0) << caller.Logs();
  const json log = WaitForEndedCall(hotline);
  ExpectBlocked(log, "anonymous");
  EXPECT_TRUE(log["caller"].is_null());
  EXPECT_EQ(Records(hotline).size(), 1u) << "nobody rang";
}

class FloodGuardTest : public CallersTest {
 protected:
  std::vector<std::string> EngineArgs() override { return {"--caller-calls-per-hour", "2"}; }
};

TEST_F(FloodGuardTest, TheCallOverTheLimitIsBlockedAndAnotherCallerIsNot) {
  const std::int64_t hotline = CreateHotline({{"schedule", NeverOpen("UTC")}});
  for (int i = 0; i < 2; ++i) {
    RtpProbe audio;
    SippProcess caller(Scenario("caller_wait_bye.xml"), CallerArgs("+4924155660000", audio));
    EXPECT_EQ(caller.Wait(), 0) << caller.Logs();
    EXPECT_EQ(WaitForEndedCall(hotline, i + 1)["outcome"], "closed");
  }
  RtpProbe third_audio;
  SippProcess third(Scenario("caller_expect_486.xml"), CallerArgs("+4924155660000", third_audio));
  EXPECT_EQ(third.Wait(), 0) << third.Logs();
  ExpectBlocked(WaitForEndedCall(hotline, 3), "within an hour");
  RtpProbe other_audio;
  SippProcess other(Scenario("caller_wait_bye.xml"), CallerFrom("004930123456", other_audio));
  EXPECT_EQ(other.Wait(), 0) << other.Logs();
  EXPECT_EQ(WaitForEndedCall(hotline, 4)["outcome"], "closed") << "another caller";
  EXPECT_EQ(Metric("fr_calls_total{outcome=\"blocked\"}"), 1);
}

}  // namespace
}  // namespace fr::testing
