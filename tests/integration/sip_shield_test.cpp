// The SIP port under attack (decisions 0029 and 0030): floods from one source, scanners, probes
// that try to tell numbers apart, and more calls than the service has room for. The trunk is
// 127.0.0.1; other loopback addresses (127.0.0.2…) play the internet.
#include <chrono>
#include <cstdio>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "integration/telephony_fixture.hpp"

namespace fr::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kUnknownNumber = "+4924155669999";  // not in the number inventory

// An out-of-dialog request from `peer` to the service for `number`; `n` keeps Call-IDs apart.
std::string Request(const std::string& method, const std::string& number, const UdpPeer& peer,
                    int n, const std::string& user_agent = "probe/1.0") {
  const std::string via = peer.ip() + ":" + std::to_string(peer.port());
  return method + " sip:" + number + "@127.0.0.1 SIP/2.0\r\n" +
         "Via: SIP/2.0/UDP " + via + ";branch=z9hG4bK" + method + std::to_string(n) + "\r\n" +
         "From: <sip:probe@" + via + ">;tag=probe" + std::to_string(n) + "\r\n" +
         "To: <sip:" + number + "@127.0.0.1>\r\n" + "Call-ID: probe-" + std::to_string(n) +
         "\r\n" + "CSeq: 1 " + method + "\r\n" + "Contact: <sip:probe@" + via + ">\r\n" +
         "User-Agent: " + user_agent + "\r\nMax-Forwards: 70\r\n" +
         (method == "SUBSCRIBE" ? "Event: presence\r\nExpires: 60\r\n" : "") +
         (method == "INVITE" ? "Content-Type: application/sdp\r\n" : "") +
         "Content-Length: " + std::to_string(method == "INVITE" ? 63 : 0) + "\r\n\r\n" +
         (method == "INVITE"
              ? "v=0\r\no=p 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
              : "");
}

// What an answer says once what the request itself chose (tags, branch, Call-ID, the number
// asked for) is taken out: two answers that differ here tell the asker something.
std::string Canonical(std::string response, const std::string& number) {
  for (const auto& [pattern, replacement] :
       std::vector<std::pair<std::string, std::string>>{{"tag=[^;\r\n]*", "tag=T"},
                                                        {"branch=[^;\r\n]*", "branch=B"},
                                                        {"Call-ID: [^\r\n]*", "Call-ID: C"},
                                                        {"probe[0-9]+|probe-[0-9]+", "P"}}) {
    response = std::regex_replace(response, std::regex(pattern), replacement);
  }
  for (std::size_t at = response.find(number); at != std::string::npos;
       at = response.find(number, at)) {
    response.replace(at, number.size(), "NUMBER");
  }
  return response;
}

// The value of one metric line of /metrics ("name" or "name{labels}"); -1 when absent.
double Metric(const std::string& metrics, const std::string& series) {
  std::istringstream lines(metrics);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  }
  return -1;
}

// Only 127.0.0.1 is the trunk: the rest of 127.0.0.0/8 is the internet here.
class SipShieldTest : public TelephonyTest {
 protected:
  std::vector<std::string> EngineArgs() override {
    std::vector<std::string> args = {"--sip-trunk-allow", "127.0.0.1"};
    const auto more = ShieldArgs();
    args.insert(args.end(), more.begin(), more.end());
    return args;
  }
  virtual std::vector<std::string> ShieldArgs() { return {}; }

  std::string Metrics() { return client_->Get("/metrics", {}).body; }
};

