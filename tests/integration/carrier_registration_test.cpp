// Issue 11's "Done when", end to end with real SIP software: Kamailio as a carrier that demands
// digest authentication for REGISTER and for the service's INVITEs, the service registered at
// it, a baresip caller dialling the hotline number and a baresip agent phone that answers and
// presses 1. Both phones hear each other, and the call log tells every step over HTTP.
#include <chrono>
#include <cstdlib>
#include <regex>
#include <string>
#include <thread>

#include "integration/world.hpp"
#include "support/baresip_process.hpp"
#include "support/kamailio_process.hpp"
#include "support/wav_audio.hpp"

namespace fr::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
namespace event = baresip_event;

constexpr const char* kHotlineNumber = "004924155660000";
constexpr const char* kAgentNumber = "004915112340001";  // "+49 151 12340001" as the API keeps it
constexpr const char* kAgentUser = "+4915112340001";     // and as the service dials it
constexpr const char* kPhonePassword = "phone-secret";
constexpr int kCallerHz = 440;
constexpr int kAgentHz = 1000;

class CarrierRegistrationTest : public WorldTest {
 protected:
  // The carrier must listen before the service starts: the service registers at once.
  std::vector<std::string> ExtraServerArgs() override {
    CarrierSettings settings;
    settings.service_user = "hotline";
    settings.service_password = "hotline-secret";
    settings.phone_password = kPhonePassword;
    settings.hotline_numbers = "^[+]4924155660000$";  // registered mode: to our Contact
    carrier_ = std::make_unique<KamailioProcess>(settings);
    // The password from the environment, as a container would pass it (never on the line).
    setenv("FR_SIP_TRUNK_PASSWORD", "hotline-secret", 1);
    return {"--sip-listen", "127.0.0.1:0", "--sip-trunk", carrier_->host_port(),
            "--sip-trunk-username", "hotline", "--sip-trunk-register",
            // Kamailio puts the number in To and P-Called-Party-ID, our account in the R-URI.
            "--sip-inbound-number-from", "p-called-party-id", "--confirm-timeout", "2s"};
  }

  void SetUp() override {
    WorldTest::SetUp();
    unsetenv("FR_SIP_TRUNK_PASSWORD");
    server_.Admin({"numbers", "add", "--country", "DE", "--city", "Aachen", "--from",
                   kHotlineNumber, "--to", kHotlineNumber});
    const json customer = {{"city", "Aachen"},      {"cityCode", "52062"},      {"country", "DE"},
                           {"name", "Relief"},      {"organizationID", org_a_}, {"street", "Markt"},
                           {"streetHousenumber", 1}};
    ASSERT_EQ(Send("POST", "/v1/sip-customer", customer).status, 201);
    const json phone = {
        {"isActive", true}, {"name", "Handy"}, {"phone", "+49 151 12340001"}, {"userID", ann_}};
    ASSERT_EQ(Send("POST", "/v1/agent-phones", phone).status, 201);
    const json hotline = {{"agents", {ann_}},
                          {"confirmAnswer", true},
                          {"isActive", true},
                          {"name", "Krisentelefon"},
                          {"organizationID", org_a_},
                          {"ttsInbound", "Welcome."},
                          {"ttsOutbound", "Hotline call."}};
    const auto created = Send("POST", "/v1/hotlines", hotline);
    ASSERT_EQ(created.status, 201) << created.body;
    hotline_ = created.Json()["id"];
    WaitUntil(
        [&] {
          return client_->Get("/v1/hotlines/" + Str(hotline_), {Pat(ann_token_)})
                     .Json()["status"] == "active";
        },
        "the hotline never became active");
    WaitUntil([&] { return client_->Get("/readyz").Json()["checks"]["sipTrunk"] == "registered"; },
              "never registered: " + carrier_->Log() + server_.Stderr());
  }

