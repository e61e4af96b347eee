// The phone line end to end: the real binary with its SIP engine on loopback, sipp as the caller
// and as the trunk with the agents' phones behind it, test RTP endpoints for the audio, and the
// call log and telephone records read back over HTTP.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <thread>

#include "integration/telephony_fixture.hpp"

namespace fr::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr std::uint8_t kMuLawSilence = 0xff;

// G.711 µ-law to linear PCM (ITU-T G.711), written out here rather than taken from the code
// under test.
int MuLawToLinear(std::uint8_t byte) {
  byte = static_cast<std::uint8_t>(~byte);
  const int exponent = (byte >> 4) & 0x07;
  const int magnitude = (((byte & 0x0F) << 3) + 0x84) << exponent;
  return (byte & 0x80) ? 0x84 - magnitude : magnitude - 0x84;
}

// Frames of speech among `packets`: loud enough to be heard, and not the 425 Hz ringback tone,
// which repeats itself every 8000/425 ≈ 18.8 samples (its autocorrelation at lag 19 is about 1;
// speech's is far lower).
std::size_t SpeechFrames(const std::vector<RtpProbe::Packet>& packets) {
  std::size_t frames = 0;
  for (const auto& packet : packets) {
    if (packet.payload_type != 0 || packet.payload.size() < 160) continue;
    std::vector<double> pcm;
    for (const std::uint8_t byte : packet.payload) pcm.push_back(MuLawToLinear(byte));
    double energy = 0, lagged = 0;
    for (std::size_t i = 0; i < pcm.size(); ++i) energy += pcm[i] * pcm[i];
    for (std::size_t i = 19; i < pcm.size(); ++i) lagged += pcm[i] * pcm[i - 19];
    const double rms = std::sqrt(energy / static_cast<double>(pcm.size()));
    if (rms > 300 && lagged / energy < 0.8) ++frames;
  }
  return frames;
}

// An RTCP receiver report, written by hand (RFC 3550 section 6.4.2): reporter `from`, one block
// about `about` with `lost` packets lost in all, the highest sequence `highest` (no cycle) and
// `jitter` in RTP timestamp units.
std::vector<std::uint8_t> ReceiverReport(std::uint32_t from, std::uint32_t about,
                                         std::uint16_t highest, std::uint32_t lost,
                                         std::uint32_t jitter) {
  std::vector<std::uint8_t> rr = {0x81, 201, 0x00, 0x07};
  const auto put = [&rr](std::uint32_t value) {
    for (int i = 0; i < 4; ++i) rr.push_back(static_cast<std::uint8_t>(value >> (24 - 8 * i)));
  };
  for (const std::uint32_t word : {from, about, lost & 0xFFFFFF, std::uint32_t{highest}, jitter,
                                   0u, 0u}) {
    put(word);
  }
  return rr;
}

// The RTCP packet types in a compound datagram, in order (200 SR, 201 RR, 202 SDES, 203 BYE).
std::vector<int> RtcpTypes(const std::vector<std::uint8_t>& datagram) {
  std::vector<int> types;
  for (std::size_t at = 0; at + 4 <= datagram.size();
       at += (static_cast<std::size_t>(datagram[at + 2]) << 8 | datagram[at + 3]) * 4 + 4) {
    types.push_back(datagram[at + 1]);
  }
  return types;
}

// Sends an OPTIONS to the service's SIP port from a UDP socket of the test and returns the
// response (empty if none came within 5 s).
std::string AskOptions(int sip_port) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in local{};
  local.sin_family = AF_INET;
  local.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local);
  socklen_t length = sizeof local;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length);
  const std::string via = "127.0.0.1:" + std::to_string(ntohs(local.sin_port));
  const std::string request =
      "OPTIONS sip:+4924155660000@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP " + via +
      ";branch=z9hG4bKopt1\r\nFrom: <sip:probe@" + via + ">;tag=1\r\nTo: <sip:+4924155660000@127.0.0.1>"
      "\r\nCall-ID: options-1\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
  sockaddr_in service{};
  service.sin_family = AF_INET;
  service.sin_port = htons(static_cast<std::uint16_t>(sip_port));
  service.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::sendto(fd, request.data(), request.size(), 0, reinterpret_cast<sockaddr*>(&service), sizeof service);
  pollfd readable{fd, POLLIN, 0};
  std::string response;
  if (::poll(&readable, 1, 5000) > 0) {
    char buffer[4096];
    const ssize_t received = ::recv(fd, buffer, sizeof buffer, 0);
    if (received > 0) response.assign(buffer, static_cast<std::size_t>(received));
  }
  ::close(fd);
  return response;
}