TEST_F(SipShieldTest, AFloodIsBlockedWhileTheTrunksCallsAreAnsweredBridgedAndLogged) {
  const std::int64_t hotline = CreateHotline({{"ttsInbound", ""}, {"ttsOutbound", ""}});
  constexpr int kCalls = 3;
  RtpProbe caller_audio, agent_audio;
  SippProcess trunk(Scenario("trunk_answer_then_bye.xml"),
                    TrunkArgs(agent_audio, {"-d", "1000", "-m", std::to_string(kCalls)}),
                    trunk_port_);
  // One call after the other: Ann's phone takes one call at a time.
  SippProcess caller(Scenario("caller_wait_bye.xml"),
                     CallerArgs("+4924155660000", caller_audio,
                                {"-m", std::to_string(kCalls), "-l", "1", "-r", "10"}));
  constexpr int kFloodInvites = 300;
  SippProcess flood(Scenario("flood_invite.xml"),
                    {"-i", "127.0.0.2", "-s", "+4924155660000", "-nr", "-r", "300", "-m",
                     std::to_string(kFloodInvites), "127.0.0.1:" + std::to_string(sip_port_)});

  // sipp counts every INVITE left unanswered as a failed call: it only has to finish.
  EXPECT_NE(flood.Wait(20s), -1) << flood.Logs();
  EXPECT_EQ(caller.Wait(), 0) << caller.Logs();
  EXPECT_EQ(trunk.Wait(), 0) << trunk.Logs();

  // Every call of the trunk was answered by the agent, bridged and logged.
  const json page = client_->Get("/v1/hotlines/" + Str(hotline) + "/call-logs", {Pat(ann_token_)}).Json();
  ASSERT_EQ(page["totalCallLogs"], kCalls) << page;
  for (const auto& log : page["callLogs"]) {
    EXPECT_EQ(log["outcome"], "answered") << log;
    EXPECT_FALSE(log["answeredBy"].is_null()) << log;
  }
  // The flood got answers only until it was blocked: its first requests (INVITE and ACK
  // count alike) within --sip-source-rate, 20 a second.
  const std::size_t refusals = flood.ReceivedResponses(403);
  EXPECT_GE(refusals, 1u) << flood.Logs();
  EXPECT_LE(refusals, 20u);
  const std::string metrics = Metrics();
  EXPECT_EQ(Metric(metrics, "fr_sip_blocked_sources"), 1) << metrics;
  EXPECT_GE(Metric(metrics, R"(fr_sip_requests_dropped_total{reason="blocked_source"})"),
            kFloodInvites - 20)
      << metrics;
  EXPECT_EQ(Metric(metrics, "fr_sip_dialogs_in_progress"), 0) << metrics;
  EXPECT_NE(server_.Stderr().find("sip: blocking 127.0.0.2 for 300 s"), std::string::npos)
      << server_.Stderr();
}

TEST_F(SipShieldTest, AScannersRequestsGetNoAnswerAtAll) {
  CreateHotline();
  UdpPeer scanner("127.0.0.3");
  int n = 0;
  for (const std::string method : {"OPTIONS", "INVITE", "REGISTER"}) {
    scanner.Send(sip_port_, Request(method, "+4924155660000", scanner, ++n, "friendly-scanner"));
    EXPECT_TRUE(scanner.Receive(1s).empty()) << method;
  }
  // The same address with another User-Agent is answered: what was dropped was the scanner.
  scanner.Send(sip_port_, Request("OPTIONS", "+4924155660000", scanner, ++n, "Linphone/5.2"));
  const auto answers = scanner.Receive(2s);
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0].rfind("SIP/2.0 403 ", 0), 0u) << answers[0];
  EXPECT_EQ(Metric(Metrics(), R"(fr_sip_requests_dropped_total{reason="scanner"})"), 3);
}

// Whether a number exists must not show in any answer to a source outside the trunk.
TEST_F(SipShieldTest, OutsideTheTrunkAnExistingAndAnUnknownNumberGetTheSameAnswers) {
  CreateHotline();
  UdpPeer outsider("127.0.0.4");
  int n = 0;
  for (const std::string method :
       {"REGISTER", "SUBSCRIBE", "MESSAGE", "OPTIONS", "INFO", "NOTIFY", "INVITE"}) {
    std::vector<std::string> canonical;
    for (const std::string number : {"+4924155660000", kUnknownNumber}) {
      outsider.Send(sip_port_, Request(method, number, outsider, ++n));
      const auto answers = outsider.Receive(2s);
      ASSERT_FALSE(answers.empty()) << method << " " << number;
      std::string joined;
      for (const auto& answer : answers) joined += Canonical(answer, number);
      canonical.push_back(joined);
    }
    EXPECT_EQ(canonical[0], canonical[1]) << method;
    EXPECT_EQ(canonical[0].rfind("SIP/2.0 ", 0), 0u) << canonical[0];
    std::this_thread::sleep_for(200ms);  // stay below --sip-source-rate
  }
  // From the trunk the same numbers are told apart, as a carrier needs it.
  UdpPeer trunk("127.0.0.1");
  trunk.Send(sip_port_, Request("INVITE", kUnknownNumber, trunk, ++n));
  const auto answers = trunk.Receive(5s);
  ASSERT_FALSE(answers.empty());
  EXPECT_EQ(answers.back().rfind("SIP/2.0 404 ", 0), 0u) << answers.back();
}

// What a SIPVicious tool prints, both streams, run from `source` against the service; it gives
// up on a silent target after a few seconds by itself, `timeout` bounds it anyway.
std::string RunSipVicious(const std::string& tool, const std::string& source, int sip_port,
                          const std::string& args) {
  const std::string command = "timeout 30 " + tool + " -b " + source + " -p " +
                              std::to_string(sip_port) + " " + args + " 127.0.0.1 2>&1";
  std::string output;
  if (FILE* pipe = popen(command.c_str(), "r")) {
    char buffer[4096];
    while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
    pclose(pipe);
  }
  return output;
}

