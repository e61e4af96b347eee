#include "support/sipp_process.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace fr::testing {
namespace {

sockaddr_in Loopback(std::uint16_t port, const char* ip = "127.0.0.1") {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  inet_pton(AF_INET, ip, &addr.sin_addr);
  return addr;
}

// True while someone else holds the UDP port (our bind fails).
bool UdpPortTaken(std::uint16_t port, const std::string& ip) {
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in addr = Loopback(port, ip.c_str());
  const bool taken = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0;
  close(fd);
  return taken;
}

// True while someone listens on the TCP port (our bind fails).
bool TcpPortTaken(std::uint16_t port, const std::string& ip) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr = Loopback(port, ip.c_str());
  const bool taken = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0;
  close(fd);
  return taken;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::uint16_t FreeUdpPort() {
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in addr = Loopback(0);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    throw std::runtime_error("cannot bind a UDP port");
  }
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

void SendUdp(std::uint16_t port, const std::string& datagram) {
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in addr = Loopback(port);
  sendto(fd, datagram.data(), datagram.size(), 0, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  close(fd);
}

UdpPeer::UdpPeer(const std::string& local_ip) : ip_(local_ip) {
  fd_ = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr = Loopback(0, local_ip.c_str());
  if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    throw std::runtime_error("cannot bind a UDP port on " + local_ip);
  }
  socklen_t len = sizeof addr;
  getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
}

UdpPeer::~UdpPeer() { close(fd_); }

void UdpPeer::Send(std::uint16_t to_port, const std::string& datagram) const {
  sockaddr_in to = Loopback(to_port);
  sendto(fd_, datagram.data(), datagram.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
}

std::vector<std::string> UdpPeer::Receive(std::chrono::milliseconds quiet) const {
  std::vector<std::string> received;
  pollfd readable{fd_, POLLIN, 0};
  while (poll(&readable, 1, static_cast<int>(quiet.count())) > 0) {
    char buffer[65536];
    const ssize_t n = recv(fd_, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    received.emplace_back(buffer, static_cast<std::size_t>(n));
    const std::string& last = received.back();
    if (last.rfind("SIP/2.0 ", 0) == 0 && last.size() > 8 && last[8] >= '2') break;
  }
  return received;
}

SippProcess::SippProcess(const std::filesystem::path& scenario,
                         const std::vector<std::string>& extra_args, std::uint16_t port) {
  char dir_template[] = "/tmp/fr-sipp-XXXXXX";
  if (mkdtemp(dir_template) == nullptr) throw std::runtime_error("mkdtemp failed");
  dir_ = dir_template;
  port_ = port != 0 ? port : FreeUdpPort();
  std::string local_ip = "127.0.0.1";
  for (std::size_t i = 0; i + 1 < extra_args.size(); ++i) {
    if (extra_args[i] == "-i") local_ip = extra_args[i + 1];
  }
  const std::string media_port = std::to_string(FreeUdpPort());
  std::vector<std::string> args = {FR_SIPP_PROGRAM,
                                   "-sf",
                                   scenario.string(),
                                   "-i",
                                   local_ip,
                                   "-p",
                                   std::to_string(port_),
                                   "-mi",
                                   local_ip,
                                   "-mp",
                                   media_port,
                                   "-m",
                                   "1",
                                   "-nostdin",
                                   "-timeout",
                                   "30s",
                                   "-timeout_error",
                                   "-trace_err",
                                   "-error_file",
                                   (dir_ / "errors.log").string(),
                                   "-trace_msg",
                                   "-message_file",
                                   (dir_ / "messages.log").string()};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  const std::string screen = (dir_ / "screen.log").string();
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, screen.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  const int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start sipp");
  // The scenario must be listening before the endpoint sends to it (an ICMP unreachable would
  // fail the INVITE at once): wait until sipp holds its port, at most 10 s.
  bool tcp = false;
  for (std::size_t i = 0; i + 1 < extra_args.size(); ++i) {
    tcp |= extra_args[i] == "-t" && extra_args[i + 1] == "t1";
  }
  for (int i = 0; i < 200 && !(tcp ? TcpPortTaken(port_, local_ip) : UdpPortTaken(port_, local_ip)); ++i) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("sipp exited at start:\n" + Logs());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

SippProcess::~SippProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

int SippProcess::Wait(std::chrono::seconds timeout) {
  if (pid_ <= 0) return -1;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    const pid_t done = waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
  return -1;
}

std::vector<std::string> SippProcess::ReceivedInviteFroms() const {
  // sipp's message log: a separator line naming the direction, then the message itself.
  std::istringstream log(ReadFile(dir_ / "messages.log"));
  std::vector<std::string> froms;
  std::string line;
  bool in_received = false, in_invite = false, first_line = false;
  while (std::getline(log, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find("message received") != std::string::npos) {
      in_received = first_line = true;
      in_invite = false;
      continue;
    }
    if (line.find("message sent") != std::string::npos) {
      in_received = false;
      continue;
    }
    if (!in_received) continue;
    if (first_line && !line.empty()) {
      in_invite = line.rfind("INVITE ", 0) == 0;
      first_line = false;
      continue;
    }
    if (in_invite && line.rfind("From:", 0) == 0) froms.push_back(line);
  }
  return froms;
}

std::vector<std::string> SippProcess::ReceivedInvites() const { return ReceivedRequests("INVITE"); }

std::vector<std::string> SippProcess::ReceivedRequests(const std::string& method) const {
  std::istringstream log(ReadFile(dir_ / "messages.log"));
  std::vector<std::string> invites;
  std::string line;
  bool in_received = false, first_line = false;
  while (std::getline(log, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find("message received") != std::string::npos) {
      in_received = first_line = true;
      continue;
    }
    if (line.find("message sent") != std::string::npos) {
      in_received = false;
      continue;
    }
    if (!in_received) continue;
    if (first_line && !line.empty()) {
      first_line = false;
      if (line.rfind(method + " ", 0) != 0) {
        in_received = false;
        continue;
      }
      invites.push_back(line);
      continue;
    }
    if (!first_line) invites.back() += "\r\n" + line;
  }
  return invites;
}

std::size_t SippProcess::ReceivedResponses(int status) const {
  std::istringstream log(ReadFile(dir_ / "messages.log"));
  const std::string status_line = "SIP/2.0 " + std::to_string(status) + " ";
  std::size_t count = 0;
  std::string line;
  bool first_line = false;
  while (std::getline(log, line)) {
    if (line.find("message received") != std::string::npos) {
      first_line = true;
    } else if (first_line && !line.empty() && line != "\r") {
      count += line.rfind(status_line, 0) == 0 ? 1 : 0;
      first_line = false;
    }
  }
  return count;
}

std::string SippProcess::Logs() const {
  return "--- sipp screen:\n" + ReadFile(dir_ / "screen.log") + "\n--- sipp errors:\n" +
         ReadFile(dir_ / "errors.log") + "\n--- sipp messages:\n" + ReadFile(dir_ / "messages.log");
}

}  // namespace fr::testing
