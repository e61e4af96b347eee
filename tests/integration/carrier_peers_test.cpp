// The test peers on their own, before any test puts the service between them: Kamailio as the
// carrier (tests/peers/kamailio/carrier.cfg) and baresip phones registered behind it with digest
// authentication, calling each other through it with audio and DTMF both ways. If these fail, a
// failing end-to-end test of the service says nothing about the service.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <regex>
#include <string>
#include <thread>

#include "support/baresip_process.hpp"
#include "support/kamailio_process.hpp"

namespace fr::testing {
namespace {

using namespace std::chrono_literals;
namespace event = baresip_event;

constexpr const char* kPhonePassword = "phone-secret";
constexpr const char* kCallerNumber = "0049170111111";
constexpr const char* kCalleeNumber = "0049170222222";
constexpr int kCallerTone = 440;
constexpr int kCalleeTone = 1000;

CarrierSettings PhonesNeedPasswords() {
  CarrierSettings settings;
  settings.phone_password = kPhonePassword;
  return settings;
}

BaresipSettings Phone(const std::string& number, const KamailioProcess& carrier, int tone_hz) {
  BaresipSettings settings;
  settings.user = number;
  settings.domain = carrier.host_port();
  settings.password = kPhonePassword;
  settings.tone_hz = tone_hz;
  return settings;
}

// Only for lines that must be absent: Kamailio writes its log after it answers, so a line that
// must be there is awaited (WaitForLine).
bool HasLine(const KamailioProcess& carrier, const std::string& text) {
  const auto lines = carrier.CarrierLines();
  return std::any_of(lines.begin(), lines.end(),
                     [&](const std::string& line) { return line.find(text) != std::string::npos; });
}

std::string Logs(const KamailioProcess& carrier, const BaresipProcess& caller,
                 const BaresipProcess& callee) {
  return "--- Kamailio:\n" + carrier.Log() + caller.Logs() + callee.Logs();
}

// What one phone heard: `expected_hz` clearly (the other phone's voice), and not its own tone.
void ExpectHeard(const PcmAudio& heard, int expected_hz, int own_hz, const std::string& logs) {
  EXPECT_GE(heard.Seconds(), 1.0) << logs;
  const double voice = ToneAmplitude(heard, expected_hz);
  EXPECT_GT(voice, 2000.0) << "rms " << Rms(heard) << "\n" << logs;
  EXPECT_LT(ToneAmplitude(heard, own_hz), voice / 10) << logs;
}

// Places a call from `caller` to `callee_number` and waits until both sides have it up.
void Connect(BaresipProcess& caller, BaresipProcess& callee, const std::string& callee_number,
             const KamailioProcess& carrier) {
  caller.Dial(callee_number);
  ASSERT_TRUE(callee.WaitForEvent(event::kCallEstablished, 10s)) << Logs(carrier, caller, callee);
  ASSERT_TRUE(caller.WaitForEvent(event::kCallEstablished, 10s)) << Logs(carrier, caller, callee);
}

void HangUpAndWait(BaresipProcess& caller, BaresipProcess& callee, const KamailioProcess& carrier) {
  caller.HangUp();
  ASSERT_TRUE(callee.WaitForEvent(event::kCallClosed, 10s)) << Logs(carrier, caller, callee);
  ASSERT_TRUE(caller.WaitForEvent(event::kCallClosed, 10s)) << Logs(carrier, caller, callee);
}

// Hex digest of `text` with `algorithm` ("MD5" or "SHA256"), as RFC 7616 computes H().
std::string Hash(const char* algorithm, const std::string& text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(text.data(), text.size(), digest, &length, EVP_get_digestbyname(algorithm), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0x0f];
  }
  return hex;
}

// The service's side of a registration, by hand: REGISTERs from one UDP socket, so a test can
// answer the carrier's challenge with exactly the digest it chooses.
class RegisteringAccount {
 public:
  RegisteringAccount(const KamailioProcess& carrier, std::string user)
      : carrier_(carrier), user_(std::move(user)), fd_(::socket(AF_INET, SOCK_DGRAM, 0)) {
    sockaddr_in local{};
    local.sin_family = AF_INET;
    local.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local);
    socklen_t length = sizeof local;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&local), &length);
    port_ = ntohs(local.sin_port);
  }
  ~RegisteringAccount() { ::close(fd_); }

  // Sends a REGISTER (with `authorization` as its Authorization header value, if any) and
  // returns the final response, or "" after 3 s.
  std::string Register(const std::string& authorization = "") {
    ++cseq_;
    const std::string me = "127.0.0.1:" + std::to_string(port_);
    const std::string request =
        "REGISTER " + RequestUri() + " SIP/2.0\r\nVia: SIP/2.0/UDP " + me +
        ";rport;branch=z9hG4bK-register-" + std::to_string(cseq_) + "\r\nFrom: <sip:" + user_ +
        "@" + carrier_.host_port() + ">;tag=account\r\nTo: <sip:" + user_ + "@" +
        carrier_.host_port() + ">\r\nCall-ID: register-" + me +
        "\r\nCSeq: " + std::to_string(cseq_) + " REGISTER\r\nContact: <sip:" + user_ + "@" + me +
        ">\r\nExpires: 60\r\nMax-Forwards: 70\r\n" +
        (authorization.empty() ? "" : "Authorization: " + authorization + "\r\n") +
        "Content-Length: 0\r\n\r\n";
    sockaddr_in carrier{};
    carrier.sin_family = AF_INET;
    carrier.sin_port = htons(carrier_.port());
    carrier.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::sendto(fd_, request.data(), request.size(), 0, reinterpret_cast<sockaddr*>(&carrier),
             sizeof carrier);
    pollfd readable{fd_, POLLIN, 0};
    char buffer[4096];
    while (::poll(&readable, 1, 3000) > 0) {
      const ssize_t received = ::recv(fd_, buffer, sizeof buffer, 0);
      const std::string response(buffer, static_cast<std::size_t>(std::max<ssize_t>(received, 0)));
      if (response.rfind("SIP/2.0 1", 0) != 0) return response;
    }
    return "";
  }

  // The Authorization value answering `challenge` (a 401's WWW-Authenticate) with qop=auth,
  // hashed with `algorithm` ("MD5" or "SHA256") whatever the challenge asked for.
  std::string Answer(const std::string& challenge, const char* algorithm,
                     const std::string& password) const {
    std::smatch nonce, realm;
    std::regex_search(challenge, nonce, std::regex("nonce=\"([^\"]*)\""));
    std::regex_search(challenge, realm, std::regex("realm=\"([^\"]*)\""));
    const std::string ha1 = Hash(algorithm, user_ + ":" + realm[1].str() + ":" + password);
    const std::string ha2 = Hash(algorithm, "REGISTER:" + RequestUri());
    const std::string response =
        Hash(algorithm, ha1 + ":" + nonce[1].str() + ":00000001:0a4f113b:auth:" + ha2);
    return "Digest username=\"" + user_ + "\", realm=\"" + realm[1].str() + "\", nonce=\"" +
           nonce[1].str() + "\", uri=\"" + RequestUri() + "\", response=\"" + response +
           "\", algorithm=" + (std::string(algorithm) == "MD5" ? "MD5" : "SHA-256") +
           ", qop=auth, nc=00000001, cnonce=\"0a4f113b\"";
  }

 private:
  std::string RequestUri() const { return "sip:" + carrier_.host_port(); }

  const KamailioProcess& carrier_;
  std::string user_;
  int fd_;
  std::uint16_t port_ = 0;
  int cseq_ = 0;
};

