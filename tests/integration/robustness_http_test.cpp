// Hostile and sloppy input: every case gets a clear 4xx problem, never a 500 or a crash.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <fstream>
#include <regex>
#include <sstream>

#include "integration/world.hpp"

namespace fr::testing {
namespace {

using RobustnessHttpTest = WorldTest;

class RateLimitedHttpTest : public WorldTest {
 protected:
  std::vector<std::string> ExtraServerArgs() override {
    return {"--rate-limit", "1", "--failed-logins-per-minute", "3"};
  }
};

TEST_F(RateLimitedHttpTest, ATokenThatSendsTooFastGets429WithRetryAfter) {
  // A burst of twice the rate passes; the next request waits.
  EXPECT_EQ(client_->Get("/v1/me", {Pat(ann_token_)}).status, 200);
  EXPECT_EQ(client_->Get("/v1/me", {Pat(ann_token_)}).status, 200);
  const auto limited = client_->Get("/v1/me", {Pat(ann_token_)});
  const auto problem = ExpectProblem(limited, 429);
  EXPECT_EQ(problem["type"], "/problems/rate-limited");
  EXPECT_GE(std::stoi(limited.Header("retry-after")), 1);
  EXPECT_EQ(client_->Get("/v1/me", {Pat(max_token_)}).status, 200) << "other tokens are not slowed";
  EXPECT_EQ(client_->Get("/healthz").status, 200) << "operational endpoints have no limit";
}

TEST_F(RateLimitedHttpTest, GuessingTokensIsSlowedDownPerAddress) {
  for (int i = 0; i < 3; ++i) {
    ExpectProblem(client_->Get("/v1/me", {Pat("frpat_wrong" + std::to_string(i))}), 401);
  }
  ExpectProblem(client_->Get("/v1/me", {Pat("frpat_wrong")}), 429);
  // Valid tokens behind the same address (a NAT, a proxy) are never refused by the guessing
  // limit: it slows down only the invalid ones.
  EXPECT_EQ(client_->Get("/v1/me", {Pat(bea_token_)}).status, 200);
  EXPECT_EQ(client_->Get("/v1/me", {Pat(ann_token_)}).status, 200);
  ExpectProblem(client_->Get("/v1/me", {Pat("frpat_wrong")}), 429);
}

TEST_F(RobustnessHttpTest, UnknownPathIs404Problem) {
  // "/" is the web console's first page (WebConsole.Browser); other paths outside it are not.
  for (const char* path : {"/nothing", "/assets", "/phones/1", "/v2/me", "/v1/me/", "/v1/nothing",
                           "/v1/me/organizations"}) {
    ExpectProblem(client_->Get(path, {Pat(ann_token_)}), 404);
  }
}

TEST_F(RobustnessHttpTest, WrongMethodIs405WithAllow) {
  auto result = client_->Send("DELETE", "/v1/me", {Pat(ann_token_)});
  ExpectProblem(result, 405);
  EXPECT_EQ(result.Header("allow"), "GET, HEAD");
  result = client_->Send("POST", "/v1/me/organizations/1", {Pat(ann_token_)});
  ExpectProblem(result, 405);
  EXPECT_EQ(result.Header("allow"), "DELETE, PUT");
}

TEST_F(RobustnessHttpTest, BadPathIdsAre400) {
  for (const char* id : {"abc", "0", "-1", "1.5", "9223372036854775808", "99999999999999999999",
                         "%31", "1e3"}) {
    const auto problem = ExpectProblem(
        client_->SendJson("PUT", std::string("/v1/me/organizations/") + id, {Pat(ann_token_)},
                          R"({"allowAdminAccess": true})"),
        400);
    EXPECT_EQ(ErrorFields(problem), std::vector<std::string>{"id"}) << id;
  }
}

TEST_F(RobustnessHttpTest, BodiesMustBeJson) {
  const std::string path = "/v1/me/organizations/" + Str(org_a_);
  ExpectProblem(client_->Send("PUT", path, {Pat(ann_token_)}, R"({"allowAdminAccess": true})"), 415);
  ExpectProblem(client_->Send("PUT", path, {Pat(ann_token_), "Content-Type: text/plain"},
                              R"({"allowAdminAccess": true})"),
                415);
  EXPECT_EQ(client_->Send("PUT", path,
                          {Pat(ann_token_), "Content-Type: application/json; charset=utf-8"},
                          R"({"allowAdminAccess": true})")
                .status,
            200);
}

TEST_F(RobustnessHttpTest, MalformedJsonIs400) {
  const std::string path = "/v1/me/organizations/" + Str(org_a_);
  const std::string deep = std::string(10000, '[') + std::string(10000, ']');
  for (const std::string& body :
       {std::string("{"), std::string("[true]"), std::string("not json"),
        std::string("{\"allowAdminAccess\": tru}"), std::string("{\"a\": \"\xFF\"}"),
        "{\"allowAdminAccess\": true, \"x\": " + deep + "}", std::string("{\"a\":\"\\ud800\"}")}) {
    ExpectProblem(client_->SendJson("PUT", path, {Pat(ann_token_)}, body), 400);
  }
  // The server is still fine.
  EXPECT_EQ(client_->Get("/healthz").status, 200);
}

TEST_F(RobustnessHttpTest, OversizedBodyIs413) {
  const std::string path = "/v1/me/organizations/" + Str(org_a_);
  const std::string body = "{\"allowAdminAccess\": true, \"pad\": \"" +
                           std::string(1024 * 1024, 'x') + "\"}";
  ExpectProblem(client_->SendJson("PUT", path, {Pat(ann_token_)}, body), 413);
}

TEST_F(RobustnessHttpTest, UnknownFieldsAreIgnored) {
  const auto result = client_->SendJson("PUT", "/v1/me/organizations/" + Str(org_a_),
                                        {Pat(max_token_)},
                                        R"({"allowAdminAccess": true, "role": "admin"})");
  ASSERT_EQ(result.status, 200);
  EXPECT_EQ(result.Json()["role"], "member");
}

TEST_F(RobustnessHttpTest, MalformedQueryStringIs400) {
  ExpectProblem(client_->Get("/v1/me?owner_id=%zz", {Pat(ann_token_)}), 400);
}

TEST_F(RobustnessHttpTest, RequestIdIsEchoedOrGenerated) {
  const auto echoed = client_->Get("/v1/me", {Pat(ann_token_), "X-Request-Id: trace-42.a_b"});
  EXPECT_EQ(echoed.Header("x-request-id"), "trace-42.a_b");
  const auto replaced = client_->Get("/v1/me", {Pat(ann_token_), "X-Request-Id: bad id\"{"});
  EXPECT_NE(replaced.Header("x-request-id"), "bad id\"{");
  EXPECT_FALSE(replaced.Header("x-request-id").empty());
  const auto problem = client_->Get("/v1/nowhere", {"X-Request-Id: find-me"});
  EXPECT_EQ(problem.Json()["requestId"], "find-me");
}

// What the server sent on one raw connection, read until it closed the connection.
struct RawExchange {
  std::string bytes;
  bool closed = false;  // the server closed the connection (FIN or reset) within the deadline

