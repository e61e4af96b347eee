#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "adapters/http/http_types.hpp"

namespace fr::http {

// The headers that every answer carries, whichever code produced it, so that no handler can
// forget one:
// - `Date` (RFC 9110 §6.6.1), `X-Content-Type-Options: nosniff`, `Referrer-Policy:
//   no-referrer` and `X-Frame-Options: DENY` on every answer;
// - a Content-Security-Policy on every answer, with `frame-ancestors 'none'`: on /docs one that
//   admits only the page's own inline script and style and its fetch of /openapi.json; on the
//   web console's pages and files (IsConsolePath) one that admits scripts, styles and requests
//   of this origin only and nothing inline; on everything else `default-src 'none'`, as no
//   other answer is a page;
// - `Cache-Control: no-store` on /v1 answers, replacing any Cache-Control the handler chose:
//   call logs and records hold callers' numbers, and no cache or browser may keep them.
// These are policy, not defaults: a value a handler gave one of them is dropped (Sets). The
// values are views of constants and of the Date held here, so that the
// server can write them without building a string for each (issue #12).
class StandardHeaders {
 public:
  struct Field {
    std::string_view name;
    std::string_view value;
  };

  // `path` is the request path without the query. Thread-safe.
  StandardHeaders(std::string_view path, std::chrono::system_clock::time_point now);
  StandardHeaders(const StandardHeaders&) = delete;  // the Date field points into this
  StandardHeaders& operator=(const StandardHeaders&) = delete;

  const Field* begin() const { return fields_.data(); }
  const Field* end() const { return fields_.data() + count_; }
  // True when one of these is named `name` (any case): the handler's header of that name goes.
  bool Sets(std::string_view name) const;

 private:
  static constexpr std::size_t kImfFixdateSize = 29;  // "Sun, 06 Nov 1994 08:49:37 GMT"
  std::array<char, kImfFixdateSize> date_{};
  std::array<Field, 6> fields_{};
  std::size_t count_ = 0;
};

// Puts the StandardHeaders into `response.headers`, replacing what the handler set for them;
// for answers that are written by hand rather than by the server (parse failures). Thread-safe.
void AddStandardHeaders(std::string_view path, Response& response,
                        std::chrono::system_clock::time_point now);

// `time` as an IMF-fixdate (RFC 9110 §5.6.7), "Sun, 06 Nov 1994 08:49:37 GMT", whatever the
// process's locale.
std::string HttpDate(std::chrono::system_clock::time_point time);

// HttpDate of the current second, formatted again only when the second changes: the Date of
// every answer, while formatting it cost as much as several header copies (issue #12). One per
// thread; not thread-safe.
class HttpDateCache {
 public:
  // HttpDate(now), valid until the next call.
  const std::string& Format(std::chrono::system_clock::time_point now);

 private:
  std::int64_t second_ = std::numeric_limits<std::int64_t>::min();  // since the epoch
  std::string formatted_;
};

// The Content-Security-Policy of /docs. Generated at build time from docs/api-docs.html by
// docs_page_policy.cmake, which hashes the page's inline script and style.
std::string_view DocsContentSecurityPolicy();

}  // namespace fr::http