std::string StatusLine(const std::string& response) {
  return response.substr(0, response.find('\r'));
}

std::string Challenge(const std::string& response) {
  std::smatch match;
  std::regex_search(response, match, std::regex("WWW-Authenticate: *([^\r]*)"));
  return match[1];
}

TEST(CarrierPeersTest, PhonesRegisteredWithDigestCallEachOtherWithAudioAndDtmf) {
  KamailioProcess carrier(PhonesNeedPasswords());
  BaresipProcess caller(Phone(kCallerNumber, carrier, kCallerTone));
  BaresipSettings callee_settings = Phone(kCalleeNumber, carrier, kCalleeTone);
  callee_settings.answer_mode = AnswerMode::kAuto;
  BaresipProcess callee(callee_settings);
  // Both registrations were challenged before they were accepted.
  EXPECT_TRUE(carrier.WaitForLine(std::string("challenging REGISTER for ") + kCallerNumber, 2s));
  EXPECT_TRUE(carrier.WaitForLine(std::string("registered ") + kCallerNumber, 2s));
  EXPECT_TRUE(carrier.WaitForLine(std::string("registered ") + kCalleeNumber, 2s));

  Connect(caller, callee, kCalleeNumber, carrier);
  EXPECT_TRUE(carrier.WaitForLine("challenging INVITE", 2s)) << carrier.Log();
  EXPECT_TRUE(carrier.WaitForLine(std::string("INVITE authenticated as ") + kCallerNumber, 2s));
  EXPECT_TRUE(carrier.WaitForLine(std::string("INVITE for ") + kCalleeNumber + " to phone", 2s));

  std::this_thread::sleep_for(1s);  // let each side speak for a while
  caller.SendDtmf("1");
  EXPECT_TRUE(callee.WaitForDigits("1", 5s)) << Logs(carrier, caller, callee);
  callee.SendDtmf("2");  // the answering side presses a key too, as an agent confirming does
  EXPECT_TRUE(caller.WaitForDigits("2", 5s)) << Logs(carrier, caller, callee);
  EXPECT_EQ(callee.ReceivedDigits(), "1");
  EXPECT_EQ(caller.ReceivedDigits(), "2");
  std::this_thread::sleep_for(500ms);
  HangUpAndWait(caller, callee, carrier);
  // The BYE took the record-routed path through the carrier.
  EXPECT_TRUE(carrier.WaitForLine("BYE sip:", 2s)) << carrier.Log();

  const std::string logs = Logs(carrier, caller, callee);
  ExpectHeard(callee.ReceivedAudio(), kCallerTone, kCalleeTone, logs);
  ExpectHeard(caller.ReceivedAudio(), kCalleeTone, kCallerTone, logs);
}