  std::string Head() const { return bytes.substr(0, bytes.find("\r\n\r\n")); }
  std::string Body() const {
    const auto end = bytes.find("\r\n\r\n");
    return end == std::string::npos ? std::string() : bytes.substr(end + 4);
  }
  // The answer as HttpClient would have returned it, for ExpectProblem and friends.
  HttpResult AsResult() const { return ParseRawResponse(bytes); }
};

// Sends `request` byte for byte on a new connection, then reads until the server closes it, or
// with `until_close` false, until one whole answer has arrived.
RawExchange SendRaw(int port, const std::string& request, bool until_close = true) {
  RawExchange exchange;
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    ADD_FAILURE() << "cannot connect to port " << port;
    return exchange;
  }
  // The server may stop reading early (it refuses the request); what it answered still counts.
  for (std::size_t sent = 0; sent < request.size();) {
    const ssize_t written = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (written <= 0) break;
    sent += static_cast<std::size_t>(written);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  char buffer[4096];
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                          deadline - std::chrono::steady_clock::now())
                          .count();
    pollfd readable{fd, POLLIN, 0};
    if (left <= 0 || ::poll(&readable, 1, static_cast<int>(left)) <= 0) break;
    const ssize_t received = ::recv(fd, buffer, sizeof buffer, 0);
    if (received > 0) {
      exchange.bytes.append(buffer, static_cast<std::size_t>(received));
      const auto head_end = exchange.bytes.find("\r\n\r\n");
      const std::string length = exchange.AsResult().Header("content-length");
      if (!until_close && head_end != std::string::npos && !length.empty() &&
          exchange.bytes.size() >= head_end + 4 + std::stoul(length)) {
        break;
      }
      continue;
    }
    exchange.closed = received == 0 || errno == ECONNRESET;
    break;
  }
  ::close(fd);
  return exchange;
}

