#pragma once
// Calls of a hotline fed as the telephony engine reports them (tests/support/call_feeder.cpp
// plays the engine) into the real store of a running server: the fixture of the call-log,
// report and live-call tests.
#include <algorithm>
#include <chrono>
#include <fstream>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "integration/world.hpp"

namespace fr::testing {

using nlohmann::json;

struct Agent {
  std::int64_t user = 0;
  std::int64_t phone = 0;
  std::string number;
};

// Builds the event script of realistic calls, as the telephony engine reports them.
class CallScript {
 public:
  CallScript(std::int64_t hotline, std::string hotline_number)
      : hotline_(hotline), hotline_number_(std::move(hotline_number)) {}

  // Caller reaches the hotline, hears the greeting, the agents' phones ring.
  void Ringing(const std::string& call, const json& caller, std::int64_t t0,
               const std::vector<Agent>& agents) {
    Add({{"op", "open_call"}, {"call", call}, {"hotline", hotline_}, {"caller", caller}, {"at", t0}});
    Entry(call, "call_received", t0);
    Add({{"op", "open_leg"}, {"leg", call + "-in"}, {"call", call}, {"direction", "inbound"},
         {"from", caller}, {"to", hotline_number_}, {"at", t0}});
    Add({{"op", "answer_leg"}, {"leg", call + "-in"}, {"at", t0 + 100}});
    Entry(call, "greeting_played", t0 + 3000);
    for (std::size_t i = 0; i < agents.size(); ++i) {
      Entry(call, "agent_dialed", t0 + 3000, agents[i]);
      Add({{"op", "open_leg"}, {"leg", AgentLeg(call, i)}, {"call", call},
           {"direction", "outbound"}, {"from", hotline_number_}, {"to", agents[i].number},
           {"at", t0 + 3000}, {"userID", agents[i].user}, {"agentPhoneID", agents[i].phone}});
      Entry(call, "agent_ringing", t0 + 3200, agents[i]);
    }
  }

  // The first agent answers at +8 s, the others are cancelled; the caller hangs up at +70.5 s.
  // Reports measure from `bridged_at` and to `ended_at` (offsets from t0, in milliseconds).
  void Answered(const std::string& call, const json& caller, std::int64_t t0,
                const std::vector<Agent>& agents, std::int64_t bridged_at = 9500,
                std::int64_t ended_at = 70500) {
    Ringing(call, caller, t0, agents);
    const std::int64_t answered_at = std::min<std::int64_t>(8000, bridged_at);
    Add({{"op", "answer_leg"}, {"leg", AgentLeg(call, 0)}, {"at", t0 + answered_at}});
    Entry(call, "agent_answered", t0 + answered_at, agents[0]);
    for (std::size_t i = 1; i < agents.size(); ++i) CloseLeg(AgentLeg(call, i), "cancelled", 487, t0 + answered_at);
    Entry(call, "bridged", t0 + bridged_at, agents[0]);
    Entry(call, "caller_hung_up", t0 + ended_at);
    CloseLeg(call + "-in", "answered", 200, t0 + ended_at);
    CloseLeg(AgentLeg(call, 0), "answered", 200, t0 + ended_at, json{{"packetLoss", 0.0123}, {"jitterMs", 45.625}});
    Entry(call, "ended", t0 + ended_at);
    Add({{"op", "close_call"}, {"call", call}, {"outcome", "answered"}, {"at", t0 + ended_at},
         {"answeredBy", {{"userID", agents[0].user}, {"agentPhoneID", agents[0].phone}}}});
  }

  // Nobody answers within the ring timeout (30 s).
  void Missed(const std::string& call, const json& caller, std::int64_t t0,
              const std::vector<Agent>& agents) {
    Ringing(call, caller, t0, agents);
    for (std::size_t i = 0; i < agents.size(); ++i) {
      Entry(call, "agent_no_answer", t0 + 33000, agents[i]);
      CloseLeg(AgentLeg(call, i), "no_answer", 487, t0 + 33000);
    }
    Entry(call, "ended", t0 + 36000, std::nullopt, "Nobody answered.");
    CloseLeg(call + "-in", "answered", 200, t0 + 36000);
    Add({{"op", "close_call"}, {"call", call}, {"outcome", "missed"}, {"at", t0 + 36000}});
  }

  // The caller gives up while the agents' phones ring.
  void Abandoned(const std::string& call, const json& caller, std::int64_t t0,
                 const std::vector<Agent>& agents) {
    Ringing(call, caller, t0, agents);
    Entry(call, "caller_hung_up", t0 + 12000);
    for (std::size_t i = 0; i < agents.size(); ++i) CloseLeg(AgentLeg(call, i), "cancelled", 487, t0 + 12000);
    CloseLeg(call + "-in", "answered", 200, t0 + 12000);
    Entry(call, "ended", t0 + 12000);
    Add({{"op", "close_call"}, {"call", call}, {"outcome", "abandoned"}, {"at", t0 + 12000}});
  }