  HttpResult Send(const std::string& method, const std::string& path, const json& body) {
    return client_->SendJson(method, path, {Pat(ann_token_)}, body.dump());
  }

  static void WaitUntil(const std::function<bool()>& done, const std::string& failure) {
    const auto deadline = std::chrono::steady_clock::now() + 15s;
    while (std::chrono::steady_clock::now() < deadline) {
      if (done()) return;
      std::this_thread::sleep_for(50ms);
    }
    FAIL() << failure;
  }

  BaresipSettings Phone(const std::string& user, int tone_hz, AnswerMode mode) const {
    BaresipSettings settings;
    settings.user = user;
    settings.domain = carrier_->host_port();
    settings.password = kPhonePassword;
    settings.tone_hz = tone_hz;
    settings.answer_mode = mode;
    return settings;
  }

  // The hotline's call log once it has ended, read whole.
  json WaitForEndedCall() {
    json page;
    WaitUntil(
        [&] {
          page = client_->Get("/v1/hotlines/" + Str(hotline_) + "/call-logs", {Pat(ann_token_)})
                     .Json();
          return page["totalCallLogs"] == 1 && !page["callLogs"][0]["outcome"].is_null();
        },
        "no ended call");
    if (page["callLogs"].empty()) return json();
    return client_
        ->Get("/v1/hotlines/" + Str(hotline_) + "/call-logs/" + Str(page["callLogs"][0]["id"]),
              {Pat(ann_token_)})
        .Json();
  }

  static std::vector<std::string> Types(const json& log) {
    std::vector<std::string> types;
    for (const auto& entry : log["entries"]) types.push_back(entry["type"]);
    return types;
  }

  std::string Logs(const BaresipProcess& caller, const BaresipProcess& agent) const {
    return "--- Kamailio:\n" + carrier_->Log() + caller.Logs() + agent.Logs() + "--- service:\n" +
           server_.Stderr();
  }

  std::unique_ptr<KamailioProcess> carrier_;
  std::int64_t hotline_ = 0;
};

// The last `seconds` of `audio`: what a phone heard once bridged, after the prompts.
PcmAudio Tail(const PcmAudio& audio, double seconds) {
  PcmAudio tail{audio.sample_rate, {}};
  const auto keep = static_cast<std::size_t>(seconds * audio.sample_rate);
  const std::size_t from = audio.samples.size() > keep ? audio.samples.size() - keep : 0;
  tail.samples.assign(audio.samples.begin() + static_cast<std::ptrdiff_t>(from),
                      audio.samples.end());
  return tail;
}

// True if `types` holds each of `expected` in this order (other entries may come between).
bool InOrder(const std::vector<std::string>& types, const std::vector<std::string>& expected) {
  auto at = types.begin();
  for (const std::string& type : expected) {
    at = std::find(at, types.end(), type);
    if (at == types.end()) return false;
    ++at;
  }
  return true;
}

