#include "support/http_client.hpp"

#include <curl/curl.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include "support/contract_proxy.hpp"

namespace fr::testing {
namespace {

std::size_t AppendBody(char* data, std::size_t size, std::size_t count, void* target) {
  static_cast<std::string*>(target)->append(data, size * count);
  return size * count;
}

std::size_t AppendHeader(char* data, std::size_t size, std::size_t count, void* target) {
  std::string line(data, size * count);
  const auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    value.erase(value.find_last_not_of(" \t\r\n") + 1);
    (*static_cast<std::map<std::string, std::string>*>(target))[name] = value;
  }
  return size * count;
}

// The problem types docs/problems.md documents: its "## <slug>" headings, as "/problems/<slug>".
const std::set<std::string>& DocumentedProblemTypes() {
  static const std::set<std::string> types = [] {
    std::set<std::string> found;
    std::ifstream doc(std::string(FR_SOURCE_DIR) + "/docs/problems.md");
    std::string line;
    while (std::getline(doc, line)) {
      if (line.rfind("## ", 0) == 0 && line.find(' ', 3) == std::string::npos) {
        found.insert("/problems/" + line.substr(3));
      }
    }
    return found;
  }();
  return types;
}

// Every problem any test receives must be documented: this collects the types the server
// really returns across the integration suite, which a list kept by hand would not.
void ExpectDocumentedProblem(const HttpResult& result) {
  if (result.Header("content-type").rfind("application/problem+json", 0) != 0) return;
  const auto body = nlohmann::json::parse(result.body, nullptr, false);
  const std::string type =
      body.is_object() && body.contains("type") && body["type"].is_string() ? body["type"] : "";
  EXPECT_TRUE(DocumentedProblemTypes().count(type) == 1)
      << "problem type '" << type << "' (status " << result.status
      << ") is not documented in docs/problems.md: " << result.body;
}

// The port of a loopback base URL ("http://127.0.0.1:PORT"), or 0 for any other.
int UpstreamPort(const std::string& base_url) {
  constexpr std::string_view kLoopback = "http://127.0.0.1:";
  if (base_url.rfind(kLoopback, 0) != 0) return 0;
  return std::atoi(base_url.c_str() + kLoopback.size());
}

// Whether `target` has a '%' not followed by two hex digits: Node's URL parser, in front of
// Prism, repairs such a target before forwarding it, so the server would never see it.
bool HasMalformedEscape(const std::string& target) {
  for (std::size_t at = target.find('%'); at != std::string::npos; at = target.find('%', at + 1)) {
    if (at + 2 >= target.size() || !std::isxdigit(static_cast<unsigned char>(target[at + 1])) ||
        !std::isxdigit(static_cast<unsigned char>(target[at + 2]))) {
      return true;
    }
  }
  return false;
}

// The error Prism answered with itself ("VIOLATIONS", "UNPROCESSABLE_ENTITY",
// "NO_PATH_MATCHED_ERROR"…), or empty when the answer is the server's.
std::string PrismErrorOf(const HttpResult& result) {
  constexpr std::string_view kPrismErrors = "https://stoplight.io/prism/errors#";
  if (result.Header("content-type").rfind("application/problem+json", 0) != 0) return "";
  const auto body = nlohmann::json::parse(result.body, nullptr, false);
  if (!body.is_object() || !body.contains("type") || !body["type"].is_string()) return "";
  const std::string type = body["type"];
  return type.rfind(kPrismErrors, 0) == 0 ? type.substr(kPrismErrors.size()) : "";
}

}  // namespace

HttpResult ParseRawResponse(const std::string& bytes) {
  HttpResult result;
  const auto head_end = bytes.find("\r\n\r\n");
  std::istringstream lines(bytes.substr(0, head_end));
  std::string line;
  if (std::getline(lines, line) && line.rfind("HTTP/1.", 0) == 0 && line.size() >= 12) {
    result.status = std::stol(line.substr(9, 3));
  }
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    const auto value = line.find_first_not_of(' ', colon + 1);
    result.headers[name] = value == std::string::npos ? "" : line.substr(value);
  }
  if (head_end != std::string::npos) result.body = bytes.substr(head_end + 4);
  return result;
}

