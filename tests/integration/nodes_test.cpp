// Two nodes with phone lines on one PostgreSQL database (issue #14, decisions 0039 and 0040):
// a hotline's inbound channel limit holds across both nodes, and when a node is killed mid-call
// the other closes its call and takes its channel back once the killed node's lease ended.
// PostgreSQL only: a SQLite file serves one node, whose channels are counted in memory.
#include <regex>
#include <set>

#include "integration/telephony_fixture.hpp"

namespace fr::testing {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

class NodesTest : public TelephonyTest {
 protected:
  static constexpr const char* kLease = "3s";

  std::vector<std::string> EngineArgs() override {
    return {"--node-id", "node-a", "--node-lease", kLease};
  }

  void SetUp() override {
    if (!ServersUsePostgresql()) GTEST_SKIP() << "several nodes need PostgreSQL";
    TelephonyTest::SetUp();
    // Nobody's phone is active: each call hears the hotline's farewell (a few seconds, holding
    // its channel meanwhile) and then our BYE. No trunk is needed.
    const json phone = {{"isActive", false}, {"name", "Handy"}, {"phone", kAgentPhone},
                        {"userID", ann_}};
    ASSERT_EQ(Send("PUT", "/v1/agent-phones/" + Str(agent_phone_), phone).status, 200);
    second_ = std::make_unique<ServerProcess>(server_.database_url());
    second_->Start({"--sip-listen", "127.0.0.1:0", "--sip-trunk",
                    "127.0.0.1:" + std::to_string(trunk_port_), "--node-id", "node-b",
                    "--node-lease", kLease});
    std::smatch match;
    const std::string log = second_->Stderr();
    ASSERT_TRUE(std::regex_search(log, match, std::regex(R"(SIP on 127\.0\.0\.1:(\d+))"))) << log;
    second_sip_port_ = std::stoi(match[1]);
  }

  // A caller of the hotline through the node on `sip_port`.
  std::unique_ptr<SippProcess> Call(const std::string& scenario, std::uint16_t sip_port,
                                    const RtpProbe& audio) {
    return std::make_unique<SippProcess>(
        Scenario(scenario),
        std::vector<std::string>{"-s", "+4924155660000", "-key", "caller", "004924112345", "-key",
                                 "rtp_port", std::to_string(audio.port()),
                                 "127.0.0.1:" + std::to_string(sip_port)});
  }
  static bool Heard(const RtpProbe& audio) {
    return audio.WaitUntil([](const auto& packets) { return !packets.empty(); }, 10s);
  }
  json CallLogs(std::int64_t hotline) {
    return client_->Get("/v1/hotlines/" + Str(hotline) + "/call-logs", {Pat(ann_token_)}).Json();
  }
  // The outcomes once the hotline has `total` calls and every one has ended.
  std::multiset<std::string> Outcomes(std::int64_t hotline, int total) {
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    json page;
    while (std::chrono::steady_clock::now() < deadline) {
      page = CallLogs(hotline);
      std::multiset<std::string> outcomes;
      for (const auto& log : page["callLogs"]) {
        if (!log["outcome"].is_null()) outcomes.insert(log["outcome"].get<std::string>());
      }
      if (page["totalCallLogs"] == total && outcomes.size() == static_cast<std::size_t>(total)) {
        return outcomes;
      }
      std::this_thread::sleep_for(50ms);
    }
    ADD_FAILURE() << "not all calls ended: " << page;
    return {};
  }

  std::unique_ptr<ServerProcess> second_;
  std::uint16_t second_sip_port_ = 0;
};

TEST_F(NodesTest, AChannelLimitOfOneHoldsAcrossBothNodes) {
  const std::int64_t hotline = CreateHotline({{"ttsInbound", ""}, {"channelsInbound", 1}});
  RtpProbe first_audio, second_audio, third_audio;
  auto first = Call("caller_wait_bye.xml", sip_port_, first_audio);
  ASSERT_TRUE(Heard(first_audio)) << "the first call is up on node a: " << first->Logs();
  auto second = Call("caller_expect_486.xml", second_sip_port_, second_audio);
  EXPECT_EQ(second->Wait(), 0) << "node b refuses: node a holds the channel. " << second->Logs();
  EXPECT_EQ(first->Wait(), 0) << first->Logs();
  EXPECT_EQ(Outcomes(hotline, 2), (std::multiset<std::string>{"missed", "rejected_busy"}));
  // Node a gave the channel back when its call ended: node b takes the next call.
  auto third = Call("caller_wait_bye.xml", second_sip_port_, third_audio);
  EXPECT_EQ(third->Wait(), 0) << third->Logs();
  EXPECT_EQ(Outcomes(hotline, 3),
            (std::multiset<std::string>{"missed", "missed", "rejected_busy"}));
}

TEST_F(NodesTest, TheCallsOfAKilledNodeAreClosedAndItsChannelsFreedWhenItsLeaseEnds) {
  const std::int64_t hotline = CreateHotline({{"ttsInbound", ""}, {"channelsInbound", 1}});
  RtpProbe audio, refused_audio, later_audio;
  auto on_b = Call("caller_wait_bye.xml", second_sip_port_, audio);
  ASSERT_TRUE(Heard(audio)) << on_b->Logs();
  // Until the call log is on disk.
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (CallLogs(hotline)["totalCallLogs"] != 1 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_EQ(CallLogs(hotline)["totalCallLogs"], 1);
  second_->Kill();
  on_b.reset();
  const auto killed_at = std::chrono::steady_clock::now();
  auto refused = Call("caller_expect_486.xml", sip_port_, refused_audio);
  EXPECT_EQ(refused->Wait(), 0) << "the dead node holds its channel until its lease ends. "
                                << refused->Logs();
  ASSERT_LT(std::chrono::steady_clock::now() - killed_at, 3s) << "too slow to see the lease";
  // Node a closes node b's call once b's lease (3 s) ended.
  json closed;
  const auto until = std::chrono::steady_clock::now() + 15s;
  while (std::chrono::steady_clock::now() < until) {
    const json page = CallLogs(hotline);
    for (const auto& log : page["callLogs"]) {
      if (log["outcome"] == "failed") closed = log;
    }
    if (!closed.is_null()) break;
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_FALSE(closed.is_null()) << CallLogs(hotline);
  const json log = client_->Get("/v1/hotlines/" + Str(hotline) + "/call-logs/" + Str(closed["id"]),
                                {Pat(ann_token_)}).Json();
  EXPECT_NE(log["entries"].back()["detail"].get<std::string>().find("node 'node-b'"),
            std::string::npos) << log;
  EXPECT_FALSE(log["endTime"].is_null());
  // And b's channel is free again.
  auto later = Call("caller_wait_bye.xml", sip_port_, later_audio);
  EXPECT_EQ(later->Wait(), 0) << later->Logs();
  EXPECT_EQ(Outcomes(hotline, 3),
            (std::multiset<std::string>{"failed", "missed", "rejected_busy"}));
}

}  // namespace
}  // namespace fr::testing