  // All inbound channels are busy: refused with 486 at once.
  void RejectedBusy(const std::string& call, const json& caller, std::int64_t t0) {
    Add({{"op", "open_call"}, {"call", call}, {"hotline", hotline_}, {"caller", caller}, {"at", t0}});
    Entry(call, "call_received", t0);
    Entry(call, "rejected_channel_limit", t0, std::nullopt, "All 10 inbound channels are in use.");
    Add({{"op", "open_leg"}, {"leg", call + "-in"}, {"call", call}, {"direction", "inbound"},
         {"from", caller}, {"to", hotline_number_}, {"at", t0}});
    CloseLeg(call + "-in", "busy", 486, t0);
    Add({{"op", "close_call"}, {"call", call}, {"outcome", "rejected_busy"}, {"at", t0}});
  }

  void Add(json op) { ops_.push_back(std::move(op)); }
  const json& ops() const { return ops_; }

  static std::string AgentLeg(const std::string& call, std::size_t i) {
    return call + "-agent" + std::to_string(i);
  }
  void Entry(const std::string& call, const std::string& type, std::int64_t at,
             std::optional<Agent> agent = std::nullopt, std::optional<std::string> detail = {}) {
    json op = {{"op", "entry"}, {"call", call}, {"type", type}, {"at", at}};
    if (agent) {
      op["userID"] = agent->user;
      op["agentPhoneID"] = agent->phone;
    }
    if (detail) op["detail"] = *detail;
    Add(std::move(op));
  }
  // `quality`: {"packetLoss", "jitterMs"} as RTCP measured them, or nothing.
  void CloseLeg(const std::string& leg, const std::string& disposition, int status, std::int64_t at,
                const json& quality = json::object()) {
    json op = {{"op", "close_leg"}, {"leg", leg}, {"disposition", disposition}, {"sipStatus", status},
               {"at", at}};
    op.update(quality);
    Add(std::move(op));
  }

 private:
  std::int64_t hotline_;
  std::string hotline_number_;
  json ops_ = json::array();
};

inline std::int64_t NowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class CallLogsHttpTest : public WorldTest {
 protected:
  void SetUp() override {
    WorldTest::SetUp();
    server_.Admin({"numbers", "add", "--country", "DE", "--city", "Aachen", "--from",
                   "004924155660000", "--to", "004924155660001"});
    const json customer = {{"city", "Aachen"}, {"cityCode", "52062"}, {"country", "DE"},
                           {"name", "Relief"}, {"organizationID", org_a_},
                           {"street", "Markt"}, {"streetHousenumber", 1}};
    ASSERT_EQ(client_->SendJson("POST", "/v1/sip-customer", {Pat(ann_token_)}, customer.dump()).status, 201);
    const json hotline = CreateHotline("Notruf");
    hotline_ = hotline["id"];
    hotline_number_ = hotline["number"];
    other_hotline_ = CreateHotline("Beratung")["id"];
    const json phone = {{"isActive", true}, {"name", "Handy"}, {"phone", "+49 151 12345678"},
                        {"userID", ann_}};
    const auto created = client_->SendJson("POST", "/v1/agent-phones", {Pat(ann_token_)}, phone.dump());
    ASSERT_EQ(created.status, 201) << created.body;
    agents_ = {{ann_, created.Json()["id"], "004915112345678"}, {max_, 77, "004917099999999"}};
  }

  json CreateHotline(const std::string& name) {
    const json draft = {{"agents", {ann_, max_}}, {"isActive", true}, {"name", name},
                        {"organizationID", org_a_}};
    const auto created = client_->SendJson("POST", "/v1/hotlines", {Pat(ann_token_)}, draft.dump());
    EXPECT_EQ(created.status, 201) << created.body;
    return created.Json();
  }

  // Feeds `script` through the sink in a separate process and waits for its flush.
  void Feed(const CallScript& script) {
    const auto path = server_.dir() / ("script-" + std::to_string(++scripts_) + ".json");
    std::ofstream(path) << script.ops().dump();
    std::string output;
    ASSERT_EQ(RunProcess({FR_CALL_FEEDER_PATH, server_.database_url(), path.string()}, output), 0)
        << output;
    ASSERT_NE(output.find("flushed"), std::string::npos);
  }

  std::string Path(const std::string& tail, std::int64_t hotline = 0) {
    return "/v1/hotlines/" + Str(hotline ? hotline : hotline_) + tail;
  }
  // Also checks the text: compact, members in sorted order, as Json::dump writes it (the lists
  // are written straight as text).
  json GetJson(const std::string& path, const std::string& header) {
    const auto result = client_->Get(path, {header});
    EXPECT_EQ(result.status, 200) << path << ": " << result.body;
    if (result.status != 200) return json();
    const json parsed = result.Json();
    EXPECT_EQ(result.body, parsed.dump()) << path;
    return parsed;
  }
  std::set<std::string> SchemaRequired(const std::string& schema) {
    const json required =
        client_->Get("/openapi.json").Json()["components"]["schemas"][schema]["required"];
    return {required.begin(), required.end()};
  }
  static std::set<std::string> Keys(const json& object) {
    std::set<std::string> keys;
    for (const auto& [key, value] : object.items()) keys.insert(key);
    return keys;
  }

  std::int64_t hotline_ = 0, other_hotline_ = 0;
  std::string hotline_number_;
  std::vector<Agent> agents_;
  int scripts_ = 0;
};

}  // namespace fr::testing