TEST(CarrierPeersTest, WrongPasswordDoesNotRegister) {
  KamailioProcess carrier(PhonesNeedPasswords());
  BaresipSettings settings;
  settings.user = kCallerNumber;
  settings.domain = carrier.host_port();
  settings.password = "not-the-phone-secret";
  EXPECT_THROW(BaresipProcess phone(settings), std::runtime_error);
  EXPECT_FALSE(HasLine(carrier, std::string("registered ") + kCallerNumber)) << carrier.Log();
}

TEST(CarrierPeersTest, CallWithoutCredentialsIsRefusedWith407) {
  KamailioProcess carrier(PhonesNeedPasswords());
  BaresipSettings callee_settings = Phone(kCalleeNumber, carrier, kCalleeTone);
  callee_settings.answer_mode = AnswerMode::kAuto;
  BaresipProcess callee(callee_settings);
  BaresipSettings stranger_settings;
  stranger_settings.user = "stranger";
  stranger_settings.domain = carrier.host_port();
  stranger_settings.register_account = false;
  BaresipProcess stranger(stranger_settings);

  stranger.Dial(kCalleeNumber);
  ASSERT_TRUE(stranger.WaitForEvent(event::kCallClosed, 10s)) << Logs(carrier, stranger, callee);
  const auto events = stranger.Events();
  const auto closed = std::find_if(events.begin(), events.end(), [](const BaresipEvent& e) {
    return e.type == event::kCallClosed;
  });
  ASSERT_NE(closed, events.end());
  EXPECT_NE(closed->param.find("407"), std::string::npos) << Logs(carrier, stranger, callee);
  EXPECT_EQ(callee.CountEvents(event::kCallEstablished), 0);
}