TEST_F(TelephonyTest, AnsweredCallIsBridgedWithAudioBothWays) {
  const std::int64_t hotline = CreateHotline();
  RtpProbe caller_audio, agent_audio;
  SippProcess trunk(Scenario("trunk_answer.xml"), TrunkArgs(agent_audio), trunk_port_);
  SippProcess caller(Scenario("caller_talk.xml"),
                     CallerArgs("+4924155660000", caller_audio, {"-d", "9000"}));
  ExpectHotlineCallerId(trunk);

  // The agent hears the outbound prompt first: audio that is not silence.
  ASSERT_TRUE(agent_audio.WaitUntil([](const auto& packets) { return packets.size() >= 20; }, 20s))
      << trunk.Logs();
  const std::uint16_t engine_agent_port = agent_audio.Packets().front().source_port;
  // The caller heard the greeting and ringback meanwhile; caller and agent now talk.
  ASSERT_TRUE(caller_audio.WaitUntil([](const auto& packets) { return !packets.empty(); }, 5s));
  const std::uint16_t engine_caller_port = caller_audio.Packets().front().source_port;
  std::thread agent_talks([&] { agent_audio.Send(engine_agent_port, kAgentVoice, 100); });
  caller_audio.Send(engine_caller_port, kCallerVoice, 100);
  agent_talks.join();

  EXPECT_TRUE(caller_audio.WaitUntil([](const auto& p) { return CountWith(p, kAgentVoice) >= 20; }, 5s))
      << "the caller hears the agent";
  EXPECT_TRUE(agent_audio.WaitUntil([](const auto& p) { return CountWith(p, kCallerVoice) >= 20; }, 5s))
      << "the agent hears the caller";
  EXPECT_EQ(caller.Wait(), 0) << caller.Logs();
  EXPECT_EQ(trunk.Wait(), 0) << trunk.Logs();

  const auto agent_packets = agent_audio.Packets();
  std::size_t prompt_packets = 0;
  for (const auto& packet : agent_packets) {
    if (AllBytes(packet, kCallerVoice)) break;
    if (!AllBytes(packet, kMuLawSilence)) ++prompt_packets;
  }
  EXPECT_GE(prompt_packets, 20u) << "the agent heard the outbound prompt before the caller";
  // One stream towards the caller: greeting, ringback and the agent's voice share one SSRC and
  // consecutive sequence numbers.
  const auto caller_packets = caller_audio.Packets();
  for (std::size_t i = 1; i < caller_packets.size(); ++i) {
    ASSERT_EQ(caller_packets[i].ssrc, caller_packets[0].ssrc) << "packet " << i;
    ASSERT_EQ(static_cast<std::uint16_t>(caller_packets[i].sequence - caller_packets[i - 1].sequence), 1)
        << "packet " << i;
  }
  EXPECT_GT(caller_packets.size(), CountWith(caller_packets, kAgentVoice) + 50)
      << "greeting and ringback came before the agent";

  const json log = WaitForEndedCall(hotline);
  EXPECT_EQ(log["outcome"], "answered");
  EXPECT_EQ(log["caller"], "004924112345");
  EXPECT_EQ(log["answeredBy"], (json{{"agentPhoneID", agent_phone_}, {"userID", ann_}}));
  const auto types = Types(log);
  for (const char* type : {"call_received", "greeting_played", "agent_dialed", "agent_ringing",
                           "agent_answered", "bridged", "caller_hung_up", "ended"}) {
    EXPECT_TRUE(Has(types, type)) << type << " missing in " << log;
  }
  const json records = Records(hotline);
  ASSERT_EQ(records.size(), 2u) << records;
  const json inbound = RecordOf(records, "inbound");
  const json outbound = RecordOf(records, "outbound");
  EXPECT_EQ(inbound["from"], "004924112345");
  EXPECT_EQ(inbound["to"], kHotlineNumber);
  EXPECT_EQ(outbound["from"], kHotlineNumber);
  EXPECT_EQ(outbound["to"], "004915112340001");
  EXPECT_EQ(outbound["disposition"], "answered");
  EXPECT_FALSE(outbound["answerTime"].is_null());
  EXPECT_GE(outbound["billableSeconds"].get<int>(), 1);
  const std::string metrics = client_->Get("/metrics").body;
  EXPECT_NE(metrics.find("fr_calls_total{outcome=\"answered\"} 1\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("fr_calls_active 0\n"), std::string::npos);
}

// RTCP end to end: the service reports on both legs to the phones' RTP port + 1, and what the
// phones report about its audio (the caller's phone: a quarter lost, 100 ms jitter; the agent's:
// nothing lost, 200 ms) becomes each leg's packetLoss and jitterMs, and the /metrics histograms.
// sipp only signals here (its rtp_stream sends no RTCP), so the probes stand in for the phones.
TEST_F(TelephonyTest, CallQualityReportedOverRtcpReachesTheRecordsAndMetrics) {
  const std::int64_t hotline = CreateHotline();
  RtpProbe caller_audio(RtpProbe::WithRtcpPort{}), agent_audio(RtpProbe::WithRtcpPort{});
  SippProcess trunk(Scenario("trunk_answer.xml"), TrunkArgs(agent_audio), trunk_port_);
  SippProcess caller(Scenario("caller_talk.xml"),
                     CallerArgs("+4924155660000", caller_audio, {"-d", "9000"}));
  ASSERT_TRUE(agent_audio.WaitUntil([](const auto& packets) { return packets.size() >= 20; }, 20s))
      << trunk.Logs();
  ASSERT_TRUE(caller_audio.WaitUntil([](const auto& packets) { return packets.size() >= 20; }, 5s));

  // Each phone reports on what it received so far, from its RTCP port to ours (RTP + 1).
  const auto report = [](RtpProbe& phone, std::uint32_t lost_per_mille, std::uint32_t jitter) {
    const auto packets = phone.Packets();
    const auto highest = static_cast<std::uint16_t>(packets.front().sequence + packets.size() - 1);
    const auto lost = static_cast<std::uint32_t>(packets.size() * lost_per_mille / 1000);
    phone.SendRtcp(packets.front().source_port + 1,
                   ReceiverReport(0x5eedf00d, packets.front().ssrc, highest, lost, jitter));
    return static_cast<double>(lost) / static_cast<double>(packets.size());
  };
  const double caller_loss = report(caller_audio, 250, 800);
  report(agent_audio, 0, 1600);
  // Both phones talk, so the service measures their audio too (on loopback: nothing lost,
  // little jitter; the worse direction is what the phones reported).
  const std::uint16_t engine_agent_port = agent_audio.Packets().front().source_port;
  std::thread agent_talks([&] { agent_audio.Send(engine_agent_port, kAgentVoice, 50); });
  caller_audio.Send(caller_audio.Packets().front().source_port, kCallerVoice, 50);
  agent_talks.join();
  EXPECT_EQ(caller.Wait(), 0) << caller.Logs();
  EXPECT_EQ(trunk.Wait(), 0) << trunk.Logs();

  const json log = WaitForEndedCall(hotline);
  EXPECT_EQ(log["outcome"], "answered");
  const json records = Records(hotline);
  const json inbound = RecordOf(records, "inbound");
  const json outbound = RecordOf(records, "outbound");
  ASSERT_TRUE(inbound["packetLoss"].is_number()) << inbound;
  EXPECT_NEAR(inbound["packetLoss"].get<double>(), caller_loss, 0.0001);
  EXPECT_EQ(inbound["jitterMs"], 100.0);
  ASSERT_TRUE(outbound["packetLoss"].is_number()) << outbound;
  EXPECT_EQ(outbound["packetLoss"], 0.0);
  EXPECT_EQ(outbound["jitterMs"], 200.0);

  // Our reports reached the phones' RTCP ports: a report and SDES each time, a BYE at the end.
  for (RtpProbe* phone : {&caller_audio, &agent_audio}) {
    const auto datagrams = phone->RtcpDatagrams();
    ASSERT_FALSE(datagrams.empty());
    const std::vector<int> first = RtcpTypes(datagrams.front());
    ASSERT_GE(first.size(), 2u);
    EXPECT_TRUE(first[0] == 200 || first[0] == 201) << first[0];
    EXPECT_EQ(first[1], 202);
    ASSERT_TRUE(phone->WaitUntil([&](const auto&) {
      const auto types = RtcpTypes(phone->RtcpDatagrams().back());
      return std::find(types.begin(), types.end(), 203) != types.end();
    }, 5s)) << "a BYE when the stream closed";
  }

  const std::string metrics = client_->Get("/metrics").body;
  EXPECT_NE(metrics.find("fr_call_leg_packet_loss_ratio_count 2\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("fr_call_leg_packet_loss_ratio_bucket{le=\"0.001\"} 1\n"), std::string::npos);
  EXPECT_NE(metrics.find("fr_call_leg_jitter_seconds_bucket{le=\"0.1\"} 1\n"), std::string::npos);
  EXPECT_NE(metrics.find("fr_call_leg_jitter_seconds_bucket{le=\"0.2\"} 2\n"), std::string::npos);
  EXPECT_NE(metrics.find("fr_call_leg_jitter_seconds_sum 0.3\n"), std::string::npos);
}

TEST_F(TelephonyTest, TheFirstAgentToAnswerTakesTheCallTheOtherStopsRinging) {
  const json max_phone = {{"isActive", true}, {"name", "Max mobile"}, {"phone", "+49 151 12340002"},
                          {"userID", max_}};
  const auto created = client_->SendJson("POST", "/v1/agent-phones", {Pat(max_token_)}, max_phone.dump());
  ASSERT_EQ(created.status, 201) << created.body;
  const std::int64_t hotline = CreateHotline({{"agents", {max_, ann_}}, {"ttsInbound", ""}});
  RtpProbe caller_audio, agent_audio;
  SippProcess trunk(Scenario("trunk_fork.xml"), TrunkArgs(agent_audio, {"-m", "2"}), trunk_port_);
  SippProcess caller(Scenario("caller_talk.xml"),
                     CallerArgs("+4924155660000", caller_audio, {"-d", "4000"}));
  ExpectHotlineCallerId(trunk, 2);
  EXPECT_EQ(caller.Wait(), 0) << caller.Logs();
  EXPECT_EQ(trunk.Wait(), 0) << "Max's phone got CANCEL, Ann's a BYE: " << trunk.Logs();
  const json log = WaitForEndedCall(hotline);
  EXPECT_EQ(log["outcome"], "answered");
  EXPECT_EQ(log["answeredBy"]["userID"], ann_);
  const auto types = Types(log);
  EXPECT_EQ(std::count(types.begin(), types.end(), "agent_dialed"), 2) << log;
  const json records = Records(hotline);
  ASSERT_EQ(records.size(), 3u) << records;
  std::map<std::string, std::string> disposition_by_phone;
  for (const auto& record : records) {
    if (record["direction"] == "outbound") disposition_by_phone[record["to"]] = record["disposition"];
  }
  EXPECT_EQ(disposition_by_phone["004915112340001"], "answered");
  EXPECT_EQ(disposition_by_phone["004915112340002"], "cancelled");

  // Each leg to an agent names the agent's phone. Max's number reaches Ann only while Max
  // consents, and his withdrawal hides the past call too; Ann has not consented to admin
  // access, so the organisation's API token sees her number masked.
  std::map<std::int64_t, json> leg_by_user;
  for (const auto& record : records) {
    if (record["direction"] == "outbound") leg_by_user[record["userID"]] = record;
  }
  ASSERT_EQ(leg_by_user.size(), 2u) << records;
  EXPECT_EQ(leg_by_user[max_]["agentPhoneID"], created.Json()["id"]);
  EXPECT_EQ(leg_by_user[ann_]["agentPhoneID"], agent_phone_);
  ASSERT_EQ(client_->SendJson("PUT", "/v1/me/organizations/" + Str(org_a_), {Pat(max_token_)},
                              R"({"allowAdminAccess": false})").status, 200);
  const auto to_of = [](const json& page, std::int64_t user) {
    for (const auto& record : page) {
      if (record["userID"] == user) return record["to"].get<std::string>();
    }
    return std::string();
  };
  // "00", country code 49 and network code 1511 stay, as do the last two digits.
  const auto masked = [](const std::string& number) {
    return number.substr(0, 8) + std::string(number.size() - 10, '*') + number.substr(number.size() - 2);
  };
  const json withdrawn = Records(hotline);
  EXPECT_EQ(to_of(withdrawn, max_), masked("004915112340002")) << withdrawn;
  EXPECT_EQ(to_of(withdrawn, ann_), "004915112340001") << "Ann sees her own number";
  const json via_token = client_->Get("/v1/hotlines/" + Str(hotline) + "/telephone-records",
                                      {Api(org_a_token_)}).Json()["records"];
  EXPECT_EQ(to_of(via_token, ann_), masked("004915112340001")) << via_token;
  EXPECT_EQ(to_of(via_token, max_), masked("004915112340002"));
  const std::string log_text = client_->Get("/v1/hotlines/" + Str(hotline) + "/call-logs/" +
                                            Str(log["id"]), {Api(org_a_token_)}).body;
  EXPECT_EQ(log_text.find("5112340002"), std::string::npos) << "no number in the entries";
  ASSERT_EQ(client_->SendJson("PUT", "/v1/me/organizations/" + Str(org_a_), {Pat(max_token_)},
                              R"({"allowAdminAccess": true})").status, 200);
  EXPECT_EQ(to_of(Records(hotline), max_), "004915112340002") << "consent given again";
}

TEST_F(TelephonyTest, AgentHangsUpFirst) {
  const std::int64_t hotline = CreateHotline({{"ttsInbound", ""}, {"ttsOutbound", ""}});
  RtpProbe caller_audio, agent_audio;
  SippProcess trunk(Scenario("trunk_answer_then_bye.xml"),
                    TrunkArgs(agent_audio, {"-d", "1000"}), trunk_port_);
  SippProcess caller(Scenario("caller_wait_bye.xml"), CallerArgs("004924155660000", caller_audio));
  EXPECT_EQ(trunk.Wait(), 0) << trunk.Logs();
  EXPECT_EQ(caller.Wait(), 0) << caller.Logs();
  const json log = WaitForEndedCall(hotline);
  EXPECT_EQ(log["outcome"], "answered");
  EXPECT_TRUE(Has(Types(log), "agent_hung_up")) << log;
  EXPECT_FALSE(Has(Types(log), "greeting_played")) << "an empty greeting is skipped";
}

TEST_F(TelephonyTest, AnAgentAlreadyOnACallIsNotRungForAnother) {
  const std::int64_t hotline = CreateHotline({{"ttsInbound", ""}, {"ttsOutbound", ""}});
  RtpProbe caller_audio, second_audio, agent_audio;
  SippProcess trunk(Scenario("trunk_answer.xml"), TrunkArgs(agent_audio), trunk_port_);
  SippProcess caller(Scenario("caller_talk.xml"),
                     CallerArgs("+4924155660000", caller_audio, {"-d", "6000"}));
  // Ann talks to the first caller…
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  bool bridged = false;
  while (!bridged && std::chrono::steady_clock::now() < deadline) {
    const json page =
        client_->Get("/v1/hotlines/" + Str(hotline) + "/call-logs", {Pat(ann_token_)}).Json();
    if (page["totalCallLogs"] == 1) {
      const json log =
          client_
              ->Get("/v1/hotlines/" + Str(hotline) + "/call-logs/" + Str(page["callLogs"][0]["id"]),
                    {Pat(ann_token_)})
              .Json();
      bridged = Has(Types(log), "bridged");
    }
    if (!bridged) std::this_thread::sleep_for(50ms);
  }
  ASSERT_TRUE(bridged) << trunk.Logs();
  // … so the second caller's call does not ring her phone: nobody else can take it.
  SippProcess second(Scenario("caller_wait_bye.xml"), CallerArgs("+4924155660000", second_audio));
  EXPECT_EQ(second.Wait(), 0) << "the service says sorry and hangs up: " << second.Logs();
  EXPECT_EQ(caller.Wait(), 0) << caller.Logs();
  EXPECT_EQ(trunk.Wait(), 0) << trunk.Logs();
  EXPECT_EQ(trunk.ReceivedInviteFroms().size(), 1u) << "Ann's phone was rung once";
  const json missed = WaitForEndedCall(hotline, 2);
  EXPECT_EQ(missed["outcome"], "missed") << missed;
  json skipped;
  for (const auto& entry : missed["entries"]) {
    if (entry["type"] == "agent_busy_skipped") skipped = entry;
  }
  ASSERT_FALSE(skipped.is_null()) << missed;
  EXPECT_EQ(skipped["userID"], ann_);
  EXPECT_EQ(skipped["agentPhoneID"], agent_phone_);
  EXPECT_FALSE(Has(Types(missed), "agent_dialed")) << missed;
}

TEST_F(TelephonyTest, CallerHangsUpWhileAgentsRing) {
  const std::int64_t hotline = CreateHotline({{"ttsInbound", ""}});
  RtpProbe caller_audio, agent_audio;
  SippProcess trunk(Scenario("trunk_ring.xml"), TrunkArgs(agent_audio), trunk_port_);
  SippProcess caller(Scenario("caller_talk.xml"),
                     CallerArgs("+4924155660000", caller_audio, {"-d", "3000"}));
  EXPECT_EQ(caller.Wait(), 0) << caller.Logs();
  EXPECT_EQ(trunk.Wait(), 0) << "the ringing agent leg was cancelled: " << trunk.Logs();
  const json log = WaitForEndedCall(hotline);
  EXPECT_EQ(log["outcome"], "abandoned") << log;
  EXPECT_TRUE(log["answeredBy"].is_null());
  EXPECT_TRUE(Has(Types(log), "caller_hung_up"));
  const json outbound = RecordOf(Records(hotline), "outbound");
  EXPECT_EQ(outbound["disposition"], "cancelled");
  EXPECT_EQ(outbound["sipStatus"], 487);
  EXPECT_EQ(outbound["billableSeconds"], 0);
}

TEST_F(TelephonyTest, CallerHangsUpWhileTheAgentHearsTheOutboundText) {
  const std::int64_t hotline = CreateHotline(
      {{"ttsInbound", ""},
       {"ttsOutbound", "A caller is waiting on the relief hotline. Please stay calm, listen "
                       "carefully, and note the caller's name and where they are right now."}});
  RtpProbe caller_audio, agent_audio;
  SippProcess trunk(Scenario("trunk_answer.xml"), TrunkArgs(agent_audio), trunk_port_);
  SippProcess caller(Scenario("caller_talk.xml"),
                     CallerArgs("+4924155660000", caller_audio, {"-d", "1500"}));
  EXPECT_EQ(caller.Wait(), 0) << caller.Logs();
  EXPECT_EQ(trunk.Wait(), 0) << "the agent got a BYE: " << trunk.Logs();
  const json log = WaitForEndedCall(hotline);
  EXPECT_EQ(log["outcome"], "abandoned") << log;
  EXPECT_TRUE(log["answeredBy"].is_null());
  EXPECT_FALSE(Has(Types(log), "bridged")) << "the caller was gone before the bridge: " << log;
}

TEST_F(TelephonyTest, AudioFollowsTheCallerWhenItsPhoneMovesTheMedia) {
  const std::int64_t hotline = CreateHotline(
      {{"ttsInbound", "Welcome to the relief hotline. Please stay on the line, we are finding "
                      "somebody who can help you right now."}});
  const json phone = {{"isActive", false}, {"name", "Handy"}, {"phone", kAgentPhone}, {"userID", ann_}};
  ASSERT_EQ(Send("PUT", "/v1/agent-phones/" + Str(agent_phone_), phone).status, 200);
  RtpProbe before, after;
  SippProcess caller(Scenario("caller_moves_media.xml"),
                     CallerArgs("+4924155660000", before,
                                {"-key", "rtp_port2", std::to_string(after.port()), "-d", "2500"}));
  EXPECT_EQ(caller.Wait(), 0) << caller.Logs();
  const auto first = before.Packets();
  const auto second = after.Packets();
  ASSERT_GE(first.size(), 20u) << "the greeting began at the first address";
  ASSERT_GE(second.size(), 20u) << "and went on at the new one after the re-INVITE";
  EXPECT_EQ(second.front().ssrc, first.front().ssrc) << "one stream, moved";
  EXPECT_EQ(static_cast<std::uint16_t>(second.front().sequence - first.back().sequence), 1);
  EXPECT_EQ(WaitForEndedCall(hotline)["outcome"], "abandoned");
}

TEST_F(TelephonyTest, AllAgentsBusyIsAMissedCall) {
  const std::int64_t hotline = CreateHotline({{"ttsInbound", ""}});
  RtpProbe caller_audio, agent_audio;
  SippProcess trunk(Scenario("trunk_busy.xml"), TrunkArgs(agent_audio), trunk_port_);
  SippProcess caller(Scenario("caller_wait_bye.xml"), CallerArgs("+4924155660000", caller_audio));
  EXPECT_EQ(trunk.Wait(), 0) << trunk.Logs();
  EXPECT_EQ(caller.Wait(), 0) << "the service says sorry and hangs up: " << caller.Logs();
  // Half a second of speech at least: the missed-call message, not only ringback.
  EXPECT_GE(SpeechFrames(caller_audio.Packets()), 25u) << "the caller heard the missed-call message";
  const json log = WaitForEndedCall(hotline);
  EXPECT_EQ(log["outcome"], "missed");
  EXPECT_TRUE(Has(Types(log), "agent_declined")) << log;
  const json outbound = RecordOf(Records(hotline), "outbound");
  EXPECT_EQ(outbound["disposition"], "busy");
  EXPECT_EQ(outbound["sipStatus"], 486);
}

TEST_F(TelephonyTest, NoActiveAgentPhoneIsAMissedCallAtOnce) {
  const std::int64_t hotline = CreateHotline({{"ttsInbound", ""}});
  const json phone = {{"isActive", false}, {"name", "Handy"}, {"phone", kAgentPhone}, {"userID", ann_}};
  ASSERT_EQ(Send("PUT", "/v1/agent-phones/" + Str(agent_phone_), phone).status, 200)
      << "a change to an agent phone applies to the next call";
  RtpProbe caller_audio;
  SippProcess caller(Scenario("caller_wait_bye.xml"), CallerArgs("+4924155660000", caller_audio));
  EXPECT_EQ(caller.Wait(), 0) << caller.Logs();
  const json log = WaitForEndedCall(hotline);
  EXPECT_EQ(log["outcome"], "missed");
  EXPECT_TRUE(Has(Types(log), "no_agent_available")) << log;
  EXPECT_FALSE(Has(Types(log), "agent_dialed"));
  EXPECT_EQ(Records(hotline).size(), 1u) << "only the caller's leg";
}

// Registered carriers send calls to the registered Contact (the account in the Request-URI)
// with the dialled number in To or P-Called-Party-ID: --sip-inbound-number-from picks which.
// The other header names a number that is no hotline, so reading the wrong one fails (404).
class InboundNumberTelephonyTest : public TelephonyTest,
                                   public ::testing::WithParamInterface<std::string> {
 protected:
  std::vector<std::string> EngineArgs() override {
    return {"--sip-inbound-number-from", GetParam()};
  }
};

TEST_P(InboundNumberTelephonyTest, TheHotlineNumberIsReadWhereTheCarrierPutsIt) {
  const std::int64_t hotline = CreateHotline({{"ttsInbound", ""}});
  const json phone = {{"isActive", false}, {"name", "Handy"}, {"phone", kAgentPhone}, {"userID", ann_}};
  ASSERT_EQ(Send("PUT", "/v1/agent-phones/" + Str(agent_phone_), phone).status, 200);
  const bool in_to = GetParam() == "to";
  RtpProbe caller_audio;
  SippProcess caller(Scenario("caller_account_in_ruri.xml"),
                     CallerArgs("hotline-7", caller_audio,
                                {"-key", "to_user", in_to ? "+4924155660000" : "+4924155669999",
                                 "-key", "called", in_to ? "+4924155669999" : "+4924155660000"}));
  EXPECT_EQ(caller.Wait(), 0) << caller.Logs();
  const json log = WaitForEndedCall(hotline);
  EXPECT_TRUE(Has(Types(log), "call_received")) << log;
  EXPECT_EQ(log["outcome"], "missed") << log;
}

INSTANTIATE_TEST_SUITE_P(ToAndPCalledPartyId, InboundNumberTelephonyTest,
                         ::testing::Values("to", "p-called-party-id"),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           return param.param == "to" ? std::string("To")
                                                      : std::string("PCalledPartyId");
                         });

// The API refuses a hotline number as an agent phone; a number that joins the inventory after
// the phone was registered must not make the service call itself either.
TEST_F(TelephonyTest, TheEngineNeverCallsANumberOfItsOwnInventory) {
  const std::int64_t hotline = CreateHotline({{"ttsInbound", ""}});
  server_.Admin({"numbers", "add", "--country", "DE", "--city", "Aachen", "--from",
                 "004915112340001", "--to", "004915112340001"});
  RtpProbe caller_audio;
  SippProcess caller(Scenario("caller_wait_bye.xml"), CallerArgs("+4924155660000", caller_audio));
  EXPECT_EQ(caller.Wait(), 0) << caller.Logs();
  const json log = WaitForEndedCall(hotline);
  EXPECT_EQ(log["outcome"], "missed");
  const auto types = Types(log);
  EXPECT_FALSE(Has(types, "agent_dialed")) << log;
  json failed;
  for (const auto& entry : log["entries"]) {
    if (entry["type"] == "agent_failed") failed = entry;
  }
  ASSERT_TRUE(failed.is_object()) << log;
  EXPECT_EQ(failed["agentPhoneID"], agent_phone_);
  EXPECT_NE(failed["detail"].get<std::string>().find("own numbers"), std::string::npos) << failed;
  EXPECT_EQ(Records(hotline).size(), 1u) << "no leg to the agent: nothing was dialled";
  EXPECT_NE(server_.Stderr().find("is not called"), std::string::npos) << "and a log line says why";
}

TEST_F(TelephonyTest, ACallInterruptedByACrashIsClosedAtTheNextStart) {
  const std::int64_t hotline = CreateHotline({{"ttsInbound", ""}, {"ttsOutbound", ""}});
  RtpProbe caller_audio, agent_audio;
  auto trunk = std::make_unique<SippProcess>(Scenario("trunk_answer.xml"), TrunkArgs(agent_audio), trunk_port_);
  auto caller = std::make_unique<SippProcess>(
      Scenario("caller_talk.xml"), CallerArgs("+4924155660000", caller_audio, {"-d", "60000"}));
  // Wait until the bridge is on disk: the sink has committed it, the API reads it.
  json open_call;
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (std::chrono::steady_clock::now() < deadline) {
    const json page = client_->Get("/v1/hotlines/" + Str(hotline) + "/call-logs", {Pat(ann_token_)}).Json();
    if (page["totalCallLogs"] == 1) {
      open_call = client_->Get("/v1/hotlines/" + Str(hotline) + "/call-logs/" + Str(page["callLogs"][0]["id"]),
                               {Pat(ann_token_)}).Json();
      if (Has(Types(open_call), "bridged")) break;
    }
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_TRUE(Has(Types(open_call), "bridged")) << open_call;
  ASSERT_TRUE(open_call["outcome"].is_null());
  server_.Kill();
  caller.reset();
  trunk.reset();

  server_.Start(ExtraServerArgs());
  client_ = std::make_unique<HttpClient>(server_.base_url());
  const json closed = client_->Get("/v1/hotlines/" + Str(hotline) + "/call-logs/" + Str(open_call["id"]),
                                   {Pat(ann_token_)}).Json();
  EXPECT_EQ(closed["outcome"], "failed") << closed;
  EXPECT_FALSE(closed["endTime"].is_null());
  EXPECT_NE(closed["entries"].back()["detail"].get<std::string>().find("service stopped"), std::string::npos);
  const json records = Records(hotline);
  ASSERT_EQ(records.size(), 2u) << "the caller's leg and the agent's: " << records;
  for (const auto& record : records) {
    EXPECT_EQ(record["disposition"], "answered") << "both legs were up: " << record;
    EXPECT_FALSE(record["endTime"].is_null());
  }
}

// SIGTERM and the drain of calls in progress: drain_test.cpp.

TEST_F(TelephonyTest, ChannelsOutboundCapsThePhonesRingingAtOnce) {
  const json max_phone = {{"isActive", true}, {"name", "Max mobile"}, {"phone", "+49 151 12340002"},
                          {"userID", max_}};
  const auto created = client_->SendJson("POST", "/v1/agent-phones", {Pat(max_token_)}, max_phone.dump());
  ASSERT_EQ(created.status, 201) << created.body;
  const std::int64_t hotline =
      CreateHotline({{"agents", {ann_, max_}}, {"ttsInbound", ""}, {"channelsOutbound", 1}});
  RtpProbe caller_audio, agent_audio;
  SippProcess trunk(Scenario("trunk_answer.xml"), TrunkArgs(agent_audio), trunk_port_);
  SippProcess caller(Scenario("caller_talk.xml"),
                     CallerArgs("+4924155660000", caller_audio, {"-d", "2000"}));
  EXPECT_EQ(caller.Wait(), 0) << caller.Logs();
  EXPECT_EQ(trunk.Wait(), 0) << trunk.Logs();
  EXPECT_EQ(trunk.ReceivedInviteFroms().size(), 1u) << "one phone rang, not two";
  const json log = WaitForEndedCall(hotline);
  EXPECT_EQ(log["outcome"], "answered");
  const auto types = Types(log);
  EXPECT_EQ(std::count(types.begin(), types.end(), "agent_dialed"), 1) << log;
  json refused;
  for (const auto& entry : log["entries"]) {
    if (entry["type"] == "agent_failed") refused = entry;
  }
  ASSERT_TRUE(refused.is_object()) << log;
  EXPECT_EQ(refused["userID"], max_);
  EXPECT_NE(refused["detail"].get<std::string>().find("outbound channels"), std::string::npos);
  EXPECT_EQ(Records(hotline).size(), 2u) << "the caller's leg and one agent leg";
}

TEST_F(TelephonyTest, APhoneSharedByTwoAgentsRingsOnce) {
  const json same_phone = {{"isActive", true}, {"name", "Shared desk"}, {"phone", kAgentPhone},
                           {"userID", max_}};
  ASSERT_EQ(client_->SendJson("POST", "/v1/agent-phones", {Pat(max_token_)}, same_phone.dump()).status,
            201);
  const std::int64_t hotline = CreateHotline({{"agents", {ann_, max_}}, {"ttsInbound", ""}});
  RtpProbe caller_audio, agent_audio;
  SippProcess trunk(Scenario("trunk_answer.xml"), TrunkArgs(agent_audio), trunk_port_);
  SippProcess caller(Scenario("caller_talk.xml"),
                     CallerArgs("+4924155660000", caller_audio, {"-d", "2000"}));
  EXPECT_EQ(caller.Wait(), 0) << caller.Logs();
  EXPECT_EQ(trunk.Wait(), 0) << trunk.Logs();
  EXPECT_EQ(trunk.ReceivedInviteFroms().size(), 1u);
  const json log = WaitForEndedCall(hotline);
  const auto types = Types(log);
  EXPECT_EQ(std::count(types.begin(), types.end(), "agent_dialed"), 1) << log;
  EXPECT_EQ(log["answeredBy"]["userID"], ann_) << "the first agent in the hotline's order";
}

// A number that the numbering plan now calls premium-rate (it was stored before, or the plan
// changed) is never dialled, whatever the agent phone table says.
TEST_F(TelephonyTest, PremiumRateAndSharedCostNumbersAreNeverDialled) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(server_.database_url().substr(7).c_str(), &db), SQLITE_OK);
  sqlite3_busy_timeout(db, 10000);  // the server may be writing (its lease, the outbox)
  const std::string sql = "UPDATE agent_phones SET phone = '0019005551234' WHERE id = " +
                          Str(agent_phone_) + "; INSERT INTO agent_phones (user_id, name, phone, "
                          "is_active) VALUES (" + Str(ann_) + ", 'Hotline', '00491801234567', 1);";
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  sqlite3_close(db);
  const std::int64_t hotline = CreateHotline({{"ttsInbound", ""}});
  RtpProbe caller_audio;
  SippProcess caller(Scenario("caller_wait_bye.xml"), CallerArgs("+4924155660000", caller_audio));
  EXPECT_EQ(caller.Wait(), 0) << caller.Logs();
  const json log = WaitForEndedCall(hotline);
  EXPECT_EQ(log["outcome"], "missed");
  EXPECT_TRUE(Has(Types(log), "no_agent_available")) << log;
  EXPECT_FALSE(Has(Types(log), "agent_dialed")) << log;
  EXPECT_EQ(Records(hotline).size(), 1u) << "no leg to a paid number";
}

TEST_F(TelephonyTest, ACallWithoutG711Gets488AndACallLog) {
  const std::int64_t hotline = CreateHotline();
  RtpProbe caller_audio;
  SippProcess caller(Scenario("caller_expect_488.xml"), CallerArgs("+4924155660000", caller_audio));
  EXPECT_EQ(caller.Wait(), 0) << caller.Logs();
  const json log = WaitForEndedCall(hotline);
  EXPECT_EQ(log["outcome"], "failed");
  EXPECT_NE(log.dump().find("G.711"), std::string::npos) << log;
  const json inbound = RecordOf(Records(hotline), "inbound");
  EXPECT_EQ(inbound["sipStatus"], 488);
  EXPECT_EQ(inbound["disposition"], "failed");
}

// A trunk that wants credentials the service does not have: that agent's call ends at once
// (no retry loop), whether it asks as a registrar (401) or as a proxy (407).
TEST_F(TelephonyTest, ATrunkChallengeEndsThatAgentsLeg) {
  const std::int64_t hotline = CreateHotline({{"ttsInbound", ""}});
  int calls = 0;
  for (const std::string status : {"401", "407"}) {
    RtpProbe caller_audio, agent_audio;
    SippProcess trunk(Scenario("trunk_challenge_" + status + ".xml"), TrunkArgs(agent_audio),
                      trunk_port_);
    SippProcess caller(Scenario("caller_wait_bye.xml"), CallerArgs("+4924155660000", caller_audio));
    EXPECT_EQ(trunk.Wait(), 0) << trunk.Logs();
    EXPECT_EQ(caller.Wait(), 0) << caller.Logs();
    const json log = WaitForEndedCall(hotline, ++calls);
    EXPECT_EQ(log["outcome"], "missed") << status;
    EXPECT_TRUE(Has(Types(log), "agent_failed")) << log;
    const json records = Records(hotline);
    const json outbound = RecordOf(records, "outbound");  // newest first: this call's
    EXPECT_EQ(outbound["sipStatus"], std::stoi(status)) << records;
    EXPECT_EQ(outbound["disposition"], "failed");
  }
}

// RFC 3264: a video phone's offer (video, then audio sendonly) gets an answer with both m-lines
// in order, video rejected with port 0 and audio recvonly; sipp checks the 200's SDP.
TEST_F(TelephonyTest, TheAnswerKeepsEveryOfferedStreamAndMirrorsTheDirection) {
  const std::int64_t hotline = CreateHotline({{"ttsInbound", ""}});
  const json phone = {{"isActive", false}, {"name", "Handy"}, {"phone", kAgentPhone}, {"userID", ann_}};
  ASSERT_EQ(Send("PUT", "/v1/agent-phones/" + Str(agent_phone_), phone).status, 200);
  RtpProbe caller_audio;
  SippProcess caller(Scenario("caller_video_first.xml"), CallerArgs("+4924155660000", caller_audio));
  EXPECT_EQ(caller.Wait(), 0) << caller.Logs();
  EXPECT_EQ(WaitForEndedCall(hotline)["outcome"], "missed");
}

class MediaTimeoutTelephonyTest : public TelephonyTest {
 protected:
  std::vector<std::string> EngineArgs() override { return {"--media-timeout", "2s"}; }
};

// A caller whose phone vanished without a BYE sends no audio: the call is ended after
// --media-timeout, long before the 20 s ring timeout would end it as missed.
TEST_F(MediaTimeoutTelephonyTest, ASilentCallerIsHungUp) {
  const std::int64_t hotline = CreateHotline({{"ttsInbound", ""}});
  RtpProbe caller_audio, agent_audio;
  SippProcess trunk(Scenario("trunk_ring.xml"), TrunkArgs(agent_audio), trunk_port_);
  SippProcess caller(Scenario("caller_wait_bye.xml"), CallerArgs("+4924155660000", caller_audio));
  EXPECT_EQ(caller.Wait(), 0) << "the service hung up: " << caller.Logs();
  EXPECT_EQ(trunk.Wait(), 0) << "the ringing phone was cancelled: " << trunk.Logs();
  const json log = WaitForEndedCall(hotline);
  EXPECT_EQ(log["outcome"], "failed") << log;
  EXPECT_NE(log["entries"].back()["detail"].get<std::string>().find("No audio"), std::string::npos)
      << log;
}

class ShortRingTelephonyTest : public TelephonyTest {
 protected:
  std::string RingTimeout() override { return "2s"; }
};

TEST_F(ShortRingTelephonyTest, NobodyAnswersWithinTheRingTimeout) {
  const std::int64_t hotline = CreateHotline({{"ttsInbound", ""}});
  RtpProbe caller_audio, agent_audio;
  SippProcess trunk(Scenario("trunk_ring.xml"), TrunkArgs(agent_audio), trunk_port_);
  SippProcess caller(Scenario("caller_wait_bye.xml"), CallerArgs("+4924155660000", caller_audio));
  EXPECT_EQ(trunk.Wait(), 0) << trunk.Logs();
  EXPECT_EQ(caller.Wait(), 0) << caller.Logs();
  const json log = WaitForEndedCall(hotline);
  EXPECT_EQ(log["outcome"], "missed");
  EXPECT_TRUE(Has(Types(log), "agent_no_answer")) << log;
  const json outbound = RecordOf(Records(hotline), "outbound");
  EXPECT_EQ(outbound["disposition"], "no_answer");
}

TEST_F(TelephonyTest, InboundChannelLimitRejectsWith486) {
  const std::int64_t hotline = CreateHotline({{"ttsInbound", ""}, {"channelsInbound", 1}});
  RtpProbe first_audio, second_audio, agent_audio;
  SippProcess trunk(Scenario("trunk_ring.xml"), TrunkArgs(agent_audio), trunk_port_);
  SippProcess first(Scenario("caller_talk.xml"), CallerArgs("+4924155660000", first_audio, {"-d", "4000"}));
  ASSERT_TRUE(first_audio.WaitUntil([](const auto& packets) { return !packets.empty(); }, 10s))
      << "the first call is up: " << first.Logs();
  SippProcess second(Scenario("caller_expect_486.xml"), CallerArgs("+4924155660000", second_audio));
  EXPECT_EQ(second.Wait(), 0) << second.Logs();
  EXPECT_EQ(first.Wait(), 0) << first.Logs();
  EXPECT_EQ(trunk.Wait(), 0) << trunk.Logs();
  WaitForEndedCall(hotline, 2);
  const json logs = client_->Get("/v1/hotlines/" + Str(hotline) + "/call-logs", {Pat(ann_token_)}).Json()["callLogs"];
  std::vector<std::string> outcomes;
  for (const auto& log : logs) outcomes.push_back(log["outcome"].is_null() ? "" : log["outcome"].get<std::string>());
  EXPECT_TRUE(std::find(outcomes.begin(), outcomes.end(), "rejected_busy") != outcomes.end()) << logs;
}

TEST_F(TelephonyTest, UnknownNumbersPausedHotlinesAndEveryNumberForm) {
  const std::int64_t hotline = CreateHotline({{"ttsInbound", ""}});
  RtpProbe audio;
  {
    SippProcess caller(Scenario("caller_expect_404.xml"), CallerArgs("+4924155669999", audio));
    EXPECT_EQ(caller.Wait(), 0) << caller.Logs();
  }
  // The national form reaches the hotline too; no phone is active, so it is a missed call.
  const json phone = {{"isActive", false}, {"name", "Handy"}, {"phone", kAgentPhone}, {"userID", ann_}};
  ASSERT_EQ(Send("PUT", "/v1/agent-phones/" + Str(agent_phone_), phone).status, 200);
  for (const std::string dialed : {"024155660000", "004924155660000", "+4924155660000;npdi"}) {
    SippProcess caller(Scenario("caller_wait_bye.xml"), CallerArgs(dialed, audio));
    EXPECT_EQ(caller.Wait(), 0) << dialed << ": " << caller.Logs();
  }
  json paused = client_->Get("/v1/hotlines/" + Str(hotline), {Pat(ann_token_)}).Json();
  paused["isActive"] = false;
  ASSERT_EQ(Send("PUT", "/v1/hotlines/" + Str(hotline), paused).status, 200);
  {
    SippProcess caller(Scenario("caller_expect_480.xml"), CallerArgs("+4924155660000", audio));
    EXPECT_EQ(caller.Wait(), 0) << caller.Logs();
  }
  EXPECT_EQ(client_->Get("/v1/hotlines/" + Str(hotline) + "/call-logs", {Pat(ann_token_)}).Json()["totalCallLogs"], 3)
      << "refused numbers leave no call log";
  const std::string metrics = client_->Get("/metrics").body;
  EXPECT_NE(metrics.find("fr_sip_invites_refused_total{status=\"404\"} 1\n"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("fr_sip_invites_refused_total{status=\"480\"} 1\n"), std::string::npos);
  EXPECT_NE(metrics.find("fr_calls_total{outcome=\"missed\"} 3\n"), std::string::npos);
}

class LimitedDurationTelephonyTest : public TelephonyTest {
 protected:
  std::vector<std::string> EngineArgs() override { return {"--max-call-duration", "2s"}; }
};

TEST_F(LimitedDurationTelephonyTest, ACallIsEndedAtTheMaximumDuration) {
  const std::int64_t hotline = CreateHotline({{"ttsInbound", ""}, {"ttsOutbound", ""}});
  RtpProbe caller_audio, agent_audio;
  SippProcess trunk(Scenario("trunk_answer.xml"), TrunkArgs(agent_audio), trunk_port_);
  SippProcess caller(Scenario("caller_wait_bye.xml"), CallerArgs("+4924155660000", caller_audio));
  EXPECT_EQ(caller.Wait(), 0) << "the service hung up the caller: " << caller.Logs();
  EXPECT_EQ(trunk.Wait(), 0) << "and the agent: " << trunk.Logs();
  const json log = WaitForEndedCall(hotline);
  EXPECT_EQ(log["outcome"], "answered");
  EXPECT_NE(log["entries"].back()["detail"].get<std::string>().find("maximum call duration"),
            std::string::npos)
      << log;
}

class RestrictedTrunkTelephonyTest : public TelephonyTest {
 protected:
  std::vector<std::string> EngineArgs() override { return {"--sip-trunk-allow", "192.0.2.0/24"}; }
};

TEST_F(RestrictedTrunkTelephonyTest, AnInviteFromOutsideTheTrunkIsRefused) {
  const std::int64_t hotline = CreateHotline();
  RtpProbe audio;
  SippProcess caller(Scenario("caller_expect_403.xml"), CallerArgs("+4924155660000", audio));
  EXPECT_EQ(caller.Wait(), 0) << caller.Logs();
  EXPECT_EQ(client_->Get("/v1/hotlines/" + Str(hotline) + "/call-logs", {Pat(ann_token_)}).Json()["totalCallLogs"], 0);
}

// OPTIONS say what we really do (no MESSAGE, SUBSCRIBE, REFER or 100rel of sofia's defaults),
// and only to sources that may call in.
TEST_F(TelephonyTest, OptionsListWhatTheServiceSupports) {
  const std::string response = AskOptions(sip_port_);
  ASSERT_EQ(response.rfind("SIP/2.0 200 ", 0), 0u) << response;
  EXPECT_EQ(SipHeader(response, "Allow"), "INVITE, ACK, BYE, CANCEL, OPTIONS, UPDATE, INFO")
      << response;
  EXPECT_EQ(SipHeader(response, "Supported"), "timer") << response;
  EXPECT_EQ(SipHeader(response, "Accept"), "application/sdp") << response;
}

TEST_F(RestrictedTrunkTelephonyTest, OptionsFromOutsideTheTrunkAre403) {
  const std::string response = AskOptions(sip_port_);
  EXPECT_EQ(response.rfind("SIP/2.0 403 ", 0), 0u) << response;
}

TEST_F(TelephonyTest, MalformedSipNeverStopsTheEngine) {
  const std::int64_t hotline = CreateHotline({{"ttsInbound", ""}});
  const std::uint16_t port = static_cast<std::uint16_t>(sip_port_);
  SendUdp(port, std::string(1200, '\xff'));
  SendUdp(port, "INVITE sip:+4924155660000@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:1;branch=z9hG4bK1\r\n");
  SendUdp(port,
          "INVITE sip:+4924155660000@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKx\r\n"
          "From: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:+4924155660000@127.0.0.1>\r\nCall-ID: bad-sdp\r\n"
          "CSeq: 1 INVITE\r\nContact: <sip:a@127.0.0.1:9>\r\nContent-Type: application/sdp\r\n"
          "Content-Length: 20\r\n\r\nv=0\r\nm=audio x RTP\r\n");
  SendUdp(port, "\r\n\r\n");
  SendUdp(port, std::string("\x00\x01\x00\x00garbagegarbagegarbage", 25));  // STUN-like
  const json phone = {{"isActive", false}, {"name", "Handy"}, {"phone", kAgentPhone}, {"userID", ann_}};
  ASSERT_EQ(Send("PUT", "/v1/agent-phones/" + Str(agent_phone_), phone).status, 200);
  RtpProbe audio;
  SippProcess caller(Scenario("caller_wait_bye.xml"), CallerArgs("+4924155660000", audio));
  EXPECT_EQ(caller.Wait(), 0) << "a good call still works: " << caller.Logs();
  EXPECT_EQ(WaitForEndedCall(hotline, 2)["outcome"], "missed");
  EXPECT_EQ(client_->Get("/healthz").status, 200);
  // Whatever sofia has to say about the garbage goes through our log, in our format.
  std::istringstream log(server_.Stderr());
  std::string line;
  while (std::getline(log, line)) {
    EXPECT_TRUE(std::regex_search(line, std::regex(R"(^\d{4}-\d\d-\d\dT)"))) << line;
  }
}

// Hotlines with confirmAnswer (the default): only an agent who presses 1 takes the call.
class ConfirmAnswerTest : public TelephonyTest {
 protected:
  std::vector<std::string> EngineArgs() override { return {"--confirm-timeout", "1s"}; }
};

TEST_F(ConfirmAnswerTest, TheAgentWhoPressesOneTakesTheCall) {
  const std::int64_t hotline = CreateHotline({{"confirmAnswer", true}, {"ttsInbound", ""}});
  EXPECT_EQ(client_->Get("/v1/hotlines/" + Str(hotline), {Pat(ann_token_)}).Json()["confirmAnswer"],
            true);
  RtpProbe caller_audio;
  SippProcess trunk(Scenario("trunk_confirm.xml"), {"-m", "1", "-d", "300"}, trunk_port_);
  SippProcess caller(Scenario("caller_talk.xml"),
                     CallerArgs("+4924155660000", caller_audio, {"-d", "5000"}));
  EXPECT_EQ(caller.Wait(), 0) << caller.Logs();
  EXPECT_EQ(trunk.Wait(), 0) << trunk.Logs();
  const json log = WaitForEndedCall(hotline);
  EXPECT_EQ(log["outcome"], "answered") << log;
  EXPECT_EQ(log["answeredBy"]["userID"], ann_);
  const auto types = Types(log);
  const auto at = [&types](const char* type) {
    return std::find(types.begin(), types.end(), type) - types.begin();
  };
  ASSERT_TRUE(Has(types, "agent_confirmed")) << log;
  EXPECT_LT(at("agent_answered"), at("agent_confirmed"));
  EXPECT_LT(at("agent_confirmed"), at("bridged"));
  EXPECT_EQ(RecordOf(Records(hotline), "outbound")["disposition"], "answered");
}

TEST_F(ConfirmAnswerTest, AVoicemailThatNeverPressesOneIsReleasedAndAnotherAgentTakesTheCall) {
  // Max's phone is a voicemail: it answers at once and waits. Ann answers after Max's time ran
  // out and presses 1.
  const json max_phone = {
      {"isActive", true}, {"name", "Mailbox"}, {"phone", "+49 151 12340002"}, {"userID", max_}};
  ASSERT_EQ(
      client_->SendJson("POST", "/v1/agent-phones", {Pat(max_token_)}, max_phone.dump()).status,
      201);
  const std::int64_t hotline = CreateHotline(
      {{"agents", {max_, ann_}}, {"confirmAnswer", true}, {"ttsInbound", ""}, {"ttsOutbound", ""}});
  RtpProbe caller_audio;
  SippProcess trunk(Scenario("trunk_confirm.xml"), {"-m", "2", "-d", "6000"}, trunk_port_);
  SippProcess caller(Scenario("caller_talk.xml"),
                     CallerArgs("+4924155660000", caller_audio, {"-d", "9000"}));
  EXPECT_EQ(caller.Wait(), 0) << caller.Logs();
  EXPECT_EQ(trunk.Wait(), 0) << trunk.Logs();
  const json log = WaitForEndedCall(hotline);
  EXPECT_EQ(log["outcome"], "answered") << log;
  EXPECT_EQ(log["answeredBy"]["userID"], ann_) << log;
  json not_confirmed;
  for (const auto& entry : log["entries"]) {
    if (entry["type"] == "agent_not_confirmed") not_confirmed = entry;
  }
  ASSERT_FALSE(not_confirmed.is_null()) << log;
  EXPECT_EQ(not_confirmed["userID"], max_);
  EXPECT_EQ(not_confirmed["detail"], "No key was pressed within 1 s.");
  std::map<std::int64_t, std::string> disposition_by_user;
  for (const auto& record : Records(hotline)) {
    if (record["direction"] == "outbound")
      disposition_by_user[record["userID"]] = record["disposition"];
  }
  EXPECT_EQ(disposition_by_user[max_], "not_confirmed");
  EXPECT_EQ(disposition_by_user[ann_], "answered");
}

// --- The trunk as carriers need it: digest authentication, account in From, transports. ---

constexpr const char* kTrunkUser = "hotline-7";
constexpr const char* kTrunkPassword = "s3cret pass";

// The value of `name` in a whole SIP message; empty when absent.
std::string HeaderOf(const std::string& message, const std::string& name) {
  return SipHeader("\r\n" + message + "\r\n", name);
}

// True when python3's hashlib (not the service's code) agrees that `credentials` answer for
// the trunk account's password.
bool DigestIsRight(const std::string& credentials) {
  std::string output;
  const int code = RunProcess({FR_PYTHON, std::string(FR_SOURCE_DIR) + "/tests/integration/digest_check.py",
                               "INVITE", kTrunkUser, kTrunkPassword, credentials},
                              output);
  EXPECT_EQ(code, 0) << output;
  return code == 0;
}

// The service answers challenges with this account; it puts the account in From.
class TrunkAccountTelephonyTest : public TelephonyTest {
 protected:
  std::vector<std::string> EngineArgs() override {
    const auto file = server_.dir() / "trunk-password";
    std::ofstream(file) << kTrunkPassword << "\n";
    return {"--sip-trunk-username", kTrunkUser, "--sip-trunk-password-file", file.string(),
            "--sip-trunk-from-user", kTrunkUser};
  }

  // The first INVITE carried no credentials; the second answered the challenge correctly, as
  // the same request sent again (Call-ID and From tag kept, CSeq one higher).
  static void ExpectAnsweredChallenge(const SippProcess& trunk, const std::string& header,
                                      const std::string& algorithm) {
    const auto invites = trunk.ReceivedInvites();
    ASSERT_EQ(invites.size(), 2u) << trunk.Logs();
    EXPECT_EQ(HeaderOf(invites[0], "Authorization"), "");
    EXPECT_EQ(HeaderOf(invites[0], "Proxy-Authorization"), "");
    const std::string credentials = HeaderOf(invites[1], header);
    ASSERT_FALSE(credentials.empty()) << invites[1];
    EXPECT_TRUE(DigestIsRight(credentials)) << credentials;
    const std::string ruri = invites[1].substr(7, invites[1].find(' ', 7) - 7);
    EXPECT_NE(credentials.find("uri=\"" + ruri + "\""), std::string::npos) << credentials;
    if (algorithm.empty()) {
      EXPECT_EQ(credentials.find("algorithm="), std::string::npos) << credentials;
    } else {
      EXPECT_NE(credentials.find("algorithm=" + algorithm + ","), std::string::npos) << credentials;
    }
    EXPECT_EQ(HeaderOf(invites[0], "Call-ID"), HeaderOf(invites[1], "Call-ID"));
    EXPECT_EQ(HeaderOf(invites[0], "From"), HeaderOf(invites[1], "From")) << "same tag";
    const int first_cseq = std::stoi(HeaderOf(invites[0], "CSeq"));
    EXPECT_EQ(HeaderOf(invites[1], "CSeq"), std::to_string(first_cseq + 1) + " INVITE");
  }

  // The hotline's newest call was answered by the agent through the trunk.
  void ExpectAnsweredCall(std::int64_t hotline, int calls, const std::string& what) {
    const json log = WaitForEndedCall(hotline, calls);
    EXPECT_EQ(log["outcome"], "answered") << what << ": " << log;
    EXPECT_TRUE(Has(Types(log), "bridged")) << what << ": " << log;
    EXPECT_FALSE(Has(Types(log), "agent_failed")) << what << ": " << log;
    const json outbound = RecordOf(Records(hotline), "outbound");  // newest first: this call's
    EXPECT_EQ(outbound["disposition"], "answered") << what;
    EXPECT_EQ(outbound["sipStatus"], 200) << what;
  }
};

// 401 and 407, MD5 and SHA-256 (RFC 8760): each answered once, checked by python3's hashlib;
// and once more against a trunk that checks the MD5 password itself (sipp's verifyauth).
TEST_F(TrunkAccountTelephonyTest, TheTrunksChallengesAreAnsweredAndTheCallGoesThrough) {
  const std::int64_t hotline = CreateHotline({{"ttsInbound", ""}, {"ttsOutbound", ""}});
  struct Case {
    std::string status, header, challenge, algorithm;
  };
  const std::vector<Case> cases = {
      {"401", "Authorization",
       R"(WWW-Authenticate: Digest realm="carrier.example", nonce="5a1b2c", algorithm=MD5, qop="auth")",
       "MD5"},
      {"401", "Authorization",
       // Several challenges: SHA-256 is preferred over MD5.
       R"(WWW-Authenticate: Digest realm="carrier.example", nonce="6d7e8f", algorithm=MD5, qop="auth")"
       "\r\n"
       R"(WWW-Authenticate: Digest realm="carrier.example", nonce="9a8b7c", algorithm=SHA-256, qop="auth", opaque="x,y")",
       "SHA-256"},
      {"407", "Proxy-Authorization",
       R"(Proxy-Authenticate: Digest realm="carrier.example", nonce="1f2e3d")", ""},
      {"407", "Proxy-Authorization",
       R"(Proxy-Authenticate: Digest realm="carrier.example", nonce="4c5b6a", algorithm=SHA-256-sess, qop="auth-int,auth")",
       "SHA-256-sess"},
  };
  int calls = 0;
  for (const Case& c : cases) {
    RtpProbe caller_audio, agent_audio;
    SippProcess trunk(Scenario("trunk_challenge_then_answer.xml"),
                      TrunkArgs(agent_audio, {"-key", "challenge_status", c.status, "-key",
                                              "challenge", c.challenge}),
                      trunk_port_);
    SippProcess caller(Scenario("caller_talk.xml"),
                       CallerArgs("+4924155660000", caller_audio, {"-d", "2000"}));
    EXPECT_EQ(caller.Wait(), 0) << c.challenge << caller.Logs();
    EXPECT_EQ(trunk.Wait(), 0) << c.challenge << trunk.Logs();
    ExpectAnsweredChallenge(trunk, c.header, c.algorithm);
    ExpectAnsweredCall(hotline, ++calls, c.challenge);
  }
  RtpProbe caller_audio, agent_audio;
  SippProcess trunk(Scenario("trunk_challenge_verify.xml"),
                    TrunkArgs(agent_audio, {"-key", "user", kTrunkUser, "-key", "password",
                                            kTrunkPassword}),
                    trunk_port_);
  SippProcess caller(Scenario("caller_talk.xml"),
                     CallerArgs("+4924155660000", caller_audio, {"-d", "2000"}));
  EXPECT_EQ(caller.Wait(), 0) << caller.Logs();
  EXPECT_EQ(trunk.Wait(), 0) << trunk.Logs();
  ExpectAnsweredChallenge(trunk, "Authorization", "MD5");
  ExpectAnsweredCall(hotline, ++calls, "sipp's verifyauth");
  EXPECT_EQ(server_.Stderr().find(kTrunkPassword), std::string::npos) << "never in the log";
}

// The trunk refuses the password: exactly one answered INVITE (the scenario fails on a third),
// the leg failed with the reason in the call log and the service's log.
TEST_F(TrunkAccountTelephonyTest, WrongCredentialsEndTheLegOnce) {
  const std::int64_t hotline = CreateHotline({{"ttsInbound", ""}});
  RtpProbe caller_audio, agent_audio;
  SippProcess trunk(Scenario("trunk_challenge_verify.xml"),
                    TrunkArgs(agent_audio, {"-key", "user", kTrunkUser, "-key", "password",
                                            "the trunk's other password"}),
                    trunk_port_);
  SippProcess caller(Scenario("caller_wait_bye.xml"), CallerArgs("+4924155660000", caller_audio));
  EXPECT_EQ(trunk.Wait(), 0) << "no retry loop: " << trunk.Logs();
  EXPECT_EQ(caller.Wait(), 0) << caller.Logs();
  EXPECT_EQ(trunk.ReceivedInvites().size(), 2u) << trunk.Logs();
  const json log = WaitForEndedCall(hotline);
  EXPECT_EQ(log["outcome"], "missed");
  const std::string reason = R"(the trunk refused our credentials (realm "carrier.example"))";
  bool recorded = false;
  for (const auto& entry : log["entries"]) {
    recorded |= entry["type"] == "agent_failed" &&
                entry["detail"] == std::string("SIP 401 ") + reason;
  }
  EXPECT_TRUE(recorded) << log;
  const json outbound = RecordOf(Records(hotline), "outbound");
  EXPECT_EQ(outbound["disposition"], "failed");
  EXPECT_EQ(outbound["sipStatus"], 401);
  EXPECT_NE(server_.Stderr().find(reason), std::string::npos) << server_.Stderr();
}

// --sip-trunk-from-user: the account in From, the hotline's name and number in
// P-Asserted-Identity (the scenario fails without them).
TEST_F(TrunkAccountTelephonyTest, TheAccountGoesInFromAndTheHotlineInPAssertedIdentity) {
  const std::int64_t hotline = CreateHotline({{"ttsInbound", ""}});
  RtpProbe caller_audio, agent_audio;
  SippProcess trunk(Scenario("trunk_expect_account_in_from.xml"), TrunkArgs(agent_audio),
                    trunk_port_);
  SippProcess caller(Scenario("caller_wait_bye.xml"), CallerArgs("+4924155660000", caller_audio));
  EXPECT_EQ(trunk.Wait(), 0) << trunk.Logs();
  EXPECT_EQ(caller.Wait(), 0) << caller.Logs();
  const auto invites = trunk.ReceivedInvites();
  ASSERT_EQ(invites.size(), 1u);
  EXPECT_EQ(HeaderOf(invites[0], "From").rfind(R"("Krisentelefon" <sip:hotline-7@127.0.0.1>;tag=)", 0), 0u)
      << invites[0];
  EXPECT_EQ(HeaderOf(invites[0], "P-Asserted-Identity"),
            R"("Krisentelefon" <sip:+4924155660000@127.0.0.1>)");
  EXPECT_TRUE(Has(Types(WaitForEndedCall(hotline)), "agent_declined"));
}

// Stands where the trunk is (127.0.0.1:trunk_port) and passes datagrams between the service and
// sipp, but sends sipp's answers to the service from 127.0.0.2: a stranger answering in the
// trunk's place.
class StrangerRelay {
 public:
  StrangerRelay(std::uint16_t trunk_port, std::uint16_t sipp_port)
      : trunk_(Bind(INADDR_LOOPBACK, trunk_port)), stranger_(Bind(INADDR_LOOPBACK + 1, 0)) {
    thread_ = std::thread([this, sipp_port] { Run(sipp_port); });
  }
  ~StrangerRelay() {
    stop_ = true;
    thread_.join();
    ::close(trunk_);
    ::close(stranger_);
  }

 private:
  static int Bind(std::uint32_t address, std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in local{};
    local.sin_family = AF_INET;
    local.sin_port = htons(port);
    local.sin_addr.s_addr = htonl(address);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
      ADD_FAILURE() << "cannot bind the relay";
    }
    return fd;
  }

  void Run(std::uint16_t sipp_port) {
    sockaddr_in sipp{};
    sipp.sin_family = AF_INET;
    sipp.sin_port = htons(sipp_port);
    sipp.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sockaddr_in service{};
    bool service_known = false;
    std::vector<char> buffer(65536);
    while (!stop_) {
      pollfd fds[2] = {{trunk_, POLLIN, 0}, {stranger_, POLLIN, 0}};
      if (::poll(fds, 2, 50) <= 0) continue;
      if (fds[0].revents & POLLIN) {
        socklen_t length = sizeof service;
        const ssize_t n = ::recvfrom(trunk_, buffer.data(), buffer.size(), 0,
                                     reinterpret_cast<sockaddr*>(&service), &length);
        service_known = n > 0;
        if (n > 0) {
          ::sendto(stranger_, buffer.data(), static_cast<std::size_t>(n), 0,
                   reinterpret_cast<sockaddr*>(&sipp), sizeof sipp);
        }
      }
      if (fds[1].revents & POLLIN) {
        const ssize_t n = ::recv(stranger_, buffer.data(), buffer.size(), 0);
        if (n > 0 && service_known) {
          ::sendto(stranger_, buffer.data(), static_cast<std::size_t>(n), 0,
                   reinterpret_cast<sockaddr*>(&service), sizeof service);
        }
      }
    }
  }

  int trunk_, stranger_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// Credentials for one realm only, the password from the environment.
class TrunkRealmTelephonyTest : public TelephonyTest {
 protected:
  std::vector<std::string> EngineArgs() override {
    ::setenv("FR_SIP_TRUNK_PASSWORD", kTrunkPassword, 1);
    return {"--sip-trunk-username", kTrunkUser, "--sip-trunk-realm", "billing.example"};
  }
  void SetUp() override {
    TelephonyTest::SetUp();
    ::unsetenv("FR_SIP_TRUNK_PASSWORD");
  }

  // The trunk scenario saw no second INVITE (it fails on one); the leg failed saying `why`.
  void ExpectRefusedChallenge(std::int64_t hotline, int calls, const std::string& why) {
    const json log = WaitForEndedCall(hotline, calls);
    EXPECT_EQ(log["outcome"], "missed");
    bool recorded = false;
    for (const auto& entry : log["entries"]) {
      recorded |= entry["type"] == "agent_failed" &&
                  entry["detail"].get<std::string>().find(why) != std::string::npos;
    }
    EXPECT_TRUE(recorded) << why << " not in " << log;
    EXPECT_EQ(RecordOf(Records(hotline), "outbound")["disposition"], "failed");
  }
};

TEST_F(TrunkRealmTelephonyTest, AChallengeOfAnotherRealmIsNotAnswered) {
  const std::int64_t hotline = CreateHotline({{"ttsInbound", ""}});
  RtpProbe caller_audio, agent_audio;
  SippProcess trunk(Scenario("trunk_challenge_401.xml"), TrunkArgs(agent_audio), trunk_port_);
  SippProcess caller(Scenario("caller_wait_bye.xml"), CallerArgs("+4924155660000", caller_audio));
  EXPECT_EQ(trunk.Wait(), 0) << "credentials were sent: " << trunk.Logs();
  EXPECT_EQ(caller.Wait(), 0) << caller.Logs();
  EXPECT_EQ(trunk.ReceivedInvites().size(), 1u);
  ExpectRefusedChallenge(
      hotline, 1, R"(realm "carrier.example", not the configured "billing.example")");
}

TEST_F(TrunkRealmTelephonyTest, AChallengeFromAStrangerIsNotAnswered) {
  const std::int64_t hotline = CreateHotline({{"ttsInbound", ""}});
  RtpProbe caller_audio, agent_audio;
  SippProcess trunk(Scenario("trunk_challenge_407.xml"), TrunkArgs(agent_audio));
  StrangerRelay relay(trunk_port_, trunk.port());
  SippProcess caller(Scenario("caller_wait_bye.xml"), CallerArgs("+4924155660000", caller_audio));
  EXPECT_EQ(trunk.Wait(), 0) << "credentials were sent: " << trunk.Logs();
  EXPECT_EQ(caller.Wait(), 0) << caller.Logs();
  EXPECT_EQ(trunk.ReceivedInvites().size(), 1u);
  ExpectRefusedChallenge(hotline, 1, "a challenge from 127.0.0.2, which is not the trunk");
}

class TcpTrunkTelephonyTest : public TelephonyTest {
 protected:
  std::vector<std::string> EngineArgs() override { return {"--sip-trunk-transport", "tcp"}; }
};

TEST_F(TcpTrunkTelephonyTest, CallsToAgentsGoOverTcp) {
  const std::int64_t hotline = CreateHotline({{"ttsInbound", ""}, {"ttsOutbound", ""}});
  RtpProbe caller_audio, agent_audio;
  SippProcess trunk(Scenario("trunk_answer.xml"), TrunkArgs(agent_audio, {"-t", "t1"}),
                    trunk_port_);
  SippProcess caller(Scenario("caller_talk.xml"),
                     CallerArgs("+4924155660000", caller_audio, {"-d", "2000"}));
  EXPECT_EQ(caller.Wait(), 0) << caller.Logs();
  EXPECT_EQ(trunk.Wait(), 0) << trunk.Logs();
  const auto invites = trunk.ReceivedInvites();
  ASSERT_EQ(invites.size(), 1u) << trunk.Logs();
  EXPECT_EQ(invites[0].rfind("INVITE sip:+4915112340001@127.0.0.1:" + std::to_string(trunk_port_) +
                                 ";transport=tcp SIP/2.0",
                             0),
            0u)
      << invites[0];
  EXPECT_EQ(HeaderOf(invites[0], "Via").rfind("SIP/2.0/TCP ", 0), 0u) << invites[0];
  const json log = WaitForEndedCall(hotline);
  EXPECT_EQ(log["outcome"], "answered") << log;
  EXPECT_EQ(RecordOf(Records(hotline), "outbound")["disposition"], "answered");
}

// TLS towards the trunk: sipp has no TLS here, so the exchange itself is tested against a
// python3 TLS trunk in the SIP suite (sip_endpoint_tls_test.cpp) and, with digest and
// registration, against Kamailio. Here: start-up refuses unusable files clearly, and a good
// pair brings up a TLS listener that presents our certificate.
class TlsStartupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string command =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2"
        " -keyout " + Path("key.pem") + " -out " + Path("cert.pem") +
        " -subj /CN=hotline.example >/dev/null 2>&1";
    ASSERT_EQ(std::system(command.c_str()), 0);
    std::ofstream(dir_.path() / "not-a-cert.pem") << "hello\n";
  }
  std::string Path(const std::string& name) const { return (dir_.path() / name).string(); }

  TempDir dir_;
  int runs_ = 0;
};

