// The service behind the test carrier, as it is today: a baresip caller dials the hotline number
// at Kamailio, which routes it to the service's fixed address; the service answers and speaks.
// With no trunk configured nobody can be rung, so the service says so and hangs up.
#include <chrono>
#include <regex>
#include <string>
#include <thread>

#include "integration/world.hpp"
#include "support/baresip_process.hpp"
#include "support/kamailio_process.hpp"

namespace fr::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kHotlineNumber = "004924155660000";

class CarrierServiceTest : public WorldTest {
 protected:
  std::vector<std::string> ExtraServerArgs() override { return {"--sip-listen", "127.0.0.1:0"}; }

  void SetUp() override {
    WorldTest::SetUp();
    std::smatch match;
    const std::string log = server_.Stderr();
    ASSERT_TRUE(std::regex_search(log, match, std::regex(R"(SIP on 127\.0\.0\.1:(\d+))"))) << log;
    sip_port_ = std::stoi(match[1]);
    server_.Admin({"numbers", "add", "--country", "DE", "--city", "Aachen", "--from",
                   kHotlineNumber, "--to", kHotlineNumber});
    const json customer = {{"city", "Aachen"},      {"cityCode", "52062"},      {"country", "DE"},
                           {"name", "Relief"},      {"organizationID", org_a_}, {"street", "Markt"},
                           {"streetHousenumber", 1}};
    ASSERT_EQ(Send("POST", "/v1/sip-customer", customer).status, 201);
    const json hotline = {{"agents", {ann_}},
                          {"isActive", true},
                          {"name", "Krisentelefon"},
                          {"organizationID", org_a_},
                          {"ttsInbound", "Welcome to the hotline."},
                          {"ttsOutbound", "Hotline call."}};
    const auto created = Send("POST", "/v1/hotlines", hotline);
    ASSERT_EQ(created.status, 201) << created.body;
    hotline_ = created.Json()["id"];
    WaitForActive();
  }

  HttpResult Send(const std::string& method, const std::string& path, const json& body) {
    return client_->SendJson(method, path, {Pat(ann_token_)}, body.dump());
  }

  void WaitForActive() {
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (std::chrono::steady_clock::now() < deadline) {
      if (client_->Get("/v1/hotlines/" + Str(hotline_), {Pat(ann_token_)}).Json()["status"] ==
          "active") {
        return;
      }
      std::this_thread::sleep_for(50ms);
    }
    FAIL() << "the hotline never became active";
  }

  // The hotline's call log once it has ended.
  json WaitForEndedCall() {
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    json page;
    while (std::chrono::steady_clock::now() < deadline) {
      page = client_->Get("/v1/hotlines/" + Str(hotline_) + "/call-logs", {Pat(ann_token_)}).Json();
      if (page["totalCallLogs"] == 1 && !page["callLogs"][0]["outcome"].is_null()) {
        return page["callLogs"][0];
      }
      std::this_thread::sleep_for(50ms);
    }
    ADD_FAILURE() << "no ended call: " << page;
    return json();
  }

  int sip_port_ = 0;
  std::int64_t hotline_ = 0;
};

TEST_F(CarrierServiceTest, CallerThroughTheCarrierIsAnsweredAndHearsTheService) {
  CarrierSettings carrier_settings;
  carrier_settings.hotline_numbers = "^[+]4924155660000$";
  carrier_settings.service_hostport = "127.0.0.1:" + std::to_string(sip_port_);
  KamailioProcess carrier(carrier_settings);
  BaresipSettings caller_settings;
  caller_settings.user = "0049241123456";
  caller_settings.domain = carrier.host_port();
  caller_settings.register_account = false;
  BaresipProcess caller(caller_settings);

  caller.Dial("+4924155660000");
  const auto logs = [&] {
    return "--- Kamailio:\n" + carrier.Log() + caller.Logs() + server_.Stderr();
  };
  ASSERT_TRUE(caller.WaitForEvent(baresip_event::kCallEstablished, 10s)) << logs();
  EXPECT_TRUE(carrier.WaitForLine(
      "INVITE for +4924155660000 to the service at sip:+4924155660000@127.0.0.1:" +
          std::to_string(sip_port_),
      1s))
      << carrier.Log();
  // Nobody can be rung without a trunk: the service tells the caller and hangs up.
  ASSERT_TRUE(caller.WaitForEvent(baresip_event::kCallClosed, 30s)) << logs();
  const PcmAudio heard = caller.ReceivedAudio();
  EXPECT_GE(heard.Seconds(), 1.0) << logs();
  EXPECT_GT(Rms(heard), 300.0) << logs();  // speech, not silence
  EXPECT_TRUE(carrier.WaitForLine("BYE sip:", 2s)) << carrier.Log();

  const json call = WaitForEndedCall();
  EXPECT_EQ(call["outcome"], "missed") << call;
}

}  // namespace
}  // namespace fr::testing
