// SIP over TLS to the trunk (decision 0022), against a trunk written with python3's ssl module:
// sipp has no TLS in Debian's build. Certificates are made by the openssl command per test.
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "sip_test_fixture.hpp"

namespace fr::sip::testing {
namespace {

std::string ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class SipTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/fr-sip-tls-test-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    // The trunk's certificate names 127.0.0.1, the host we dial; ours names the service.
    MakeCertificate("trunk", "127.0.0.1", "DNS:127.0.0.1,IP:127.0.0.1");
    MakeCertificate("service", "hotline.example", "DNS:hotline.example");
  }
  void TearDown() override {
    if (endpoint_) endpoint_->Stop();
    if (trunk_.joinable()) trunk_.join();
    std::filesystem::remove_all(dir_);
  }

  void MakeCertificate(const std::string& name, const std::string& cn, const std::string& san) {
    const std::string command =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2"
        " -keyout " + (dir_ / (name + "-key.pem")).string() +
        " -out " + (dir_ / (name + "-cert.pem")).string() + " -subj /CN=" + cn +
        " -addext subjectAltName=" + san + " >/dev/null 2>&1";
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
  }

  // Starts the python trunk and returns its port.
  std::uint16_t StartTrunk() {
    const std::string command =
        "python3 " + std::string(FR_SIP_TLS_TRUNK) + " " + (dir_ / "trunk-cert.pem").string() +
        " " + (dir_ / "trunk-key.pem").string() + " " + (dir_ / "port").string() + " > " +
        (dir_ / "trunk.log").string() + " 2>&1";
    trunk_ = std::thread([command] { (void)std::system(command.c_str()); });
    for (int i = 0; i < 200 && !std::filesystem::exists(dir_ / "port"); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return static_cast<std::uint16_t>(std::stoi(ReadAll(dir_ / "port")));
  }

  // The endpoint dials the trunk over TLS, trusting `ca_file`.
  void StartEndpoint(std::uint16_t trunk_port, const std::filesystem::path& ca_file) {
    SipConfig config;
    config.listen_host = "127.0.0.1";
    config.listen_port = 0;
    config.trunk_host = "127.0.0.1";
    config.trunk_port = trunk_port;
    config.trunk.transport = TrunkTransport::kTls;
    config.trunk.tls_certificate_file = (dir_ / "service-cert.pem").string();
    config.trunk.tls_private_key_file = (dir_ / "service-key.pem").string();
    config.trunk.tls_ca_file = ca_file.string();
    endpoint_ =
        std::make_unique<SipEndpoint>(config, [this](SipEvent e) { events_.Push(std::move(e)); });
    auto port = endpoint_->Start();
    ASSERT_TRUE(port.ok()) << port.error().detail;
  }

  std::string TrunkLog() {
    if (trunk_.joinable()) trunk_.join();
    return ReadAll(dir_ / "trunk.log");
  }

  static OutgoingCall AgentCall() {
    return {"+4930200001", "+4924155660001", "Krisenhotline Nord",
            BuildAudioSdp("127.0.0.1", 40000, kPayloadPcmu, 101, 42)};
  }

  std::filesystem::path dir_;
  std::thread trunk_;
  EventLog events_;
  std::unique_ptr<SipEndpoint> endpoint_;
};

TEST_F(SipTlsTest, ATrustedTrunkGetsTheInviteOverTls) {
  const std::uint16_t port = StartTrunk();
  StartEndpoint(port, dir_ / "trunk-cert.pem");
  auto leg = endpoint_->Dial(AgentCall());
  ASSERT_TRUE(leg.ok());
  auto ended = events_.WaitEnded(*leg);
  ASSERT_TRUE(ended) << TrunkLog();
  EXPECT_EQ(ended->cause, EndCause::kRejected) << ended->reason << "\n" << TrunkLog();
  EXPECT_EQ(ended->status, 486);
  EXPECT_NE(TrunkLog().find("received: INVITE sip:+4930200001@127.0.0.1:" + std::to_string(port) +
                            ";transport=tls SIP/2.0"),
            std::string::npos);
}

// Two trunks whose certificates fail verification: one self-signed, unknown to the system's CA
// store; one trusted but naming another host. Each connection is dropped before any request.
// (Such a leg ends only when its INVITE times out, 32 s later, or the ring timeout hangs it up:
// sofia reports nothing sooner, and no CANCEL can go before a provisional response. So both
// run side by side, and the endpoints stop in parallel.)
TEST_F(SipTlsTest, TrunkCertificatesThatFailVerificationGetNoInvite) {
  const std::uint16_t untrusted = StartTrunk();
  StartEndpoint(untrusted, "/etc/ssl/certs/ca-certificates.crt");
  ASSERT_TRUE(endpoint_->Dial(AgentCall()).ok());
  EXPECT_NE(TrunkLog().find("no request"), std::string::npos) << TrunkLog();
  auto first = std::move(endpoint_);

  std::filesystem::remove(dir_ / "port");
  MakeCertificate("trunk", "carrier.example", "DNS:carrier.example");
  const std::uint16_t other_host = StartTrunk();
  StartEndpoint(other_host, dir_ / "trunk-cert.pem");
  ASSERT_TRUE(endpoint_->Dial(AgentCall()).ok());
  EXPECT_NE(TrunkLog().find("no request"), std::string::npos) << TrunkLog();
  std::thread stop_first([&first] { first->Stop(); });
  endpoint_->Stop();
  stop_first.join();
}

TEST_F(SipTlsTest, StartFailsClearlyOnAKeyThatIsNotTheCertificates) {
  MakeCertificate("other", "other.example", "DNS:other.example");
  SipConfig config;
  config.listen_port = 0;
  config.trunk_host = "127.0.0.1";
  config.trunk.transport = TrunkTransport::kTls;
  config.trunk.tls_certificate_file = (dir_ / "service-cert.pem").string();
  config.trunk.tls_private_key_file = (dir_ / "other-key.pem").string();
  SipEndpoint endpoint(config, [](SipEvent) {});
  auto port = endpoint.Start();
  ASSERT_FALSE(port.ok());
  EXPECT_EQ(port.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(port.error().detail.find("does not belong to the certificate"), std::string::npos)
      << port.error().detail;
}

}  // namespace
}  // namespace fr::sip::testing
