#include "support/contract_proxy.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <stdexcept>
#include <thread>
#include <vector>

#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

namespace fr::testing {
namespace {

constexpr const char* kUpstreamHeader = "x-fr-test-upstream";

int ListenOnLoopback(int& port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      listen(fd, 128) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw std::runtime_error("contract proxy: cannot listen on loopback");
  }
  port = ntohs(address.sin_port);
  return fd;
}

int ConnectToLoopback(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  if (fd >= 0 && connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0) {
    return fd;
  }
  if (fd >= 0) close(fd);
  return -1;
}

// A free port for Prism: bound, read and released (Prism binds it a moment later).
int FreePort() {
  int port = 0;
  close(ListenOnLoopback(port));
  return port;
}

// The port the request head names in X-FR-Test-Upstream, or 0.
int UpstreamPortOf(std::string head) {
  std::transform(head.begin(), head.end(), head.begin(), ::tolower);
  const auto at = head.find(std::string("\r\n") + kUpstreamHeader + ":");
  if (at == std::string::npos) return 0;
  return std::atoi(head.c_str() + at + 2 + std::string(kUpstreamHeader).size() + 1);
}

bool WriteAll(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t written = send(fd, data, size, MSG_NOSIGNAL);
    if (written <= 0) return false;
    data += written;
    size -= static_cast<std::size_t>(written);
  }
  return true;
}

// Copies bytes both ways until both sides have closed.
void Pump(int client, int server) {
  pollfd fds[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
  bool open[2] = {true, true};
  char buffer[16384];
  while (open[0] || open[1]) {
    if (poll(fds, 2, 60'000) <= 0) return;
    for (int side = 0; side < 2; ++side) {
      if (!open[side] || (fds[side].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      const int other = side == 0 ? server : client;
      const ssize_t got = recv(fds[side].fd, buffer, sizeof(buffer), 0);
      if (got <= 0 || !WriteAll(other, buffer, static_cast<std::size_t>(got))) {
        open[side] = false;
        fds[side].fd = -1;
        shutdown(other, SHUT_WR);
      }
    }
  }
}

void Relay(int client) {
  std::string head;
  char buffer[4096];
  while (head.find("\r\n\r\n") == std::string::npos && head.size() < 65536) {
    const ssize_t got = recv(client, buffer, sizeof(buffer), 0);
    if (got <= 0) break;
    head.append(buffer, static_cast<std::size_t>(got));
  }
  const int port = UpstreamPortOf(head.substr(0, head.find("\r\n\r\n")));
  const int server = port > 0 ? ConnectToLoopback(port) : -1;
  if (server < 0) {
    const std::string refused =
        "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    WriteAll(client, refused.data(), refused.size());
  } else {
    if (WriteAll(server, head.data(), head.size())) Pump(client, server);
    close(server);
  }
  close(client);
}

}  // namespace

std::string ContractProxy::UpstreamHeader(int upstream_port) {
  return "X-FR-Test-Upstream: " + std::to_string(upstream_port);
}

ContractProxy* ContractProxy::Instance() {
  static std::once_flag started;
  static std::unique_ptr<ContractProxy> instance;
  std::call_once(started, [] {
    if (std::getenv("FR_TEST_PRISM") != nullptr) instance.reset(new ContractProxy());
  });
  return instance.get();
}

ContractProxy::ContractProxy() {
  int relay_port = 0;
  relay_fd_ = ListenOnLoopback(relay_port);
  std::thread([this] { RelayLoop(); }).detach();
  const int prism_port = FreePort();
  static TempDir logs;
  prism_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{std::getenv("FR_TEST_PRISM"), "proxy", "--errors", "-h", "127.0.0.1",
                               "-p", std::to_string(prism_port),
                               std::string(FR_SOURCE_DIR) + "/docs/openapi.json",
                               "http://127.0.0.1:" + std::to_string(relay_port)},
      logs.path(), "prism");
  if (!prism_->WaitForStdout("Prism is listening", std::chrono::seconds(120))) {
    throw std::runtime_error("contract proxy: Prism did not start: " + prism_->Stdout() +
                             prism_->Stderr());
  }
  base_url_ = "http://127.0.0.1:" + std::to_string(prism_port);
}

ContractProxy::~ContractProxy() {
  prism_.reset();
  // The relay thread blocks in accept() on a socket that outlives it: the process is ending.
}

void ContractProxy::RelayLoop() {
  for (;;) {
    const int client = accept4(relay_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    std::thread(Relay, client).detach();
  }
}

}  // namespace fr::testing
