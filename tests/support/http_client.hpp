#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace fr::testing {

struct HttpResult {
  long status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased; last value wins
  std::string body;

  nlohmann::json Json() const { return nlohmann::json::parse(body); }
  std::string Header(const std::string& lower_name) const {
    const auto found = headers.find(lower_name);
    return found == headers.end() ? std::string() : found->second;
  }
};

// An answer read off a raw socket: the status line and headers of `bytes` ("HTTP/1.1 200 OK\r\n
// Name: value\r\n…\r\n\r\n"), and everything after the head as the body.
HttpResult ParseRawResponse(const std::string& bytes);

// A small blocking HTTP/1.1 client on libcurl, for talking to the real server in tests. When
// the process runs under the contract proxy (ContractProxy, FR_TEST_PRISM), requests to a
// loopback server go through Prism, which checks them and their answers against
// docs/openapi.json: an answer that contradicts the document fails the test, a request the
// document refuses goes to the server directly and must be refused by it too.
class HttpClient {
 public:
  explicit HttpClient(std::string base_url);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // `headers` are "Name: value" lines. A non-empty `body` is sent as is.
  HttpResult Send(const std::string& method, const std::string& path,
                  const std::vector<std::string>& headers = {}, const std::string& body = "");
  HttpResult Get(const std::string& path, const std::vector<std::string>& headers = {}) {
    return Send("GET", path, headers);
  }
  // Sends `body` as application/json.
  HttpResult SendJson(const std::string& method, const std::string& path,
                      const std::vector<std::string>& headers, const std::string& body);

  // For an https base URL: trust the certificate(s) in this PEM file (a test's self-signed one)
  // instead of the system's authorities.
  void TrustCertificates(std::string pem_file) { ca_file_ = std::move(pem_file); }

 private:
  HttpResult Perform(const std::string& base_url, const std::string& method,
                     const std::string& path, const std::vector<std::string>& headers,
                     const std::string& body);

  std::string base_url_;
  std::string ca_file_;
  void* curl_;
};

}  // namespace fr::testing
