// Restarts that drop no call (decision 0033), end to end: SIGTERM drains the phone line (new
// calls get 503 with Retry-After, /readyz says "draining", calls in progress go on), the
// process exits once the last call ended, and --drain-timeout or a second SIGTERM end what is
// left with BYE, every call log complete.
#include <chrono>
#include <optional>
#include <thread>

#include "integration/telephony_fixture.hpp"

namespace fr::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class DrainTest : public TelephonyTest {
 protected:
  std::vector<std::string> EngineArgs() override { return {"--drain-timeout", DrainTimeout()}; }
  virtual std::string DrainTimeout() { return "2m"; }

  // Waits until the hotline's only call is bridged (its log, as the API reads it, says so,
  // which also means the sink has stored it); the log's id.
  std::int64_t WaitForBridge(std::int64_t hotline) {
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    json page;
    while (std::chrono::steady_clock::now() < deadline) {
      page = client_->Get("/v1/hotlines/" + Str(hotline) + "/call-logs", {Pat(ann_token_)}).Json();
      if (page["totalCallLogs"] == 1) {
        const std::int64_t id = page["callLogs"][0]["id"];
        const json log = client_->Get("/v1/hotlines/" + Str(hotline) + "/call-logs/" + Str(id),
                                      {Pat(ann_token_)}).Json();
        if (Has(Types(log), "bridged")) return id;
      }
      std::this_thread::sleep_for(50ms);
    }
    ADD_FAILURE() << "no bridged call: " << page << "\n" << server_.Stderr();
    return 0;
  }

  // /readyz once it no longer says "ready" (the signal is handled asynchronously).
  HttpResult WaitForReadinessChange() {
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    HttpResult ready = client_->Get("/readyz");
    while (ready.status == 200 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(20ms);
      ready = client_->Get("/readyz");
    }
    return ready;
  }

  // The service after a restart on the same database, to read what the stopped one wrote.
  void Restart() {
    server_.Start(ExtraServerArgs());
    client_ = std::make_unique<HttpClient>(server_.base_url());
    EXPECT_EQ(server_.Stderr().find("left open"), std::string::npos) << "nothing to recover";
  }

  // Both legs of the hotline's call are answered and ended.
  void ExpectBothLegsAnsweredAndClosed(std::int64_t hotline) {
    const json records = Records(hotline);
    ASSERT_EQ(records.size(), 2u) << records;
    for (const auto& record : records) {
      EXPECT_EQ(record["disposition"], "answered") << record;
      EXPECT_FALSE(record["endTime"].is_null()) << record;
    }
  }
};

TEST_F(DrainTest, ABridgedCallGoesOnAfterSigtermAndTheProcessExitsWhenItEnds) {
  const std::int64_t hotline = CreateHotline({{"ttsInbound", ""}, {"ttsOutbound", ""}});
  RtpProbe caller_audio, agent_audio, late_audio;
  SippProcess trunk(Scenario("trunk_answer.xml"), TrunkArgs(agent_audio), trunk_port_);
  // The caller talks for 4 s after the answer, then hangs up.
  SippProcess caller(Scenario("caller_talk.xml"),
                     CallerArgs("+4924155660000", caller_audio, {"-d", "4000"}));
  const std::int64_t call = WaitForBridge(hotline);
  ASSERT_NE(call, 0);

  server_.Terminate();
  const auto ready = WaitForReadinessChange();
  EXPECT_EQ(ready.status, 503) << ready.body;
  EXPECT_EQ(ready.Json()["status"], "draining") << ready.body << server_.Stderr();
  EXPECT_NE(client_->Get("/metrics").body.find("fr_draining 1\n"), std::string::npos);
  // A new call is turned away, with a hint when to try again.
  SippProcess late(Scenario("caller_expect_503.xml"), CallerArgs("+4924155660000", late_audio));
  EXPECT_EQ(late.Wait(), 0) << "503 with Retry-After: 10: " << late.Logs();
  // The API still answers, and the call is still up.
  const json open = client_->Get("/v1/hotlines/" + Str(hotline) + "/call-logs/" + Str(call),
                                 {Pat(ann_token_)}).Json();
  EXPECT_TRUE(open["endTime"].is_null()) << open;
  EXPECT_EQ(server_.WaitForExit(0ms), std::nullopt) << "it waits for the call";

  EXPECT_EQ(caller.Wait(), 0) << "the caller hung up as usual: " << caller.Logs();
  EXPECT_EQ(trunk.Wait(), 0) << "the agent got a BYE: " << trunk.Logs();
  EXPECT_EQ(server_.WaitForExit(20s), 0) << "it exits once the last call ended: "
                                         << server_.Stderr();
  EXPECT_NE(server_.Stderr().find("no call is in progress any more"), std::string::npos)
      << server_.Stderr();

  Restart();
  const json log = WaitForEndedCall(hotline);
  EXPECT_EQ(log["outcome"], "answered") << log;
  EXPECT_GE(log["durationSeconds"].get<int>(), 4) << "its real length: " << log;
  EXPECT_TRUE(Has(Types(log), "caller_hung_up")) << log;
  const json& ended = log["entries"].back();
  EXPECT_EQ(ended["type"], "ended") << log;
  EXPECT_FALSE(ended.contains("detail")) << "an ordinary end, not a stop: " << log;
  ExpectBothLegsAnsweredAndClosed(hotline);
  EXPECT_EQ(client_->Get("/v1/hotlines/" + Str(hotline) + "/call-logs", {Pat(ann_token_)})
                .Json()["totalCallLogs"],
            1)
      << "the refused call left no log";
}

