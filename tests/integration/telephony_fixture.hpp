#pragma once

// The end-to-end telephony tests' world: the real binary with its SIP engine on loopback (its
// trunk a sipp on a free port), a hotline number in the inventory, Ann's agent phone, and
// helpers to run sipp as callers and as the trunk with the agents' phones behind it.
#include <algorithm>
#include <chrono>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "integration/world.hpp"
#include "support/rtp_probe.hpp"
#include "support/sipp_process.hpp"

namespace fr::testing {

inline constexpr const char* kHotlineNumber = "004924155660000";
inline constexpr const char* kAgentPhone = "+49 151 12340001";

inline std::string Scenario(const std::string& name) {
  return std::string(FR_SOURCE_DIR) + "/tests/integration/sipp/" + name;
}

inline constexpr std::uint8_t kAgentVoice = 0x55;   // PCMU payload the agent's phone "says"
inline constexpr std::uint8_t kCallerVoice = 0x33;  // and the caller's

// Whether every payload byte of `packet` is `value` (a probe's "voice").
inline bool AllBytes(const RtpProbe::Packet& packet, std::uint8_t value) {
  return !packet.payload.empty() &&
         std::all_of(packet.payload.begin(), packet.payload.end(),
                     [value](std::uint8_t byte) { return byte == value; });
}

// The packets among `packets` whose payload is all `value`.
inline std::size_t CountWith(const std::vector<RtpProbe::Packet>& packets, std::uint8_t value) {
  return static_cast<std::size_t>(std::count_if(
      packets.begin(), packets.end(), [value](const auto& packet) { return AllBytes(packet, value); }));
}

// The header `name` of a SIP message, its value; empty when absent.
inline std::string SipHeader(const std::string& message, const std::string& name) {
  std::smatch match;
  if (!std::regex_search(message, match, std::regex("\r\n" + name + ": *([^\r]*)\r\n",
                                                     std::regex::icase))) {
    return "";
  }
  return match[1];
}

class TelephonyTest : public WorldTest {
 protected:
  using json = nlohmann::json;

  std::vector<std::string> ExtraServerArgs() override {
    trunk_port_ = FreeUdpPort();
    std::vector<std::string> args = {"--sip-listen", "127.0.0.1:0", "--sip-trunk",
                                     "127.0.0.1:" + std::to_string(trunk_port_),
                                     "--ring-timeout", RingTimeout()};
    const auto extra = EngineArgs();
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
  virtual std::string RingTimeout() { return "20s"; }
  virtual std::vector<std::string> EngineArgs() { return {}; }

  void SetUp() override {
    WorldTest::SetUp();
    std::smatch match;
    const std::string log = server_.Stderr();
    const std::regex sip(R"(SIP on 127\.0\.0\.1:(\d+))");
    ASSERT_TRUE(std::regex_search(log, match, sip)) << log;
    sip_port_ = std::stoi(match[1]);
    server_.Admin({"numbers", "add", "--country", "DE", "--city", "Aachen", "--from",
                   kHotlineNumber, "--to", "004924155660001"});
    const json customer = {{"city", "Aachen"}, {"cityCode", "52062"}, {"country", "DE"},
                           {"name", "Relief"}, {"organizationID", org_a_},
                           {"street", "Markt"}, {"streetHousenumber", 1}};
    ASSERT_EQ(Send("POST", "/v1/sip-customer", customer).status, 201);
    const json phone = {{"isActive", true}, {"name", "Handy"}, {"phone", kAgentPhone},
                        {"userID", ann_}};
    const auto created = Send("POST", "/v1/agent-phones", phone);
    ASSERT_EQ(created.status, 201) << created.body;
    agent_phone_ = created.Json()["id"];
  }

  HttpResult Send(const std::string& method, const std::string& path, const json& body) {
    return client_->SendJson(method, path, {Pat(ann_token_)}, body.dump());
  }

  // An active hotline with Ann as its agent; waits for provisioning. The first phone to answer
  // is connected (sipp's phones press no key); ConfirmAnswerTest covers confirmAnswer.
  std::int64_t CreateHotline(json overrides = json::object()) {
    json draft = {{"agents", {ann_}},
                  {"confirmAnswer", false},
                  {"isActive", true},
                  {"name", "Krisentelefon"},
                  {"organizationID", org_a_},
                  {"ttsInbound", "Welcome."},
                  {"ttsOutbound", "Hotline call."}};
    draft.update(overrides);
    const auto created = Send("POST", "/v1/hotlines", draft);
    EXPECT_EQ(created.status, 201) << created.body;
    const std::int64_t id = created.Json()["id"];
    if (draft["isActive"] == true) WaitForStatus(id, "active");
    return id;
  }

  void WaitForStatus(std::int64_t hotline, const std::string& status) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      if (client_->Get("/v1/hotlines/" + Str(hotline), {Pat(ann_token_)}).Json()["status"] == status) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    FAIL() << "hotline " << hotline << " never became " << status;
  }

  std::vector<std::string> CallerArgs(const std::string& dialed, const RtpProbe& probe,
                                      std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"-s", dialed, "-key", "caller", "004924112345",
                                     "-key", "rtp_port", std::to_string(probe.port()),
                                     "127.0.0.1:" + std::to_string(sip_port_)};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }
  // Keys for the trunk, which must listen on trunk_port_, the port the server was started with.
  std::vector<std::string> TrunkArgs(const RtpProbe& probe, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"-key", "rtp_port", std::to_string(probe.port())};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }

  // The hotline's newest call log once it has ended, read whole.
  json WaitForEndedCall(std::int64_t hotline, int expected_total = 1) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    json page;
    while (std::chrono::steady_clock::now() < deadline) {
      page = client_->Get("/v1/hotlines/" + Str(hotline) + "/call-logs", {Pat(ann_token_)}).Json();
      if (page["totalCallLogs"] == expected_total && !page["callLogs"][0]["outcome"].is_null()) {
        return client_
            ->Get("/v1/hotlines/" + Str(hotline) + "/call-logs/" + Str(page["callLogs"][0]["id"]),
                  {Pat(ann_token_)})
            .Json();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "no ended call: " << page;
    return json();
  }

  json Records(std::int64_t hotline) {
    return client_->Get("/v1/hotlines/" + Str(hotline) + "/telephone-records?limit=50",
                        {Pat(ann_token_)})
        .Json()["records"];
  }

  static std::vector<std::string> Types(const json& log) {
    std::vector<std::string> types;
    for (const auto& entry : log["entries"]) types.push_back(entry["type"]);
    return types;
  }
  static bool Has(const std::vector<std::string>& types, const std::string& type) {
    return std::find(types.begin(), types.end(), type) != types.end();
  }
  static json RecordOf(const json& records, const std::string& direction) {
    for (const auto& record : records) {
      if (record["direction"] == direction) return record;
    }
    return json();
  }

  // The agent's phone shows which hotline calls: the hotline's name and number in From (the
  // README's promise), exactly.
  static void ExpectHotlineCallerId(const SippProcess& trunk, std::size_t invites = 1) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (trunk.ReceivedInviteFroms().size() < invites && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    const auto froms = trunk.ReceivedInviteFroms();
    ASSERT_EQ(froms.size(), invites) << trunk.Logs();
    for (const std::string& from : froms) {
      EXPECT_EQ(from.rfind(R"(From: "Krisentelefon" <sip:+4924155660000@)", 0), 0u) << from;
    }
  }

  std::uint16_t trunk_port_ = 0;
  int sip_port_ = 0;
  std::int64_t agent_phone_ = 0;
};

}  // namespace fr::testing
