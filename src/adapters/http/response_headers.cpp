#include "adapters/http/response_headers.hpp"

#include <cctype>
#include <cstdio>
#include <ctime>
#include <vector>

#include "adapters/http/console_pages.hpp"
#include "common/text.hpp"

namespace fr::http {
namespace {

// Nothing the API answers is a page: no script, style, frame or form may come of it, and no
// other site may frame it (clickjacking).
constexpr std::string_view kApiContentSecurityPolicy =
    "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

// The console's pages and files (web/): scripts and styles only from the console's own files
// under /assets/, never inline; requests only to this origin's API; audio (the "listen"
// button's WAV) from blob: URLs the page makes of the API's answers.
constexpr std::string_view kConsoleContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; media-src 'self' blob:; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'";

std::string_view ContentSecurityPolicyFor(std::string_view path) {
  if (path == "/docs") return DocsContentSecurityPolicy();
  if (IsConsolePath(path)) return kConsoleContentSecurityPolicy;
  return kApiContentSecurityPolicy;
}

bool IsApiPath(std::string_view path) { return path == "/v1" || path.substr(0, 4) == "/v1/"; }

// Sets `name`, dropping any value a handler gave it: these headers are policy, not a default.
void SetHeader(Response& response, std::string_view name, std::string value) {
  std::erase_if(response.headers,
                [name](const auto& header) { return EqualsIgnoringAsciiCase(header.first, name); });
  response.headers.emplace_back(std::string(name), std::move(value));
}

}  // namespace

std::string HttpDate(std::chrono::system_clock::time_point time) {
  // Fixed English names: strftime's %a and %b follow the locale.
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[40];
  std::snprintf(buffer, sizeof buffer, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[utc.tm_wday],
                utc.tm_mday, kMonths[utc.tm_mon], utc.tm_year + 1900, utc.tm_hour, utc.tm_min,
                utc.tm_sec);
  return buffer;
}

void AddStandardHeaders(std::string_view path, Response& response,
                        std::chrono::system_clock::time_point now) {
  SetHeader(response, "Date", HttpDate(now));
  SetHeader(response, "X-Content-Type-Options", "nosniff");
  SetHeader(response, "Referrer-Policy", "no-referrer");
  SetHeader(response, "X-Frame-Options", "DENY");
  SetHeader(response, "Content-Security-Policy", std::string(ContentSecurityPolicyFor(path)));
  if (IsApiPath(path)) SetHeader(response, "Cache-Control", "no-store");
}

}  // namespace fr::http
