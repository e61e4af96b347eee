#include "support/webhook_receiver.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace fr::testing {

WebhookReceiver::WebhookReceiver() {
  listener_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (listener_ < 0 ||
      bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      listen(listener_, 16) != 0 ||
      getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw std::runtime_error("webhook receiver: cannot listen on 127.0.0.1");
  }
  port_ = ntohs(address.sin_port);
  thread_ = std::thread([this] { Serve(); });
}

WebhookReceiver::~WebhookReceiver() {
  stopping_ = true;
  thread_.join();
  close(listener_);
}

void WebhookReceiver::Serve() {
  while (!stopping_) {
    pollfd ready{listener_, POLLIN, 0};
    if (poll(&ready, 1, 50) <= 0) continue;
    const int connection = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (connection < 0) continue;
    Handle(connection);
    close(connection);
  }
}

void WebhookReceiver::Handle(int connection) {
  timeval timeout{5, 0};
  setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  std::string data;
  char buffer[4096];
  std::size_t head_end = std::string::npos;
  std::size_t content_length = 0;
  Delivery delivery;
  while (true) {
    if (head_end == std::string::npos) {
      head_end = data.find("\r\n\r\n");
      if (head_end != std::string::npos) {
        std::size_t line_start = data.find("\r\n") + 2;
        while (line_start < head_end) {
          const std::size_t line_end = data.find("\r\n", line_start);
          const std::string line = data.substr(line_start, line_end - line_start);
          const auto colon = line.find(':');
          if (colon != std::string::npos) {
            std::string name = line.substr(0, colon);
            std::transform(name.begin(), name.end(), name.begin(),
                           [](unsigned char ch) { return std::tolower(ch); });
            std::string value = line.substr(colon + 1);
            value.erase(0, value.find_first_not_of(' '));
            delivery.headers[name] = value;
          }
          line_start = line_end + 2;
        }
        if (delivery.headers.count("content-length")) {
          content_length = std::stoul(delivery.headers["content-length"]);
        }
      }
    }
    if (head_end != std::string::npos && data.size() >= head_end + 4 + content_length) break;
    const ssize_t got = recv(connection, buffer, sizeof buffer, 0);
    if (got <= 0) return;
    data.append(buffer, static_cast<std::size_t>(got));
  }
  delivery.body = data.substr(head_end + 4, content_length);
  delivery.answered = refusing_ ? 503 : (fail_next_ > 0 ? (--fail_next_, 500) : 204);
  {
    std::lock_guard lock(mu_);
    received_.push_back(delivery);
  }
  const std::string answer = "HTTP/1.1 " + std::to_string(delivery.answered) +
                             " X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
  (void)send(connection, answer.data(), answer.size(), MSG_NOSIGNAL);
}

std::vector<WebhookReceiver::Delivery> WebhookReceiver::Received() const {
  std::lock_guard lock(mu_);
  return received_;
}

bool WebhookReceiver::WaitForAccepted(std::size_t count, std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    const auto received = Received();
    const auto accepted = std::count_if(received.begin(), received.end(),
                                        [](const Delivery& each) { return each.answered < 300; });
    if (static_cast<std::size_t>(accepted) >= count) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

}  // namespace fr::testing