TEST_F(CarrierRegistrationTest, ACallThroughTheCarrierReachesTheAgentWhoPressesOne) {
  BaresipProcess agent(Phone(kAgentUser, kAgentHz, AnswerMode::kAuto));
  BaresipProcess caller(Phone("0049241123456", kCallerHz, AnswerMode::kManual));
  caller.Dial("+4924155660000");
  ASSERT_TRUE(agent.WaitForEvent(event::kCallEstablished, 15s)) << Logs(caller, agent);
  agent.SendDtmf("1");  // a key during the prompt counts
  ASSERT_TRUE(caller.WaitForEvent(event::kCallEstablished, 5s)) << Logs(caller, agent);
  // Bridged: let both talk for a moment, then the caller hangs up.
  WaitUntil(
      [&] {
        const json page =
            client_->Get("/v1/hotlines/" + Str(hotline_) + "/call-logs", {Pat(ann_token_)}).Json();
        if (page["totalCallLogs"] != 1) return false;
        const json log = client_
                             ->Get("/v1/hotlines/" + Str(hotline_) + "/call-logs/" +
                                       Str(page["callLogs"][0]["id"]),
                                   {Pat(ann_token_)})
                             .Json();
        const auto types = Types(log);
        return std::find(types.begin(), types.end(), "bridged") != types.end();
      },
      "never bridged: " + Logs(caller, agent));
  std::this_thread::sleep_for(2s);
  caller.HangUp();
  ASSERT_TRUE(agent.WaitForEvent(event::kCallClosed, 10s)) << Logs(caller, agent);
  ASSERT_TRUE(caller.WaitForEvent(event::kCallClosed, 10s)) << Logs(caller, agent);

  EXPECT_TRUE(carrier_->WaitForLine("registered hotline at", 1s)) << carrier_->Log();
  EXPECT_TRUE(carrier_->WaitForLine("INVITE authenticated as hotline", 1s)) << carrier_->Log();
  // The last second and a half of each recording is the bridged call: each phone hears the
  // other's tone, not its own.
  const PcmAudio caller_heard = Tail(caller.ReceivedAudio(), 1.5);
  const PcmAudio agent_heard = Tail(agent.ReceivedAudio(), 1.5);
  const auto describe = [&](const PcmAudio& heard) {
    return "heard " + std::to_string(heard.Seconds()) + " s, rms " + std::to_string(Rms(heard)) +
           "\n" + Logs(caller, agent);
  };
  EXPECT_GT(ToneAmplitude(caller_heard, kAgentHz), 2000.0) << describe(caller_heard);
  EXPECT_LT(ToneAmplitude(caller_heard, kCallerHz), 500.0) << describe(caller_heard);
  EXPECT_GT(ToneAmplitude(agent_heard, kCallerHz), 2000.0) << describe(agent_heard);
  EXPECT_LT(ToneAmplitude(agent_heard, kAgentHz), 500.0) << describe(agent_heard);

  const json log = WaitForEndedCall();
  EXPECT_EQ(log["outcome"], "answered") << log;
  EXPECT_TRUE(InOrder(Types(log), {"call_received", "agent_dialed", "agent_answered",
                                   "agent_confirmed", "bridged", "caller_hung_up"}))
      << log;
  const json records =
      client_->Get("/v1/hotlines/" + Str(hotline_) + "/telephone-records", {Pat(ann_token_)})
          .Json()["records"];
  ASSERT_EQ(records.size(), 2u) << records;
  for (const json& record : records) {
    EXPECT_EQ(record["disposition"], "answered") << record;
    const bool inbound = record["direction"] == "inbound";
    EXPECT_EQ(record["to"], inbound ? kHotlineNumber : kAgentNumber) << record;
  }
}

TEST_F(CarrierRegistrationTest, AVoicemailThatNeverPressesOneNeverTakesTheCall) {
  BaresipProcess voicemail(Phone(kAgentUser, kAgentHz, AnswerMode::kAuto));
  BaresipProcess caller(Phone("0049241123456", kCallerHz, AnswerMode::kManual));
  caller.Dial("+4924155660000");
  ASSERT_TRUE(voicemail.WaitForEvent(event::kCallEstablished, 15s)) << Logs(caller, voicemail);
  // No key: after the prompt and the 2 s confirmation timeout the voicemail is released.
  ASSERT_TRUE(voicemail.WaitForEvent(event::kCallClosed, 20s)) << Logs(caller, voicemail);
  caller.HangUp();
  const json log = WaitForEndedCall();
  const auto types = Types(log);
  EXPECT_NE(log["outcome"], "answered") << log;
  EXPECT_TRUE(
      InOrder(types, {"call_received", "agent_dialed", "agent_answered", "agent_not_confirmed"}))
      << log;
  EXPECT_TRUE(std::find(types.begin(), types.end(), "bridged") == types.end()) << log;
}

}  // namespace
}  // namespace fr::testing