TEST_F(TlsStartupTest, UnusableTlsFilesExitWith2AndSayWhy) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{}, "--sip-trunk-transport tls needs --sip-tls-cert and --sip-tls-key"},
      {{"--sip-tls-cert", Path("cert.pem")}, "needs --sip-tls-cert and --sip-tls-key"},
      {{"--sip-tls-cert", Path("missing.pem"), "--sip-tls-key", Path("key.pem")},
       "--sip-tls-cert: cannot read"},
      {{"--sip-tls-cert", Path("not-a-cert.pem"), "--sip-tls-key", Path("key.pem")},
       "holds no PEM certificate"},
      {{"--sip-tls-cert", Path("cert.pem"), "--sip-tls-key", Path("cert.pem")},
       "holds no unencrypted PEM private key"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> argv = {BinaryPath(), "serve", "--listen", "127.0.0.1:0",
                                     "--database", "sqlite:" + Path("fr.db"), "--sip-listen",
                                     "127.0.0.1:0", "--sip-trunk", "127.0.0.1:5999",
                                     "--sip-trunk-transport", "tls"};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    ChildProcess server(argv, dir_.path(), "serve" + std::to_string(++runs_));
    EXPECT_EQ(server.Wait(), 2) << c.message << "\n" << server.Stderr();
    EXPECT_NE(server.Stderr().find(c.message), std::string::npos) << server.Stderr();
  }
  std::string output;
  EXPECT_EQ(RunProcess({BinaryPath(), "serve", "--listen", "127.0.0.1:0", "--sip-trunk",
                        "127.0.0.1:5999", "--sip-tls-cert", Path("cert.pem"), "--sip-tls-key",
                        Path("key.pem")},
                       output),
            2)
      << "TLS files without the TLS transport are a mistake, not ignored";
  EXPECT_EQ(RunProcess({BinaryPath(), "serve", "--listen", "127.0.0.1:0", "--sip-trunk",
                        "127.0.0.1:5999", "--sip-trunk-transport", "sctp"},
                       output),
            2);
}

