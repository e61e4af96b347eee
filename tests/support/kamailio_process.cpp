#include "support/kamailio_process.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <initializer_list>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace fr::testing {
namespace {

constexpr int kStartAttempts = 3;  // a port taken between choosing and binding it costs a retry

// -A NAME="value": a string define. Kamailio's config strings have escapes; the carrier's values
// never need them, so they are refused rather than mangled.
std::string StringDefine(const std::string& name, const std::string& value) {
  if (value.find_first_of("\"\\") != std::string::npos) {
    throw std::invalid_argument("carrier setting " + name + " may not contain '\"' or '\\'");
  }
  return name + "=\"" + value + "\"";
}

std::string OptionsRequest(std::uint16_t to_port, std::uint16_t from_port, int sequence) {
  const std::string to = "127.0.0.1:" + std::to_string(to_port);
  const std::string from = "127.0.0.1:" + std::to_string(from_port);
  const std::string branch = "z9hG4bK-carrier-ready-" + std::to_string(sequence);
  return "OPTIONS sip:" + to + " SIP/2.0\r\nVia: SIP/2.0/UDP " + from + ";branch=" + branch +
         ";rport\r\nFrom: <sip:probe@" + from + ">;tag=ready\r\nTo: <sip:" + to +
         ">\r\nCall-ID: carrier-ready-" + std::to_string(sequence) + "@" + from +
         "\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
}

}  // namespace

KamailioProcess::KamailioProcess(CarrierSettings settings) : settings_(std::move(settings)) {
  if (settings_.tls) WriteTlsFiles();
  const int attempts = settings_.port != 0 ? 1 : kStartAttempts;
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    port_ = settings_.port != 0 ? settings_.port : FreeUdpAndTcpPort();
    tls_port_ = settings_.tls ? FreeTcpPort() : 0;
    process_ =
        std::make_unique<PeerProcess>(Arguments(), dir_.path() / "kamailio.log", dir_.path());
    if (AnswersOptions(std::chrono::seconds(10))) return;
    process_->Stop();
  }
  throw std::runtime_error("Kamailio did not start:\n" + Log());
}

KamailioProcess::~KamailioProcess() {
  if (process_) process_->Stop();
}

std::vector<std::string> KamailioProcess::Arguments() const {
  const std::string dir = dir_.path().string();
  const std::string udp_tcp = "127.0.0.1:" + std::to_string(port_);
  // Foreground, logging to stderr; its working and runtime directory the temporary one.
  std::vector<std::string> args = {FR_KAMAILIO_PROGRAM, "-DD", "-E", "-f", FR_CARRIER_CONFIG};
  const auto add = [&args](std::initializer_list<std::string> more) {
    args.insert(args.end(), more);
  };
  add({"-w", dir, "-Y", dir, "-m", "32", "-M", "8"});
  add({"-l", "udp:" + udp_tcp, "-l", "tcp:" + udp_tcp});
  add({"-A", StringDefine("REALM", settings_.realm)});
  add({"-A", StringDefine("SERVICE_USER", settings_.service_user)});
  add({"-A", StringDefine("SERVICE_PASSWORD", settings_.service_password)});
  add({"-A", "MAX_EXPIRES=" + std::to_string(settings_.max_expires)});
  if (settings_.phone_password) {
    add({"-A", StringDefine("PHONE_PASSWORD", *settings_.phone_password)});
  }
  const auto define_if_set = [&add](const std::string& name, const std::string& value) {
    if (!value.empty()) add({"-A", StringDefine(name, value)});
  };
  define_if_set("AUTH_ALGORITHM", settings_.auth_algorithm);
  define_if_set("HOTLINE_NUMBERS", settings_.hotline_numbers);
  define_if_set("SERVICE_HOSTPORT", settings_.service_hostport);
  define_if_set("SERVICE_TRANSPORT", settings_.service_transport);
  if (settings_.challenge_invites_with_401) add({"-A", "INVITE_CHALLENGE_401"});
  if (settings_.tls) {
    add({"-l", "tls:127.0.0.1:" + std::to_string(tls_port_), "-A", "WITH_TLS"});
    add({"-A", StringDefine("TLS_CONFIG", (dir_.path() / "tls.cfg").string())});
  }
  return args;
}

void KamailioProcess::WriteTlsFiles() const {
  const std::filesystem::path key = dir_.path() / "carrier-key.pem";
  PeerProcess openssl({FR_OPENSSL_PROGRAM, "req", "-x509", "-newkey", "ec", "-pkeyopt",
                       "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key.string(), "-out",
                       tls_certificate().string(), "-days", "2", "-subj", "/CN=127.0.0.1",
                       "-addext", "subjectAltName=IP:127.0.0.1"},
                      dir_.path() / "openssl.log", dir_.path());
  if (openssl.WaitForExit(std::chrono::seconds(20)) != 0) {
    throw std::runtime_error("openssl could not make the carrier's certificate:\n" + openssl.Log());
  }
  // Kamailio's TLS profiles: its server side presents the certificate and asks for none; its
  // client side (towards a service listening on TLS) accepts any certificate, since the tests'
  // certificates are self-signed.
  std::ofstream config(dir_.path() / "tls.cfg");
  config << "[server:default]\nmethod = TLSv1.2+\nverify_certificate = no\n"
            "require_certificate = no\ncertificate = "
         << tls_certificate().string() << "\nprivate_key = " << key.string()
         << "\n\n[client:default]\nmethod = TLSv1.2+\nverify_certificate = no\n"
            "require_certificate = no\n";
}

bool KamailioProcess::AnswersOptions(std::chrono::milliseconds timeout) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in local{};
  local.sin_family = AF_INET;
  local.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local);
  socklen_t length = sizeof local;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length);
  sockaddr_in carrier = local;
  carrier.sin_port = htons(port_);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  bool ready = false;
  for (int sequence = 1; !ready && std::chrono::steady_clock::now() < deadline; ++sequence) {
    if (!process_->Running()) break;
    const std::string request = OptionsRequest(port_, ntohs(local.sin_port), sequence);
    ::sendto(fd, request.data(), request.size(), 0, reinterpret_cast<sockaddr*>(&carrier),
             sizeof carrier);
    pollfd readable{fd, POLLIN, 0};
    if (::poll(&readable, 1, 100) > 0) {
      char buffer[2048];
      const ssize_t received = ::recv(fd, buffer, sizeof buffer, 0);
      ready = received > 0 &&
              std::string(buffer, static_cast<std::size_t>(received)).rfind("SIP/2.0 200", 0) == 0;
    }
  }
  ::close(fd);
  return ready;
}

std::string KamailioProcess::Log() const { return process_ ? process_->Log() : ""; }

std::vector<std::string> KamailioProcess::CarrierLines() const {
  std::vector<std::string> lines;
  std::istringstream log(Log());
  std::string line;
  while (std::getline(log, line)) {
    const auto start = line.find("carrier: ");
    if (start != std::string::npos) lines.push_back(line.substr(start));
  }
  return lines;
}

bool KamailioProcess::WaitForLine(const std::string& text,
                                  std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    for (const std::string& line : CarrierLines()) {
      if (line.find(text) != std::string::npos) return true;
    }
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace fr::testing