std::string FillerHeaders(int count, std::size_t value_size) {
  std::string headers;
  for (int i = 0; i < count; ++i) {
    headers += "X-Filler-" + std::to_string(i) + ": " + std::string(value_size, 'v') + "\r\n";
  }
  return headers;
}

TEST_F(RobustnessHttpTest, RequestsTheParserRefusesGetAProblemAndAClosedConnection) {
  const std::string body_path =
      "PUT /v1/me/organizations/" + Str(org_a_) + " HTTP/1.1\r\nHost: t\r\n";
  struct Case {
    const char* what;
    std::string request;
    long status;
    const char* type;
  };
  const std::string get = "GET /healthz HTTP/1.1\r\nHost: t\r\n";
  const Case cases[] = {
      {"request line too long", "GET /" + std::string(9000, 'a') + " HTTP/1.1\r\nHost: t\r\n\r\n",
       414, "/problems/uri-too-long"},
      {"too many header fields", get + FillerHeaders(120, 4) + "\r\n", 431,
       "/problems/header-fields-too-large"},
      {"header value too long", get + FillerHeaders(1, 17000) + "\r\n", 431,
       "/problems/header-fields-too-large"},
      {"header section too large", get + FillerHeaders(60, 1500) + "\r\n", 431,
       "/problems/header-fields-too-large"},
      {"two Content-Length", body_path + "Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}", 400,
       "/problems/malformed-request"},
      {"Content-Length and Transfer-Encoding",
       body_path + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400,
       "/problems/malformed-request"},
      {"invalid Content-Length", body_path + "Content-Length: 2x\r\n\r\n{}", 400,
       "/problems/malformed-request"},
      {"unknown method", "BREW /healthz HTTP/1.1\r\nHost: t\r\n\r\n", 501,
       "/problems/not-implemented"},
      {"NUL in a header", get + "X-Bad: a" + std::string(1, '\0') + "b\r\n\r\n", 400,
       "/problems/malformed-request"},
      {"body past the hard limit", body_path + "Content-Type: application/json\r\n"
       "Content-Length: 5000000\r\n\r\n", 413, "/problems/content-too-large"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    const RawExchange exchange = SendRaw(server_.port(), c.request);
    EXPECT_TRUE(exchange.closed) << "the server keeps a connection it cannot parse open";
    const HttpResult result = exchange.AsResult();
    const auto problem = ExpectProblem(result, c.status);
    EXPECT_EQ(problem.value("type", ""), c.type);
    EXPECT_EQ(result.Header("connection"), "close");
    EXPECT_EQ(result.Header("content-length"), std::to_string(result.body.size()));
    EXPECT_EQ(result.Header("x-content-type-options"), "nosniff");
    EXPECT_EQ(result.Header("cache-control"), "no-store");
    EXPECT_EQ(result.Header("x-request-id"), problem.value("requestId", "?"));
  }
  EXPECT_EQ(client_->Get("/healthz").status, 200) << "the server is still fine";

  // One access-log line each, under the route "unmatched", and the same in the metrics. The
  // access log is written off the request path: complete once the server has stopped.
  const std::string metrics = client_->Get("/metrics").body;
  EXPECT_NE(metrics.find(R"(fr_http_requests_total{method="-",route="unmatched",status="431"} 3)"),
            std::string::npos)
      << metrics;
  ASSERT_EQ(server_.Stop(), 0) << server_.Stderr();
  std::istringstream lines(server_.Stdout());
  std::map<long, int> logged;
  for (std::string line; std::getline(lines, line);) {
    const auto entry = nlohmann::json::parse(line, nullptr, false);
    if (entry.is_object() && entry.value("method", "") == "-") {
      EXPECT_EQ(entry["route"], "unmatched");
      EXPECT_EQ(entry["remote"], "127.0.0.1");
      ++logged[entry["status"].get<long>()];
    }
  }
  EXPECT_EQ(logged, (std::map<long, int>{{400, 4}, {413, 1}, {414, 1}, {431, 3}, {501, 1}}));
}

TEST_F(RobustnessHttpTest, Http11NeedsExactlyOneHost) {
  const auto missing = SendRaw(server_.port(), "GET /healthz HTTP/1.1\r\n\r\n", false);
  auto problem = ExpectProblem(missing.AsResult(), 400);
  EXPECT_EQ(problem["type"], "/problems/malformed-request");
  const auto missing_and_closing =
      SendRaw(server_.port(), "GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n");
  problem = ExpectProblem(missing_and_closing.AsResult(), 400);
  EXPECT_EQ(problem["type"], "/problems/malformed-request");
  const auto twice = SendRaw(
      server_.port(), "GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n");
  problem = ExpectProblem(twice.AsResult(), 400);
  EXPECT_EQ(problem["type"], "/problems/malformed-request");
  EXPECT_EQ(SendRaw(server_.port(), "GET /healthz HTTP/1.0\r\n\r\n").AsResult().status, 200)
      << "HTTP/1.0 may go without Host";
  EXPECT_EQ(SendRaw(server_.port(), "GET /healthz HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
                .AsResult()
                .status,
            200);
}

TEST_F(RobustnessHttpTest, HeadAnswersLikeGetWithoutTheBody) {
  for (const std::string target : {"/healthz", "/v1/me", "/v1/nothing", "/docs"}) {
    SCOPED_TRACE(target);
    const std::string rest = " " + target + " HTTP/1.1\r\nHost: t\r\nX-Request-Id: same\r\n" +
                             Pat(ann_token_) + "\r\nConnection: close\r\n\r\n";
    const RawExchange get = SendRaw(server_.port(), "GET" + rest);
    const RawExchange head = SendRaw(server_.port(), "HEAD" + rest);
    ASSERT_TRUE(head.closed);
    EXPECT_EQ(head.bytes.size(), head.Head().size() + 4) << "HEAD sent a body: " << head.bytes;
    HttpResult get_result = get.AsResult();
    HttpResult head_result = head.AsResult();
    EXPECT_NE(get_result.status, 405);
    EXPECT_FALSE(get_result.body.empty());
    EXPECT_EQ(head_result.Header("content-length"), std::to_string(get_result.body.size()));
    get_result.headers.erase("date");  // may tick between the two
    head_result.headers.erase("date");
    EXPECT_EQ(head_result.status, get_result.status);
    EXPECT_EQ(head_result.headers, get_result.headers);
  }
  // Where GET is allowed, so is HEAD; where it is not, HEAD is a 405 like any other method.
  const RawExchange refused = SendRaw(
      server_.port(), "HEAD /v1/sip-customer HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(refused.AsResult().status, 405);
  EXPECT_EQ(refused.AsResult().Header("allow"), "POST");
  EXPECT_EQ(refused.Body(), "");
}

// The base64 of the bytes that `hex` spells.
std::string HexToBase64(const std::string& hex) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string bytes;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    bytes.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    std::uint32_t group = 0;
    const std::size_t count = std::min<std::size_t>(3, bytes.size() - i);
    for (std::size_t k = 0; k < 3; ++k) {
      group = (group << 8) | (k < count ? static_cast<unsigned char>(bytes[i + k]) : 0u);
    }
    for (std::size_t k = 0; k < 4; ++k) {
      out.push_back(k <= count ? kAlphabet[(group >> (18 - 6 * k)) & 63] : '=');
    }
  }
  return out;
}

// The CSP source for the first inline <tag> of `page`, as a browser hashes it.
std::string InlineHashSource(const std::string& page, const std::string& tag) {
  const auto open = page.find("<" + tag + ">");
  const auto start = open + tag.size() + 2;
  const auto end = page.find("</" + tag + ">", start);
  if (open == std::string::npos || end == std::string::npos) return "missing <" + tag + ">";
  TempDir dir;
  const auto file = dir.path() / "inline";
  std::ofstream(file, std::ios::binary) << page.substr(start, end - start);
  std::string output;
  EXPECT_EQ(RunProcess({"/usr/bin/sha256sum", file.string()}, output), 0);
  return "'sha256-" + HexToBase64(output.substr(0, 64)) + "'";
}

TEST_F(RobustnessHttpTest, SecurityHeadersOnEveryAnswer) {
  const std::regex imf_fixdate(
      R"((Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d )"
      R"((Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d GMT)");
  const HttpResult api = client_->Get("/v1/me", {Pat(ann_token_)});
  const HttpResult api_problem = client_->Get("/v1/nothing");
  const HttpResult health = client_->Get("/healthz");
  const HttpResult docs = client_->Get("/docs");
  for (const HttpResult* result : {&api, &api_problem, &health, &docs}) {
    EXPECT_EQ(result->Header("x-content-type-options"), "nosniff");
    EXPECT_EQ(result->Header("referrer-policy"), "no-referrer");
    EXPECT_EQ(result->Header("x-frame-options"), "DENY");
    EXPECT_NE(result->Header("content-security-policy").find("frame-ancestors 'none'"),
              std::string::npos);
    EXPECT_TRUE(std::regex_match(result->Header("date"), imf_fixdate)) << result->Header("date");
  }
  // Call logs and records hold callers' numbers: nothing under /v1 may be stored by a cache.
  EXPECT_EQ(api.status, 200);
  EXPECT_EQ(api.Header("cache-control"), "no-store");
  EXPECT_EQ(api_problem.Header("cache-control"), "no-store");
  // Nothing but /docs is a page: the rest may load, run or frame nothing.
  for (const HttpResult* result : {&api, &api_problem, &health}) {
    EXPECT_EQ(result->Header("content-security-policy"),
              "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
  }

  ASSERT_EQ(docs.status, 200);
  EXPECT_EQ(docs.Header("x-frame-options"), "DENY");
  EXPECT_EQ(docs.Header("referrer-policy"), "no-referrer");
  // The policy admits the page's own inline script and style, its fetch of /openapi.json, and
  // nothing else.
  const std::string policy = docs.Header("content-security-policy");
  EXPECT_EQ(policy.rfind("default-src 'none';", 0), 0u) << policy;
  EXPECT_NE(policy.find("script-src " + InlineHashSource(docs.body, "script") + ";"),
            std::string::npos)
      << policy;
  EXPECT_NE(policy.find("style-src " + InlineHashSource(docs.body, "style") + ";"),
            std::string::npos)
      << policy;
  EXPECT_NE(policy.find("connect-src 'self';"), std::string::npos) << policy;
  EXPECT_NE(policy.find("frame-ancestors 'none'"), std::string::npos) << policy;
  EXPECT_EQ(policy.find("unsafe"), std::string::npos) << policy;
  EXPECT_NE(docs.body.find("fetch('/openapi.json'"), std::string::npos)
      << "the page fetches something else now; check connect-src";
}

}  // namespace
}  // namespace fr::testing