TEST_F(SipShieldTest, SipViciousFindsNothing) {
  CreateHotline();
  EXPECT_NE(RunSipVicious(FR_SVMAP, "127.0.0.5", sip_port_, "").find("found nothing"),
            std::string::npos);
  // The hotline's number, a number of the inventory without a hotline, and an unknown one.
  const std::string output =
      RunSipVicious(FR_SVWAR, "127.0.0.5", sip_port_, "-m INVITE -T 004924155660%#03i -e 0-2");
  EXPECT_NE(output.find("found nothing"), std::string::npos) << output;
  EXPECT_EQ(output.find("004924155660"), std::string::npos) << output;
}

// Without the User-Agent list the scanners are answered, and still learn nothing: every
// number they try gets the same answer. (svwar 0.3.3 ignores its -b and sends from 127.0.0.1:
// here the sources allowed to call in are elsewhere, so that loopback is outside.)
class NoScannerListTest : public TelephonyTest {
 protected:
  std::vector<std::string> EngineArgs() override {
    return {"--sip-trunk-allow", "192.0.2.0/24", "--sip-scanner-user-agents", "none"};
  }
};

// svwar's verdict on `extension` ("weird", "reqauth", …), or "nothing" when it lists none.
std::string SvwarVerdict(const std::string& output, const std::string& extension) {
  std::smatch match;
  if (!std::regex_search(output, match, std::regex("\\| " + extension + " +\\| (\\w+)"))) {
    return "nothing";
  }
  return match[1];
}

TEST_F(NoScannerListTest, SipViciousTellsNoNumberApart) {
  CreateHotline();
  // INVITEs all get 403 before routing: svwar finds nothing. REGISTERs all get 405: svwar
  // calls every extension it tries "weird", the hotline's as much as a made-up one.
  for (const std::string method : {"INVITE", "REGISTER"}) {
    const std::string output = RunSipVicious(FR_SVWAR, "127.0.0.5", sip_port_,
                                             "-m " + method + " -T 004924155660%#03i -e 0-2");
    const std::string hotline = SvwarVerdict(output, "004924155660000");
    EXPECT_EQ(SvwarVerdict(output, "004924155660001"), hotline) << method << ": " << output;
    EXPECT_EQ(SvwarVerdict(output, "004924155660002"), hotline) << method << ": " << output;
    if (method == "INVITE") {
      EXPECT_EQ(hotline, "nothing") << output;
    }
  }
  EXPECT_EQ(Metric(client_->Get("/metrics", {}).body,
                   R"(fr_sip_requests_dropped_total{reason="scanner"})"),
            0);
}

class DialogCapTest : public SipShieldTest {
 protected:
  std::vector<std::string> ShieldArgs() override { return {"--sip-max-dialogs", "2"}; }
};

TEST_F(DialogCapTest, AboveTheCapANewInviteGets503WithRetryAfterAndTheCallUpIsUnharmed) {
  const std::int64_t hotline = CreateHotline({{"ttsInbound", ""}, {"ttsOutbound", ""}});
  RtpProbe caller_audio, agent_audio;
  SippProcess trunk(Scenario("trunk_answer_then_bye.xml"), TrunkArgs(agent_audio, {"-d", "3000"}),
                    trunk_port_);
  SippProcess caller(Scenario("caller_wait_bye.xml"), CallerArgs("+4924155660000", caller_audio));
  // The caller's leg and the agent's: two dialogs, the cap.
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (Metric(Metrics(), "fr_sip_dialogs_in_progress") < 2 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_EQ(Metric(Metrics(), "fr_sip_dialogs_in_progress"), 2) << trunk.Logs();

  UdpPeer another_caller("127.0.0.1");
  another_caller.Send(sip_port_, Request("INVITE", "+4924155660000", another_caller, 1));
  const auto answers = another_caller.Receive(5s);
  ASSERT_FALSE(answers.empty());
  EXPECT_EQ(answers.back().rfind("SIP/2.0 503 ", 0), 0u) << answers.back();
  EXPECT_EQ(SipHeader(answers.back(), "Retry-After"), "10") << answers.back();

  EXPECT_EQ(trunk.Wait(), 0) << trunk.Logs();
  EXPECT_EQ(caller.Wait(), 0) << caller.Logs();
  const json log = WaitForEndedCall(hotline);
  EXPECT_EQ(log["outcome"], "answered") << log;
  EXPECT_GE(log["durationSeconds"].get<double>(), 3) << log;
  const std::string metrics = Metrics();
  EXPECT_EQ(Metric(metrics, "fr_sip_invites_over_dialog_cap_total"), 1) << metrics;
  EXPECT_EQ(Metric(metrics, "fr_sip_dialogs_in_progress"), 0) << metrics;
}

}  // namespace
}  // namespace fr::testing