TEST_F(TlsStartupTest, AGoodPairBringsUpATlsListenerWithOurCertificate) {
  ServerProcess server;
  server.Start({"--sip-listen", "127.0.0.1:0", "--sip-trunk", "127.0.0.1:5999",
                "--sip-trunk-transport", "tls", "--sip-tls-cert", Path("cert.pem"),
                "--sip-tls-key", Path("key.pem")});
  std::smatch match;
  const std::string log = server.Stderr();
  ASSERT_TRUE(std::regex_search(log, match, std::regex(R"(SIP over TLS on 127\.0\.0\.1:(\d+))")))
      << log;
  EXPECT_NE(log.find("calls to agents over tls"), std::string::npos) << log;
  // python3's ssl completes a handshake and gets exactly our certificate.
  const std::string script =
      "import socket, ssl, sys\n"
      "c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT); c.check_hostname = False; "
      "c.verify_mode = ssl.CERT_NONE\n"
      "s = c.wrap_socket(socket.create_connection(('127.0.0.1', int(sys.argv[1])), 5))\n"
      "mine = ssl.PEM_cert_to_DER_cert(open(sys.argv[2]).read())\n"
      "sys.exit(0 if s.getpeercert(binary_form=True) == mine else 1)\n";
  std::string output;
  EXPECT_EQ(RunProcess({FR_PYTHON, "-c", script, match[1].str(), Path("cert.pem")}, output), 0)
      << output;
}

}  // namespace
}  // namespace fr::testing
