#include "adapters/http/response_headers.hpp"

#include <algorithm>
#include <array>
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

constexpr std::string_view kDate = "Date";
constexpr std::string_view kCacheControl = "Cache-Control";
// The fixed ones, in the order they are written after Date.
constexpr std::array<StandardHeaders::Field, 3> kFixedHeaders = {{
    {"X-Content-Type-Options", "nosniff"},
    {"Referrer-Policy", "no-referrer"},
    {"X-Frame-Options", "DENY"},
}};
constexpr std::string_view kContentSecurityPolicy = "Content-Security-Policy";

}  // namespace

StandardHeaders::StandardHeaders(std::string_view path,
                                 std::chrono::system_clock::time_point now) {
  thread_local HttpDateCache date_of_this_thread;
  const std::string& date = date_of_this_thread.Format(now);
  // Always 29 characters for years 1000 to 9999; a clock outside them is cut rather than
  // overrun.
  const std::size_t date_size = date.copy(date_.data(), date_.size());
  fields_[count_++] = {kDate, std::string_view(date_.data(), date_size)};
  for (const Field& fixed : kFixedHeaders) fields_[count_++] = fixed;
  fields_[count_++] = {kContentSecurityPolicy, ContentSecurityPolicyFor(path)};
  if (IsApiPath(path)) fields_[count_++] = {kCacheControl, "no-store"};
}

bool StandardHeaders::Sets(std::string_view name) const {
  return std::any_of(begin(), end(),
                     [name](const Field& field) { return EqualsIgnoringAsciiCase(name, field.name); });
}

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

const std::string& HttpDateCache::Format(std::chrono::system_clock::time_point now) {
  const std::int64_t second =
      std::chrono::floor<std::chrono::seconds>(now).time_since_epoch().count();
  if (second != second_) {
    formatted_ = HttpDate(now);
    second_ = second;
  }
  return formatted_;
}

void AddStandardHeaders(std::string_view path, Response& response,
                        std::chrono::system_clock::time_point now) {
  const StandardHeaders standard(path, now);
  std::erase_if(response.headers,
                [&standard](const auto& header) { return standard.Sets(header.first); });
  for (const auto& [name, value] : standard) {
    response.headers.emplace_back(std::string(name), std::string(value));
  }
}

}  // namespace fr::http
