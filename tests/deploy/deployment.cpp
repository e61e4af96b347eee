#include "deploy/deployment.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/sipp_process.hpp"

namespace fr::testing {
namespace {

void WriteTextFile(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  if (!out.flush()) throw std::runtime_error("cannot write " + path.string());
}

std::string Replaced(std::string text, const std::string& what,
                     const std::vector<std::pair<std::string, std::string>>& replacements) {
  for (const auto& [from, to] : replacements) {
    const auto at = text.find(from);
    if (at == std::string::npos || text.find(from, at + 1) != std::string::npos) {
      throw std::runtime_error(what + " no longer has exactly one '" + from +
                               "': update the deployment test with the file");
    }
    text.replace(at, from.size(), to);
  }
  return text;
}

bool AcceptsTcp(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool connected = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return connected;
}

// The main configuration around deploy/nginx.conf, which belongs in an http {} block: where a
// packaged nginx keeps its pid, logs and temporary files, here all in `dir`.
std::string NginxMainConfig(const std::filesystem::path& dir) {
  const std::string d = dir.string();
  return "daemon off;\nworker_processes 1;\npid " + d + "/nginx.pid;\nerror_log " + d +
         "/error.log info;\nevents { worker_connections 256; }\nhttp {\n  access_log " + d +
         "/access.log;\n  client_body_temp_path " + d + "/body;\n  proxy_temp_path " + d +
         "/proxy;\n  fastcgi_temp_path " + d + "/fastcgi;\n  uwsgi_temp_path " + d +
         "/uwsgi;\n  scgi_temp_path " + d + "/scgi;\n  include " + d +
         "/first-responder.conf;\n}\n";
}

std::string OptionsRequest(std::uint16_t to_port, std::uint16_t from_port, int sequence) {
  const std::string to = "127.0.0.1:" + std::to_string(to_port);
  const std::string from = "127.0.0.1:" + std::to_string(from_port);
  const std::string id = std::to_string(sequence);
  return "OPTIONS sip:" + to + " SIP/2.0\r\nVia: SIP/2.0/UDP " + from +
         ";branch=z9hG4bK-dispatcher-ready-" + id + ";rport\r\nFrom: <sip:probe@" + from +
         ">;tag=ready\r\nTo: <sip:" + to + ">\r\nCall-ID: dispatcher-ready-" + id + "@" + from +
         "\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
}

}  // namespace

std::string DeployFile(const std::string& name,
                       const std::vector<std::pair<std::string, std::string>>& replacements) {
  const std::filesystem::path path = std::filesystem::path(FR_SOURCE_DIR) / "deploy" / name;
  const std::string text = ReadTextFile(path);
  if (text.empty()) throw std::runtime_error("cannot read " + path.string());
  return Replaced(text, "deploy/" + name, replacements);
}

std::string MissingProgram(const std::string& name, const std::string& path) {
  if (!path.empty() && ::access(path.c_str(), X_OK) == 0) return "";
  return name + " is not installed (scripts/setup installs the Debian package '" + name + "')";
}

NginxProcess::NginxProcess(const std::vector<int>& api_ports) {
  if (api_ports.size() != 2) throw std::invalid_argument("deploy/nginx.conf lists two nodes");
  // Run as root, nginx's workers are `nobody`: they may pass through the folder to the
  // temporary paths nginx makes for them, and read nothing else in it.
  ::chmod(dir_.path().c_str(), 0711);
  const std::filesystem::path key = dir_.path() / "nginx-key.pem";
  PeerProcess openssl({FR_OPENSSL_PROGRAM, "req", "-x509", "-newkey", "ec", "-pkeyopt",
                       "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key.string(), "-out",
                       certificate().string(), "-days", "2", "-subj", "/CN=127.0.0.1", "-addext",
                       "subjectAltName=IP:127.0.0.1"},
                      dir_.path() / "openssl.log", dir_.path());
  if (openssl.WaitForExit(std::chrono::seconds(20)) != 0) {
    throw std::runtime_error("openssl could not make nginx's certificate:\n" + openssl.Log());
  }
  port_ = FreeTcpPort();
  WriteTextFile(
      dir_.path() / "first-responder.conf",
      DeployFile(
          "nginx.conf",
          {{"server 10.0.0.11:8080", "server 127.0.0.1:" + std::to_string(api_ports[0])},
           {"server 10.0.0.12:8080", "server 127.0.0.1:" + std::to_string(api_ports[1])},
           {"listen 443 ssl http2;", "listen 127.0.0.1:" + std::to_string(port_) + " ssl http2;"},
           {"/etc/ssl/certs/hotline.example.org.pem", certificate().string()},
           {"/etc/ssl/private/hotline.example.org.key", key.string()}}));
  const std::filesystem::path main_config = dir_.path() / "nginx.conf";
  WriteTextFile(main_config, NginxMainConfig(dir_.path()));
  // -e: the error log before the configuration is read (the packaged default is not ours).
  process_ = std::make_unique<PeerProcess>(
      std::vector<std::string>{FR_NGINX_PROGRAM, "-p", dir_.path().string(), "-c",
                               main_config.string(), "-e", (dir_.path() / "error.log").string()},
      dir_.path() / "nginx.out", dir_.path());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline && process_->Running()) {
    if (AcceptsTcp(port_)) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  throw std::runtime_error("nginx did not start:\n" + Log());
}

NginxProcess::~NginxProcess() {
  if (process_) process_->Stop();
}

std::string NginxProcess::Log() const {
  return ReadTextFile(dir_.path() / "nginx.out") + ReadTextFile(dir_.path() / "error.log") +
         "--- access log\n" + ReadTextFile(dir_.path() / "access.log");
}

DispatcherProcess::DispatcherProcess(const std::vector<std::uint16_t>& sip_ports,
                                     int ping_interval_seconds) {
  if (sip_ports.size() != 2) throw std::invalid_argument("deploy/dispatcher.list lists two nodes");
  const std::filesystem::path list = dir_.path() / "dispatcher.list";
  WriteTextFile(
      list, DeployFile("dispatcher.list",
                       {{"sip:10.0.0.11:5060", "sip:127.0.0.1:" + std::to_string(sip_ports[0])},
                        {"sip:10.0.0.12:5060", "sip:127.0.0.1:" + std::to_string(sip_ports[1])}}));
  const std::string config =
      (std::filesystem::path(FR_SOURCE_DIR) / "deploy/kamailio.cfg").string();
  constexpr int kStartAttempts = 3;  // a port taken between choosing and binding it costs a retry
  for (int attempt = 1; attempt <= kStartAttempts; ++attempt) {
    port_ = FreeUdpAndTcpPort();
    const std::string address = "127.0.0.1:" + std::to_string(port_);
    // Foreground (-DD), logging to stderr (-E); working and runtime folder the temporary one.
    process_ = std::make_unique<PeerProcess>(
        std::vector<std::string>{FR_KAMAILIO_PROGRAM,
                                 "-DD",
                                 "-E",
                                 "-f",
                                 config,
                                 "-w",
                                 dir_.path().string(),
                                 "-Y",
                                 dir_.path().string(),
                                 "-m",
                                 "32",
                                 "-M",
                                 "8",
                                 "-l",
                                 "udp:" + address,
                                 "-l",
                                 "tcp:" + address,
                                 "-A",
                                 "DISPATCHER_LIST=\"" + list.string() + "\"",
                                 "-A",
                                 "PING_INTERVAL=" + std::to_string(ping_interval_seconds)},
        dir_.path() / "kamailio.log", dir_.path());
    if (AnswersOptions(std::chrono::seconds(10))) return;
    process_->Stop();
  }
  throw std::runtime_error("Kamailio did not start:\n" + Log());
}

DispatcherProcess::~DispatcherProcess() {
  if (process_) process_->Stop();
}

bool DispatcherProcess::AnswersOptions(std::chrono::milliseconds timeout) {
  const UdpPeer probe("127.0.0.1");
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (int sequence = 1; std::chrono::steady_clock::now() < deadline; ++sequence) {
    if (!process_->Running()) return false;
    probe.Send(port_, OptionsRequest(port_, probe.port(), sequence));
    for (const std::string& answer : probe.Receive(std::chrono::milliseconds(100))) {
      if (answer.rfind("SIP/2.0 200", 0) == 0) return true;
    }
  }
  return false;
}

std::string DispatcherProcess::Log() const { return process_ ? process_->Log() : ""; }

std::vector<std::string> DispatcherProcess::Lines() const {
  std::vector<std::string> lines;
  std::istringstream log(Log());
  std::string line;
  while (std::getline(log, line)) {
    const auto start = line.find("dispatcher: ");
    if (start != std::string::npos) lines.push_back(line.substr(start));
  }
  return lines;
}

bool DispatcherProcess::WaitForLine(const std::string& text,
                                    std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    for (const std::string& line : Lines()) {
      if (line.find(text) != std::string::npos) return true;
    }
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace fr::testing
