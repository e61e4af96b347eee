#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "adapters/http/http_types.hpp"

namespace fr::http {

// Adds the headers that every answer carries, whichever code produced it, so that no handler
// can forget one:
// - `Date` (RFC 9110 §6.6.1), `X-Content-Type-Options: nosniff`, `Referrer-Policy:
//   no-referrer` and `X-Frame-Options: DENY` on every answer;
// - a Content-Security-Policy on every answer, with `frame-ancestors 'none'`: on /docs one that
//   admits only the page's own inline script and style and its fetch of /openapi.json; on the
//   web console's pages and files (IsConsolePath) one that admits scripts, styles and requests
//   of this origin only and nothing inline; on everything else `default-src 'none'`, as no
//   other answer is a page;
// - `Cache-Control: no-store` on /v1 answers, replacing any Cache-Control the handler chose:
//   call logs and records hold callers' numbers, and no cache or browser may keep them.
// `path` is the request path without the query. Thread-safe.
void AddStandardHeaders(std::string_view path, Response& response,
                        std::chrono::system_clock::time_point now);

// `time` as an IMF-fixdate (RFC 9110 §5.6.7), "Sun, 06 Nov 1994 08:49:37 GMT", whatever the
// process's locale.
std::string HttpDate(std::chrono::system_clock::time_point time);

// The Content-Security-Policy of /docs. Generated at build time from docs/api-docs.html by
// docs_page_policy.cmake, which hashes the page's inline script and style.
std::string_view DocsContentSecurityPolicy();

}  // namespace fr::http
