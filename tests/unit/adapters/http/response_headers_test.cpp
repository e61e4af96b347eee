#include "adapters/http/response_headers.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

namespace fr::http {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using std::chrono::system_clock;

// 2026-11-30T15:04:05Z, a Monday.
const system_clock::time_point kAt = system_clock::time_point(seconds(1796051045));

std::vector<std::string> NamesOf(const Response& response) {
  std::vector<std::string> names;
  for (const auto& [name, value] : response.headers) names.push_back(name);
  return names;
}

std::string ValueOf(const Response& response, std::string_view wanted) {
  std::string found;
  for (const auto& [name, value] : response.headers) {
    if (name == wanted) found += (found.empty() ? "" : "|") + value;
  }
  return found;
}

TEST(HttpDate, IsAnImfFixdate) {
  EXPECT_EQ(HttpDate(kAt), "Mon, 30 Nov 2026 15:04:05 GMT");
  EXPECT_EQ(HttpDate(kAt + milliseconds(999)), "Mon, 30 Nov 2026 15:04:05 GMT");
}

TEST(HttpDateCache, FollowsTheClockAcrossEverySecond) {
  HttpDateCache cache;
  for (auto at = kAt - seconds(2); at < kAt + seconds(2); at += milliseconds(250)) {
    EXPECT_EQ(cache.Format(at), HttpDate(at));
  }
}

TEST(HttpDateCache, RollsOverAtTheSecondNotBefore) {
  HttpDateCache cache;
  EXPECT_EQ(cache.Format(kAt + milliseconds(998)), "Mon, 30 Nov 2026 15:04:05 GMT");
  EXPECT_EQ(cache.Format(kAt + milliseconds(999)), "Mon, 30 Nov 2026 15:04:05 GMT");
  EXPECT_EQ(cache.Format(kAt + milliseconds(1000)), "Mon, 30 Nov 2026 15:04:06 GMT");
  // A clock that steps back (NTP) is followed too: the date is of the second asked for.
  EXPECT_EQ(cache.Format(kAt - seconds(60)), "Mon, 30 Nov 2026 15:03:05 GMT");
  EXPECT_EQ(cache.Format(kAt + seconds(86400)), "Tue, 01 Dec 2026 15:04:05 GMT");
}

TEST(StandardHeaders, ApiAnswersGetEveryPolicyHeaderAndNoStore) {
  Response response;
  AddStandardHeaders("/v1/hotlines/42", response, kAt);
  EXPECT_EQ(NamesOf(response),
            (std::vector<std::string>{"Date", "X-Content-Type-Options", "Referrer-Policy",
                                      "X-Frame-Options", "Content-Security-Policy",
                                      "Cache-Control"}));
  EXPECT_EQ(ValueOf(response, "Date"), "Mon, 30 Nov 2026 15:04:05 GMT");
  EXPECT_EQ(ValueOf(response, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(ValueOf(response, "Referrer-Policy"), "no-referrer");
  EXPECT_EQ(ValueOf(response, "X-Frame-Options"), "DENY");
  EXPECT_EQ(ValueOf(response, "Content-Security-Policy"),
            "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
  EXPECT_EQ(ValueOf(response, "Cache-Control"), "no-store");
}

TEST(StandardHeaders, ReplaceWhatAHandlerSetWhateverItsCase) {
  Response response;
  response.WithHeader("cache-control", "max-age=3600")
      .WithHeader("ETag", "\"7\"")
      .WithHeader("x-frame-options", "SAMEORIGIN")
      .WithHeader("Date", "yesterday");
  AddStandardHeaders("/v1/hotlines/42", response, kAt);
  EXPECT_EQ(ValueOf(response, "ETag"), "\"7\"");
  EXPECT_EQ(ValueOf(response, "cache-control"), "");
  EXPECT_EQ(ValueOf(response, "x-frame-options"), "");
  EXPECT_EQ(ValueOf(response, "Cache-Control"), "no-store");
  EXPECT_EQ(ValueOf(response, "X-Frame-Options"), "DENY");
  EXPECT_EQ(ValueOf(response, "Date"), "Mon, 30 Nov 2026 15:04:05 GMT");
}

TEST(StandardHeaders, OutsideTheApiAHandlersCacheControlStays) {
  Response response;
  response.WithHeader("Cache-Control", "no-cache");
  AddStandardHeaders("/healthz", response, kAt);
  EXPECT_EQ(ValueOf(response, "Cache-Control"), "no-cache");
  const StandardHeaders standard("/healthz", kAt);
  EXPECT_FALSE(standard.Sets("Cache-Control"));
  EXPECT_TRUE(standard.Sets("content-security-policy"));
  EXPECT_TRUE(StandardHeaders("/v1", kAt).Sets("CACHE-CONTROL"));
}

TEST(StandardHeaders, ConsolePagesGetTheConsolePolicy) {
  const StandardHeaders standard("/assets/app.js", kAt);
  std::string policy;
  for (const auto& [name, value] : standard) {
    if (name == "Content-Security-Policy") policy = std::string(value);
  }
  EXPECT_NE(policy.find("script-src 'self'"), std::string::npos);
}

}  // namespace
}  // namespace fr::http