// A second SIGTERM does not wait for the drain: every call is hung up and its log closed by
// the stopping service itself, not left for the next start's crash recovery.
TEST_F(DrainTest, ASecondSigtermEndsEveryCallAtOnceAndClosesItsLog) {
  const std::int64_t hotline = CreateHotline({{"ttsInbound", ""}, {"ttsOutbound", ""}});
  RtpProbe caller_audio, agent_audio;
  SippProcess trunk(Scenario("trunk_answer.xml"), TrunkArgs(agent_audio), trunk_port_);
  SippProcess caller(Scenario("caller_wait_bye.xml"), CallerArgs("+4924155660000", caller_audio));
  const std::int64_t call = WaitForBridge(hotline);
  ASSERT_NE(call, 0);

  server_.Terminate();
  EXPECT_EQ(WaitForReadinessChange().status, 503);
  EXPECT_EQ(server_.WaitForExit(1s), std::nullopt) << "the first SIGTERM drains";
  server_.Terminate();
  EXPECT_EQ(server_.WaitForExit(20s), 0) << server_.Stderr();
  EXPECT_NE(server_.Stderr().find("signalled again"), std::string::npos) << server_.Stderr();
  EXPECT_EQ(caller.Wait(), 0) << "the caller got a BYE: " << caller.Logs();
  EXPECT_EQ(trunk.Wait(), 0) << "the agent got a BYE: " << trunk.Logs();

  Restart();
  const json log = WaitForEndedCall(hotline);
  EXPECT_EQ(log["outcome"], "answered") << "it was answered before the stop: " << log;
  EXPECT_NE(log["entries"].back()["detail"].get<std::string>().find("service stopped"),
            std::string::npos)
      << log;
  ExpectBothLegsAnsweredAndClosed(hotline);
}

class ShortDrainTest : public DrainTest {
 protected:
  std::string DrainTimeout() override { return "1s"; }
};

TEST_F(ShortDrainTest, TheDrainTimeoutEndsACallWithByeAndACompleteLog) {
  const std::int64_t hotline = CreateHotline({{"ttsInbound", ""}, {"ttsOutbound", ""}});
  RtpProbe caller_audio, agent_audio;
  SippProcess trunk(Scenario("trunk_answer.xml"), TrunkArgs(agent_audio), trunk_port_);
  SippProcess caller(Scenario("caller_wait_bye.xml"), CallerArgs("+4924155660000", caller_audio));
  ASSERT_NE(WaitForBridge(hotline), 0);

  server_.Terminate();
  EXPECT_EQ(caller.Wait(), 0) << "the caller got a BYE: " << caller.Logs();
  EXPECT_EQ(trunk.Wait(), 0) << "the agent got a BYE: " << trunk.Logs();
  EXPECT_EQ(server_.WaitForExit(20s), 0) << server_.Stderr();
  EXPECT_NE(server_.Stderr().find("--drain-timeout passed; ending 1 call(s)"), std::string::npos)
      << server_.Stderr();

  Restart();
  const json log = WaitForEndedCall(hotline);
  EXPECT_EQ(log["outcome"], "answered") << log;
  EXPECT_NE(log["entries"].back()["detail"].get<std::string>().find("service stopped"),
            std::string::npos)
      << log;
  ExpectBothLegsAnsweredAndClosed(hotline);
}

}  // namespace
}  // namespace fr::testing
