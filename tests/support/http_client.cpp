#include "support/http_client.hpp"

#include <curl/curl.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

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
  CURL* curl = static_cast<CURL*>(curl_);
  curl_easy_reset(curl);
  HttpResult result;
  const std::string url = base_url_ + path;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
  curl_easy_setopt(curl, CURLOPT_PATH_AS_IS, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, AppendBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &result.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, AppendHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &result.headers);
  if (method == "HEAD") curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
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
  ExpectDocumentedProblem(result);
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
