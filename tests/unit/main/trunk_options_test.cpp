#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "main/telephony_options.hpp"
#include "support/temp_dir.hpp"

namespace fr {
namespace {

class TrunkOptionsTest : public ::testing::Test {
 protected:
  std::string PasswordFile(const std::string& content) {
    const auto path = dir_.path() / ("password" + std::to_string(++files_));
    std::ofstream(path) << content;
    return path.string();
  }
  static TelephonyOptions WithAccount(std::string username = "hotline-7") {
    TelephonyOptions options;
    options.sip_trunk = "192.0.2.10:5060";
    options.sip_trunk_username = std::move(username);
    return options;
  }

  testing::TempDir dir_;
  int files_ = 0;
};

TEST_F(TrunkOptionsTest, ThePasswordIsTheFilesFirstLineAndTheFileWinsOverTheEnvironment) {
  TelephonyOptions options = WithAccount();
  options.sip_trunk_password_file = PasswordFile("s3cret pass\r\nsecond line\n");
  auto trunk = TrunkOptionsOf(options, "from-environment");
  ASSERT_TRUE(trunk.ok()) << trunk.error().detail;
  ASSERT_TRUE(trunk->credentials);
  EXPECT_EQ(trunk->credentials->username, "hotline-7");
  EXPECT_EQ(trunk->credentials->password, "s3cret pass");
  EXPECT_EQ(trunk->transport, sip::TrunkTransport::kUdp);
}

TEST_F(TrunkOptionsTest, ThePasswordMayComeFromTheEnvironment) {
  TelephonyOptions options = WithAccount();
  options.sip_trunk_realm = "carrier.example";
  auto trunk = TrunkOptionsOf(options, "from-environment");
  ASSERT_TRUE(trunk.ok()) << trunk.error().detail;
  EXPECT_EQ(trunk->credentials->password, "from-environment");
  EXPECT_EQ(trunk->credentials->realm, "carrier.example");
}

TEST_F(TrunkOptionsTest, NoAccountMeansNoCredentials) {
  auto trunk = TrunkOptionsOf(TelephonyOptions{}, nullptr);
  ASSERT_TRUE(trunk.ok());
  EXPECT_FALSE(trunk->credentials);
}

TEST_F(TrunkOptionsTest, HalfAnAccountIsAnErrorThatNeverShowsThePassword) {
  const auto without_password = TrunkOptionsOf(WithAccount(), nullptr);
  ASSERT_FALSE(without_password.ok());
  EXPECT_NE(without_password.error().detail.find("needs a password"), std::string::npos);
  TelephonyOptions no_user;
  no_user.sip_trunk_password_file = PasswordFile("s3cret\n");
  const auto without_user = TrunkOptionsOf(no_user, nullptr);
  ASSERT_FALSE(without_user.ok());
  EXPECT_NE(without_user.error().detail.find("no --sip-trunk-username"), std::string::npos);
  EXPECT_EQ(without_user.error().detail.find("s3cret"), std::string::npos);
  EXPECT_FALSE(TrunkOptionsOf(WithAccount(""), "only-a-password").ok());
}

TEST_F(TrunkOptionsTest, BadValuesAreRefusedNamingTheOption) {
  struct Case {
    TelephonyOptions options;
    std::string flag;
  };
  std::vector<Case> cases;
  {
    TelephonyOptions o = WithAccount();
    o.sip_trunk_password_file = (dir_.path() / "missing").string();
    cases.push_back({o, "--sip-trunk-password-file"});
  }
  {
    TelephonyOptions o = WithAccount();
    o.sip_trunk_password_file = PasswordFile("\nlater line\n");
    cases.push_back({o, "--sip-trunk-password-file"});
  }
  {
    TelephonyOptions o;
    o.sip_trunk_realm = "carrier.example";
    cases.push_back({o, "--sip-trunk-realm"});
  }
  {
    TelephonyOptions o;
    o.sip_trunk_from_user = "hotline 7";
    cases.push_back({o, "--sip-trunk-from-user"});
  }
  {
    TelephonyOptions o;
    o.sip_trunk_transport = "TLS1.3";
    cases.push_back({o, "--sip-trunk-transport"});
  }
  {
    TelephonyOptions o;
    o.sip_trunk_transport = "tls";
    cases.push_back({o, "--sip-tls-cert"});
  }
  {
    TelephonyOptions o;
    o.sip_tls_key = PasswordFile("key");
    cases.push_back({o, "--sip-tls-cert and --sip-tls-key are used only with"});
  }
  {
    TelephonyOptions o = WithAccount("hotline\r\nX-Injected: 1");
    o.sip_trunk_password_file = PasswordFile("pw\n");
    cases.push_back({o, "control characters"});
  }
  for (const Case& c : cases) {
    const auto trunk = TrunkOptionsOf(c.options, nullptr);
    ASSERT_FALSE(trunk.ok()) << c.flag;
    EXPECT_EQ(trunk.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(trunk.error().detail.find(c.flag), std::string::npos) << trunk.error().detail;
  }
}

TEST_F(TrunkOptionsTest, AnAccountNeedsATrunk) {
  TelephonyOptions options = WithAccount();
  options.sip_trunk.clear();
  options.sip_trunk_password_file = PasswordFile("pw\n");
  const auto config = EngineConfigOf(options);
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.error().detail.find("needs --sip-trunk"), std::string::npos);
}

TEST_F(TrunkOptionsTest, RegistrationNeedsAnAccountThatFitsAUri) {
  TelephonyOptions options = WithAccount();
  options.sip_trunk_register = true;
  auto trunk = TrunkOptionsOf(options, "pw");
  ASSERT_TRUE(trunk.ok()) << trunk.error().detail;
  EXPECT_TRUE(trunk->register_account);
  EXPECT_FALSE(TrunkOptionsOf(TelephonyOptions{}, nullptr)->register_account);

  TelephonyOptions anonymous;
  anonymous.sip_trunk_register = true;
  const auto without_account = TrunkOptionsOf(anonymous, nullptr);
  ASSERT_FALSE(without_account.ok());
  EXPECT_NE(without_account.error().detail.find("--sip-trunk-username"), std::string::npos);

  TelephonyOptions odd = WithAccount("hotline 7@x");
  odd.sip_trunk_register = true;
  const auto odd_account = TrunkOptionsOf(odd, "pw");
  ASSERT_FALSE(odd_account.ok());
  EXPECT_NE(odd_account.error().detail.find("SIP URI"), std::string::npos);
}

TEST_F(TrunkOptionsTest, TheInboundNumberSourceIsOneOfThree) {
  TelephonyOptions options;
  options.sip_listen = "127.0.0.1:0";
  for (const auto& [name, source] :
       {std::pair{"ruri", sip::InboundNumberSource::kRequestUri},
        std::pair{"to", sip::InboundNumberSource::kTo},
        std::pair{"p-called-party-id", sip::InboundNumberSource::kPCalledPartyId}}) {
    options.sip_inbound_number_from = name;
    const auto config = EngineConfigOf(options);
    ASSERT_TRUE(config.ok()) << config.error().detail;
    EXPECT_EQ(config->inbound_number_from, source) << name;
  }
  options.sip_inbound_number_from = "from";
  const auto bad = EngineConfigOf(options);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().detail.find("--sip-inbound-number-from"), std::string::npos);
}

}  // namespace
}  // namespace fr
