// What an operator sees of calls (decision 0034), after real calls through sipp: the /metrics
// counters of legs, ring-to-answer, RTP relayed, lost and late, the prompt cache, the drain
// state, and one line per call in the service log, without the caller's number.
#include <regex>
#include <thread>

#include "integration/telephony_fixture.hpp"
#include "support/metrics_text.hpp"

namespace fr::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

using CallMetricsTest = TelephonyTest;

TEST_F(CallMetricsTest, AnOperatorSeesEachCallInMetricsAndOneLogLine) {
  const std::int64_t hotline = CreateHotline();  // greets and prompts: two texts to synthesise
  EXPECT_EQ(MetricSample(client_->Get("/metrics").body, "fr_draining"), 0);
  RtpProbe caller_audio, agent_audio;
  {
    SippProcess trunk(Scenario("trunk_answer.xml"), TrunkArgs(agent_audio), trunk_port_);
    SippProcess caller(Scenario("caller_talk.xml"),
                       CallerArgs("+4924155660000", caller_audio, {"-d", "6000"}));
    // Both talk once the agent heard the prompt: some of it before the bridge, most after.
    ASSERT_TRUE(agent_audio.WaitUntil([](const auto& packets) { return packets.size() >= 20; }, 20s))
        << trunk.Logs();
    ASSERT_TRUE(caller_audio.WaitUntil([](const auto& packets) { return !packets.empty(); }, 5s));
    const std::uint16_t engine_agent_port = agent_audio.Packets().front().source_port;
    const std::uint16_t engine_caller_port = caller_audio.Packets().front().source_port;
    std::thread agent_talks([&] { agent_audio.Send(engine_agent_port, kAgentVoice, 100); });
    caller_audio.Send(engine_caller_port, kCallerVoice, 100);
    agent_talks.join();
    EXPECT_EQ(caller.Wait(), 0) << caller.Logs();
    EXPECT_EQ(trunk.Wait(), 0) << trunk.Logs();
  }
  WaitForEndedCall(hotline);
  const std::size_t heard_by_agent = CountWith(agent_audio.Packets(), kCallerVoice);
  const std::size_t heard_by_caller = CountWith(caller_audio.Packets(), kAgentVoice);
  ASSERT_GE(heard_by_agent, 20u);
  ASSERT_GE(heard_by_caller, 20u);

  std::string metrics = client_->Get("/metrics").body;
  // Every packet relayed reached the other phone (loopback loses nothing), none lost or late.
  EXPECT_EQ(MetricSample(metrics, R"(fr_rtp_packets_relayed_total{direction="caller_to_agent"})"),
            static_cast<double>(heard_by_agent))
      << metrics;
  EXPECT_EQ(MetricSample(metrics, R"(fr_rtp_packets_relayed_total{direction="agent_to_caller"})"),
            static_cast<double>(heard_by_caller));
  for (const char* direction : {"caller_to_agent", "agent_to_caller"}) {
    const std::string label = std::string("{direction=\"") + direction + "\"}";
    EXPECT_EQ(MetricSample(metrics, "fr_rtp_packets_lost_total" + label), 0) << direction;
    EXPECT_EQ(MetricSample(metrics, "fr_rtp_packets_late_total" + label), 0) << direction;
  }
  // The trunk's phone answers 300 ms after it rang.
  EXPECT_EQ(MetricSample(metrics, "fr_call_ring_to_answer_seconds_count"), 1);
  EXPECT_GE(MetricSample(metrics, "fr_call_ring_to_answer_seconds_sum"), 0.3);
  EXPECT_LT(MetricSample(metrics, "fr_call_ring_to_answer_seconds_sum"), 10);
  EXPECT_EQ(MetricSample(metrics, R"(fr_call_legs_total{direction="inbound",disposition="answered"})"), 1);
  EXPECT_EQ(MetricSample(metrics, R"(fr_call_legs_total{direction="outbound",disposition="answered"})"), 1);
  EXPECT_EQ(MetricSample(metrics, R"(fr_call_legs_total{direction="outbound",disposition="busy"})"), 0);
  EXPECT_EQ(MetricSample(metrics, "fr_tts_cache_misses_total"), 2) << "the greeting and the prompt";
  EXPECT_EQ(MetricSample(metrics, "fr_tts_cache_hits_total"), 0);

  // The same texts for the next call come from the cache.
  {
    RtpProbe second_caller, second_agent;
    SippProcess trunk(Scenario("trunk_answer.xml"), TrunkArgs(second_agent), trunk_port_);
    SippProcess caller(Scenario("caller_talk.xml"),
                       CallerArgs("+4924155660000", second_caller, {"-d", "3000"}));
    EXPECT_EQ(caller.Wait(), 0) << caller.Logs();
    EXPECT_EQ(trunk.Wait(), 0) << trunk.Logs();
  }
  WaitForEndedCall(hotline, 2);
  metrics = client_->Get("/metrics").body;
  EXPECT_EQ(MetricSample(metrics, "fr_tts_cache_misses_total"), 2) << metrics;
  EXPECT_EQ(MetricSample(metrics, "fr_tts_cache_hits_total"), 2);
  EXPECT_EQ(MetricSample(metrics, "fr_call_ring_to_answer_seconds_count"), 2);
  EXPECT_EQ(MetricSample(metrics, R"(fr_call_legs_total{direction="inbound",disposition="answered"})"), 2);

  // One line per call at its end, in words a log search can take apart, and neither the
  // caller's nor the agent's number anywhere in the service log.
  const std::string log = server_.Stderr();
  const std::regex ended("call ended: call=\\d+ hotline=" + Str(hotline) +
                         " outcome=answered duration_seconds=(\\d+) legs=2 agent_legs=answered\n");
  std::vector<int> durations;
  for (auto it = std::sregex_iterator(log.begin(), log.end(), ended); it != std::sregex_iterator();
       ++it) {
    durations.push_back(std::stoi((*it)[1]));
  }
  ASSERT_EQ(durations.size(), 2u) << log;
  EXPECT_GE(durations[0], 6) << "the caller talked 6 s after the answer";
  EXPECT_GE(durations[1], 3);
  for (const char* number : {"4924112345", "4915112340001"}) {  // the caller, the agent
    EXPECT_EQ(log.find(number), std::string::npos) << number << " in the log: " << log;
  }
}

}  // namespace
}  // namespace fr::testing