TEST(CarrierPeersTest, PhoneOnTlsCallsPhoneOnTcpThatAnswersByHand) {
  CarrierSettings settings = PhonesNeedPasswords();
  settings.tls = true;
  KamailioProcess carrier(settings);
  ASSERT_NE(carrier.tls_port(), 0);
  BaresipSettings caller_settings = Phone(kCallerNumber, carrier, kCallerTone);
  caller_settings.domain = "127.0.0.1:" + std::to_string(carrier.tls_port());
  caller_settings.transport = "tls";
  BaresipProcess caller(caller_settings);
  BaresipSettings callee_settings = Phone(kCalleeNumber, carrier, kCalleeTone);
  callee_settings.transport = "tcp";  // answers by hand (AnswerMode::kManual)
  BaresipProcess callee(callee_settings);
  EXPECT_TRUE(
      carrier.WaitForLine("REGISTER sip:127.0.0.1:" + std::to_string(carrier.tls_port()), 2s))
      << carrier.Log();
  EXPECT_TRUE(carrier.WaitForLine("via tls:127.0.0.1:", 2s)) << carrier.Log();
  EXPECT_TRUE(carrier.WaitForLine("via tcp:127.0.0.1:", 2s)) << carrier.Log();

  caller.Dial(kCalleeNumber);
  ASSERT_TRUE(callee.WaitForEvent(event::kCallIncoming, 10s)) << Logs(carrier, caller, callee);
  ASSERT_TRUE(caller.WaitForEvent(event::kCallRinging, 10s)) << Logs(carrier, caller, callee);
  EXPECT_EQ(caller.CountEvents(event::kCallEstablished), 0);
  callee.Answer();
  ASSERT_TRUE(caller.WaitForEvent(event::kCallEstablished, 10s)) << Logs(carrier, caller, callee);
  EXPECT_TRUE(carrier.WaitForLine(std::string("INVITE for ") + kCalleeNumber + " to phone", 2s))
      << carrier.Log();
  HangUpAndWait(caller, callee, carrier);
}

// The service's account with RFC 8760 digests; the phones (baresip 1.0 knows only MD5) register
// without credentials, as they do when the carrier has no phones' password.
TEST(CarrierPeersTest, ServiceAccountRegistersWithSha256DigestOnly) {
  CarrierSettings settings;
  settings.auth_algorithm = "SHA-256";
  KamailioProcess carrier(settings);
  RegisteringAccount service(carrier, settings.service_user);

  const std::string challenged = service.Register();
  ASSERT_EQ(StatusLine(challenged), "SIP/2.0 401 Unauthorized") << challenged;
  const std::string challenge = Challenge(challenged);
  EXPECT_NE(challenge.find("algorithm=SHA-256"), std::string::npos) << challenge;
  EXPECT_NE(challenge.find("realm=\"carrier.test\""), std::string::npos) << challenge;

  const std::string md5 = service.Register(service.Answer(challenge, "MD5", "hotline-secret"));
  EXPECT_EQ(StatusLine(md5), "SIP/2.0 401 Unauthorized") << md5;
  const std::string wrong = service.Register(service.Answer(Challenge(md5), "SHA256", "guess"));
  EXPECT_EQ(StatusLine(wrong), "SIP/2.0 401 Unauthorized") << wrong;
  const std::string right =
      service.Register(service.Answer(Challenge(wrong), "SHA256", "hotline-secret"));
  EXPECT_EQ(StatusLine(right), "SIP/2.0 200 OK") << right << carrier.Log();
  EXPECT_TRUE(carrier.WaitForLine("registered hotline at <sip:hotline@127.0.0.1:", 2s))
      << carrier.Log();

  BaresipSettings phone;
  phone.user = kCalleeNumber;
  phone.domain = carrier.host_port();
  BaresipProcess registered(phone);  // throws unless it registers
  EXPECT_TRUE(carrier.WaitForLine(std::string("registered ") + kCalleeNumber, 2s));
}

}  // namespace
}  // namespace fr::testing