HttpClient::HttpClient(std::string base_url)
    : base_url_(std::move(base_url)), curl_(curl_easy_init()) {
  if (curl_ == nullptr) throw std::runtime_error("curl_easy_init failed");
}

HttpClient::~HttpClient() { curl_easy_cleanup(static_cast<CURL*>(curl_)); }

HttpResult HttpClient::Send(const std::string& method, const std::string& path,
                            const std::vector<std::string>& headers, const std::string& body) {
  ContractProxy* proxy = ContractProxy::Instance();
  const int upstream_port = UpstreamPort(base_url_);
  if (proxy == nullptr || upstream_port == 0 || HasMalformedEscape(path)) {
    HttpResult direct = Perform(base_url_, method, path, headers, body);
    ExpectDocumentedProblem(direct);
    return direct;
  }
  std::vector<std::string> through = headers;
  through.push_back(ContractProxy::UpstreamHeader(upstream_port));
  HttpResult checked = Perform(proxy->base_url(), method, path, through, body);
  const std::string prism_error = PrismErrorOf(checked);
  if (prism_error.empty()) {
    ExpectDocumentedProblem(checked);
    return checked;
  }
  if (prism_error == "VIOLATIONS") {
    // The server answered, and the answer contradicts docs/openapi.json.
    ADD_FAILURE() << "contract: the answer to " << method << " " << path
                  << " violates docs/openapi.json: " << checked.body;
    return checked;
  }
  // Prism refused the request itself, without forwarding it: the document says it is invalid
  // (as tests of bad input mean it to be), so the server must refuse it too. It goes straight
  // to the server, whose answer is the test's. Prism's security check is the exception: it
  // wants the scheme spelled "Bearer", where HTTP's schemes are case-insensitive (RFC 9110
  // §11.1) and the server accepts "bearer" too.
  HttpResult direct = Perform(base_url_, method, path, headers, body);
  ExpectDocumentedProblem(direct);
  if (prism_error == "UNAUTHORIZED") return direct;
  EXPECT_GE(direct.status, 400)
      << "contract: docs/openapi.json refuses " << method << " " << path << " (" << prism_error
      << ": " << checked.body << ") but the server answers " << direct.status << ": "
      << direct.body;
  return direct;
}

HttpResult HttpClient::Perform(const std::string& base_url, const std::string& method,
                               const std::string& path, const std::vector<std::string>& headers,
                               const std::string& body) {
  CURL* curl = static_cast<CURL*>(curl_);
  curl_easy_reset(curl);
  HttpResult result;
  const std::string url = base_url + path;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
  curl_easy_setopt(curl, CURLOPT_PATH_AS_IS, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, AppendBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &result.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, AppendHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &result.headers);
  if (method == "HEAD") curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  if (!ca_file_.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, ca_file_.c_str());
  if (!body.empty()) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  curl_slist* list = nullptr;
  list = curl_slist_append(list, "Expect:");  // no 100-continue round trip
  for (const auto& header : headers) list = curl_slist_append(list, header.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  const CURLcode code = curl_easy_perform(curl);
  curl_slist_free_all(list);
  if (code != CURLE_OK) {
    throw std::runtime_error(std::string("HTTP request failed: ") + curl_easy_strerror(code));
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.status);
  return result;
}

HttpResult HttpClient::SendJson(const std::string& method, const std::string& path,
                                const std::vector<std::string>& headers,
                                const std::string& body) {
  std::vector<std::string> all = headers;
  all.push_back("Content-Type: application/json");
  return Send(method, path, all, body);
}

}  // namespace fr::testing
