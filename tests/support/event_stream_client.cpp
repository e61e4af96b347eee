#include "support/event_stream_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>

namespace fr::testing {

EventStreamClient::EventStreamClient(std::uint16_t port, const std::string& path,
                                     const std::vector<std::string>& headers) {
  socket_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (socket_ < 0 ||
      ::connect(socket_, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    throw std::runtime_error("cannot connect to the server");
  }
  std::string request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                        "\r\nAccept: text/event-stream\r\n";
  for (const std::string& header : headers) request += header + "\r\n";
  request += "\r\n";
  if (::send(socket_, request.data(), request.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(request.size())) {
    throw std::runtime_error("cannot send the request");
  }
  reader_ = std::thread([this] { Read(); });
}

EventStreamClient::~EventStreamClient() {
  ::shutdown(socket_, SHUT_RDWR);
  if (reader_.joinable()) reader_.join();
  ::close(socket_);
}

void EventStreamClient::Read() {
  std::string buffer;
  bool in_body = false;
  char bytes[4096];
  while (true) {
    const ssize_t got = ::recv(socket_, bytes, sizeof bytes, 0);
    if (got <= 0) break;
    buffer.append(bytes, static_cast<std::size_t>(got));
    std::lock_guard lock(mu_);
    if (!in_body) {
      const auto end = buffer.find("\r\n\r\n");
      if (end == std::string::npos) continue;
      head_ = buffer.substr(0, end);
      status_ = std::atoi(head_.substr(9, 3).c_str());
      buffer.erase(0, end + 4);
      in_body = true;
      changed_.notify_all();
    }
    // Chunked: "<hex size>\r\n<bytes>\r\n", until a chunk of size 0.
    while (true) {
      const auto line_end = buffer.find("\r\n");
      if (line_end == std::string::npos) break;
      const std::size_t size = std::strtoul(buffer.substr(0, line_end).c_str(), nullptr, 16);
      if (buffer.size() < line_end + 2 + size + 2) break;
      if (size == 0) {
        ended_ = true;
        changed_.notify_all();
        return;
      }
      Feed(buffer.substr(line_end + 2, size));
      buffer.erase(0, line_end + 2 + size + 2);
    }
    changed_.notify_all();
  }
  std::lock_guard lock(mu_);
  ended_ = true;
  changed_.notify_all();
}

void EventStreamClient::Feed(const std::string& text) {
  for (const char c : text) {
    if (c != '\n') {
      line_ += c;
      continue;
    }
    if (line_.empty()) {  // a blank line dispatches the event, if it has data
      if (!pending_.data.empty() || !pending_.type.empty()) events_.push_back(pending_);
      pending_ = ReceivedEvent{};
    } else if (line_[0] == ':') {
      comments_.push_back(line_.substr(line_.size() > 1 && line_[1] == ' ' ? 2 : 1));
    } else {
      const auto colon = line_.find(':');
      const std::string field = line_.substr(0, colon);
      std::string value = colon == std::string::npos ? "" : line_.substr(colon + 1);
      if (!value.empty() && value[0] == ' ') value.erase(0, 1);
      if (field == "id") pending_.id = value;
      if (field == "event") pending_.type = value;
      if (field == "data") pending_.data += (pending_.data.empty() ? "" : "\n") + value;
    }
    line_.clear();
  }
}

int EventStreamClient::WaitForStatus(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  changed_.wait_for(lock, timeout, [this] { return status_ != 0 || ended_; });
  return status_;
}

std::string EventStreamClient::head() const {
  std::lock_guard lock(mu_);
  return head_;
}

bool EventStreamClient::WaitForEvents(std::size_t count, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return changed_.wait_for(lock, timeout, [&] { return events_.size() >= count; });
}

std::vector<ReceivedEvent> EventStreamClient::events() const {
  std::lock_guard lock(mu_);
  return events_;
}

std::vector<std::string> EventStreamClient::comments() const {
  std::lock_guard lock(mu_);
  return comments_;
}

bool EventStreamClient::WaitForEnd(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return changed_.wait_for(lock, timeout, [this] { return ended_; });
}

}  // namespace fr::testing
