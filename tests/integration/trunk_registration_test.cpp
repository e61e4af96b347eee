// Registration at the trunk end to end (decision 0028): the real binary registers at a sipp
// registrar, answers its challenges, refreshes before the granted time runs out, backs off
// after a 503, and removes its binding when it stops; /readyz and /metrics say how it stands.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <thread>

#include "support/http_client.hpp"
#include "support/server_process.hpp"
#include "support/sipp_process.hpp"

namespace fr::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kAccount = "hotline-7";
constexpr const char* kPassword = "s3cret-Pass";

// The value of header `name` in a SIP message; empty when absent.
std::string Header(const std::string& message, const std::string& name) {
  std::smatch match;
  if (!std::regex_search(message, match, std::regex("\r\n" + name + ": *([^\r]*)"))) return "";
  return match[1];
}

std::string Scenario(const std::string& name) {
  return std::string(FR_SOURCE_DIR) + "/tests/integration/sipp/" + name;
}

class TrunkRegistrationTest : public ::testing::Test {
 protected:
  // Starts the service against `registrar`, which must already listen.
  void StartServer(const SippProcess& registrar) {
    const auto password_file = server_.dir() / "trunk-password";
    std::ofstream(password_file) << kPassword << "\n";
    server_.Start({"--sip-listen", "127.0.0.1:0", "--sip-trunk",
                   "127.0.0.1:" + std::to_string(registrar.port()), "--sip-trunk-username",
                   kAccount, "--sip-trunk-password-file", password_file.string(),
                   "--sip-trunk-register"});
    client_ = std::make_unique<HttpClient>(server_.base_url());
  }

  // /readyz's sipTrunk check once it satisfies `done`, or the last one seen after `timeout`.
  std::string WaitForTrunkCheck(const std::function<bool(const std::string&)>& done,
                                std::chrono::milliseconds timeout = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string state;
    while (std::chrono::steady_clock::now() < deadline) {
      const auto ready = client_->Get("/readyz");
      EXPECT_EQ(ready.status, 200) << ready.body;
      state = ready.Json()["checks"].value("sipTrunk", "");
      if (done(state)) return state;
      std::this_thread::sleep_for(50ms);
    }
    return state;
  }

  // The value of a metric without labels in /metrics; -1 when absent.
  double Metric(const std::string& name) {
    const std::string text = client_->Get("/metrics").body;
    std::smatch match;
    if (!std::regex_search(text, match, std::regex("\n" + name + " ([0-9.e+-]+)\n"))) return -1;
    return std::stod(match[1]);
  }

  ServerProcess server_;
  std::unique_ptr<HttpClient> client_;
};

TEST_F(TrunkRegistrationTest, RegistersAnswersChallengesRefreshesAndUnregistersOnStop) {
  SippProcess registrar(Scenario("registrar_challenge_refresh.xml"),
                        {"-key", "user", kAccount, "-key", "password", kPassword});
  StartServer(registrar);
  EXPECT_EQ(WaitForTrunkCheck([](const std::string& s) { return s == "registered"; }),
            "registered");
  EXPECT_EQ(Metric("fr_sip_trunk_registered"), 1);
  // The refresh comes within the 2 s granted (the scenario fails otherwise) and is challenged
  // and answered again; the binding stays registered throughout.
  std::this_thread::sleep_for(2500ms);
  EXPECT_EQ(client_->Get("/readyz").Json()["checks"]["sipTrunk"], "registered");
  EXPECT_EQ(Metric("fr_sip_trunk_registration_failures_total"), 0);
  EXPECT_EQ(server_.Stop(), 0) << server_.Stderr();
  EXPECT_EQ(registrar.Wait(10s), 0) << registrar.Logs();
  // One registration (RFC 3261 10.2): the same Call-ID, the CSeq one higher each time.
  const auto registers = registrar.ReceivedRequests("REGISTER");
  ASSERT_EQ(registers.size(), 6u) << registrar.Logs();
  for (std::size_t i = 1; i < registers.size(); ++i) {
    EXPECT_EQ(Header(registers[i], "Call-ID"), Header(registers[0], "Call-ID"));
    EXPECT_EQ(std::stoul(Header(registers[i], "CSeq")),
              std::stoul(Header(registers[i - 1], "CSeq")) + 1)
        << registers[i];
  }
  const std::string log = server_.Stderr();
  EXPECT_EQ(log.find(kPassword), std::string::npos) << "the password is never logged";
}

TEST_F(TrunkRegistrationTest, AFailingTrunkIsRetriedAfterABackoffAndReadyzFollows) {
  SippProcess registrar(Scenario("registrar_503_then_recover.xml"), {});
  StartServer(registrar);
  const std::string failed =
      WaitForTrunkCheck([](const std::string& s) { return s.rfind("failed", 0) == 0; });
  EXPECT_EQ(failed, "failed: 503 Service Unavailable");
  EXPECT_EQ(client_->Get("/readyz").status, 200) << "a carrier's outage keeps the API ready";
  EXPECT_EQ(Metric("fr_sip_trunk_registered"), 0);
  EXPECT_EQ(Metric("fr_sip_trunk_registration_failures_total"), 1);
  EXPECT_EQ(WaitForTrunkCheck([](const std::string& s) { return s == "registered"; }),
            "registered");
  EXPECT_EQ(Metric("fr_sip_trunk_registered"), 1);
  EXPECT_EQ(Metric("fr_sip_trunk_registration_failures_total"), 1);
  EXPECT_EQ(server_.Stop(), 0) << server_.Stderr();
  EXPECT_EQ(registrar.Wait(10s), 0) << registrar.Logs();
}

TEST_F(TrunkRegistrationTest, WithoutRegistrationReadyzHasNoTrunkCheck) {
  server_.Start({"--sip-listen", "127.0.0.1:0"});
  client_ = std::make_unique<HttpClient>(server_.base_url());
  const json ready = client_->Get("/readyz").Json();
  EXPECT_EQ(ready["checks"], json({{"storage", "ok"}}));
  EXPECT_EQ(Metric("fr_sip_trunk_registered"), -1);
}

}  // namespace
}  // namespace fr::testing
