// The server under pressure: a full request queue and a shutdown with requests in flight. A write
// lock held by the test on the SQLite file keeps requests busy for as long as the test needs.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <sstream>
#include <thread>

#include "integration/world.hpp"

namespace fr::testing {
namespace {

using namespace std::chrono_literals;

// One keep-alive HTTP/1.1 connection on raw sockets: requests are sent whole, answers read
// whole (by Content-Length), and a closed connection is seen as such.
class RawConnection {
 public:
  explicit RawConnection(int port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    connected_ = ::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
  }
  ~RawConnection() { ::close(fd_); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool Send(const std::string& request) {
    return connected_ &&
           ::send(fd_, request.data(), request.size(), MSG_NOSIGNAL) ==
               static_cast<ssize_t>(request.size());
  }
  // The next answer, or nullopt when none came whole within `timeout`.
  std::optional<HttpResult> Read(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      if (auto answer = TakeAnswer()) return answer;
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      pollfd readable{fd_, POLLIN, 0};
      const int wait_ms = static_cast<int>(std::max<std::int64_t>(left.count(), 0));
      if (::poll(&readable, 1, wait_ms) <= 0) return std::nullopt;
      char chunk[4096];
      const ssize_t received = ::recv(fd_, chunk, sizeof chunk, 0);
      if (received <= 0) {
        closed_ = true;
        return TakeAnswer();
      }
      buffer_.append(chunk, static_cast<std::size_t>(received));
    }
  }
  // True once the server closed the connection (checked by reading, within `timeout`).
  bool ClosedWithin(std::chrono::milliseconds timeout) {
    while (!closed_ && Read(timeout)) {
    }
    return closed_;
  }

 private:
  std::optional<HttpResult> TakeAnswer() {
    const auto head_end = buffer_.find("\r\n\r\n");
    if (head_end == std::string::npos) return std::nullopt;
    HttpResult result = ParseRawResponse(buffer_.substr(0, head_end + 4));
    const std::size_t length = std::stoul(result.Header("content-length").empty()
                                              ? "0"
                                              : result.Header("content-length"));
    if (buffer_.size() < head_end + 4 + length) return std::nullopt;
    result.body = buffer_.substr(head_end + 4, length);
    buffer_.erase(0, head_end + 4 + length);
    return result;
  }

  int fd_;
  bool connected_ = false;
  bool closed_ = false;
  std::string buffer_;
};

// Holds SQLite's write lock on the server's database until released: every write waits.
class WriteLock {
 public:
  explicit WriteLock(const std::string& database_url) {
    EXPECT_EQ(sqlite3_open(database_url.substr(7).c_str(), &db_), SQLITE_OK);
    // The server writes on its own too (leases, the outbox, purges): wait for its write to end.
    sqlite3_busy_timeout(db_, 10000);
    EXPECT_EQ(sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  }
  ~WriteLock() { Release(); }
  void Release() {
    if (db_ == nullptr) return;
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(db_);
    db_ = nullptr;
  }

 private:
  sqlite3* db_ = nullptr;
};

class OverloadHttpTest : public WorldTest {
 protected:
  std::vector<std::string> ExtraServerArgs() override {
    return {"--workers", "1", "--rate-limit", "0"};
  }
  // A write: it waits for the database while the test holds the lock.
  std::string ConsentPut() const {
    const std::string body = R"({"allowAdminAccess": true})";
    return "PUT /v1/me/organizations/" + Str(org_a_) + " HTTP/1.1\r\nHost: test\r\n" +
           "Personal-Access-Token: " + max_token_ + "\r\nContent-Type: application/json\r\n" +
           "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  }
  static std::string HealthGet() { return "GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n"; }
};

// One worker, blocked; 512 requests wait in the queue; the rest are refused at once with 503
// and Retry-After, and the server is fine once the database is free again.
TEST_F(OverloadHttpTest, AFullRequestQueueAnswers503AtOnce) {
  constexpr int kConnections = 600;
  WriteLock lock(server_.database_url());
  std::vector<std::unique_ptr<RawConnection>> connections;
  for (int i = 0; i < kConnections; ++i) {
    connections.push_back(std::make_unique<RawConnection>(server_.port()));
    ASSERT_TRUE(connections.back()->Send(ConsentPut())) << i;
  }
  // Refusals are answered as the requests arrive; poll every connection until they are in (well
  // within the 5 s the blocked write may wait for the lock).
  int refused_at_once = 0;
  std::vector<bool> answered_early(connections.size(), false);
  const auto deadline = std::chrono::steady_clock::now() + 3s;
  while (refused_at_once < kConnections - 513 && std::chrono::steady_clock::now() < deadline) {
    for (std::size_t i = 0; i < connections.size(); ++i) {
      if (answered_early[i]) continue;
      const auto answer = connections[i]->Read(0ms);
      if (!answer) continue;
      answered_early[i] = true;
      const auto problem = ExpectProblem(*answer, 503);
      EXPECT_EQ(problem["detail"], "The server is busy or shutting down; try again shortly.");
      EXPECT_EQ(answer->Header("retry-after"), "1");
      ++refused_at_once;
    }
  }
  std::vector<RawConnection*> waiting;
  for (std::size_t i = 0; i < connections.size(); ++i) {
    if (!answered_early[i]) waiting.push_back(connections[i].get());
  }
  // At most the queue and the busy worker wait; the queue's capacity is 512.
  EXPECT_GE(refused_at_once, kConnections - 513);
  EXPECT_LE(waiting.size(), 513u);
  lock.Release();
  int answered = 0;
  for (RawConnection* connection : waiting) {
    const auto answer = connection->Read(30s);
    ASSERT_TRUE(answer.has_value());
    if (answer->status == 200) ++answered;
  }
  EXPECT_GE(answered, static_cast<int>(waiting.size()) - 1) << "the first may have timed out";
  EXPECT_EQ(client_->Get("/healthz").status, 200);
}

// SIGTERM while a request is in flight: the server finishes it, and a new request on an open
// connection meanwhile gets 503 with Connection: close, then the connection closes.
TEST_F(OverloadHttpTest, AfterSigtermNewRequestsGet503AndTheConnectionCloses) {
  ASSERT_EQ(server_.Stop(), 0);
  server_.Start({"--workers", "2"});
  RawConnection idle(server_.port());
  ASSERT_TRUE(idle.Send(HealthGet()));
  ASSERT_EQ(idle.Read(10s)->status, 200);  // a keep-alive connection, now idle

  WriteLock lock(server_.database_url());
  RawConnection busy(server_.port());
  ASSERT_TRUE(busy.Send(ConsentPut()));
  EXPECT_FALSE(busy.Read(300ms).has_value()) << "the write waits for the lock";
  server_.Terminate();
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (server_.Stderr().find("http: stopping") == std::string::npos &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  ASSERT_TRUE(idle.Send(HealthGet()));
  const auto refused = idle.Read(10s);
  ASSERT_TRUE(refused.has_value());
  ExpectProblem(*refused, 503);
  EXPECT_EQ(refused->Header("connection"), "close");
  EXPECT_TRUE(idle.ClosedWithin(10s));

  lock.Release();
  const auto finished = busy.Read(10s);
  ASSERT_TRUE(finished.has_value());
  EXPECT_EQ(finished->status, 200) << "the request in flight was finished";
  EXPECT_EQ(server_.Stop(), 0);
}

}  // namespace
}  // namespace fr::testing
