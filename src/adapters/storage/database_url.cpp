#include "adapters/storage/database_url.hpp"

#include <libpq-fe.h>

#include <memory>
#include <vector>

namespace fr {
namespace {

constexpr std::string_view kSqliteScheme = "sqlite:";
constexpr std::string_view kPostgresSchemes[] = {"postgresql://", "postgres://"};
constexpr std::string_view kMask = "***";
constexpr const char* kForms =
    "expected sqlite:PATH or postgresql://[user[:password]@][host][:port][/dbname][?param=value]";

// The places a PostgreSQL URL may carry a password: after the user in the authority, and a
// `password=` parameter of the query. Each as [begin, end) in `url`.
std::vector<std::pair<std::size_t, std::size_t>> PasswordSpans(std::string_view url,
                                                               std::size_t authority) {
  std::vector<std::pair<std::size_t, std::size_t>> spans;
  const std::size_t authority_end = std::min(url.find_first_of("/?", authority), url.size());
  const std::size_t at = url.rfind('@', authority_end);
  if (at != std::string_view::npos && at >= authority) {
    const std::size_t colon = url.find(':', authority);
    if (colon < at) spans.emplace_back(colon + 1, at);
  }
  for (std::size_t query = url.find('?', authority_end); query != std::string_view::npos;) {
    const std::size_t start = query + 1;
    const std::size_t end = std::min(url.find('&', start), url.size());
    const std::string_view parameter = url.substr(start, end - start);
    if (parameter.starts_with("password=")) spans.emplace_back(start + 9, end);
    query = end < url.size() ? end : std::string_view::npos;
  }
  return spans;
}

std::string Masked(std::string_view text,
                   const std::vector<std::pair<std::size_t, std::size_t>>& spans) {
  std::string out;
  std::size_t copied = 0;
  for (const auto& [begin, end] : spans) {
    out.append(text.substr(copied, begin - copied)).append(kMask);
    copied = end;
  }
  return out.append(text.substr(copied));
}

// libpq's message quotes the part of the URL it could not read, which may be the password.
std::string WithoutSecrets(std::string message, std::string_view url,
                           const std::vector<std::pair<std::size_t, std::size_t>>& spans) {
  for (const auto& [begin, end] : spans) {
    const std::string_view secret = url.substr(begin, end - begin);
    if (secret.empty()) continue;
    for (auto found = message.find(secret); found != std::string::npos;
         found = message.find(secret, found + kMask.size())) {
      message.replace(found, secret.size(), kMask);
    }
  }
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return message;
}

Result<DatabaseUrl> ParsePostgresqlUrl(std::string_view url, std::size_t authority) {
  const auto spans = PasswordSpans(url, authority);
  DatabaseUrl parsed{Dialect::kPostgresql, std::string(url), Masked(url, spans)};
  char* raw_error = nullptr;
  const std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options(
      PQconninfoParse(parsed.target.c_str(), &raw_error), &PQconninfoFree);
  if (!options) {
    std::string reason = raw_error != nullptr ? raw_error : "out of memory";
    PQfreemem(raw_error);
    return Error::InvalidArgument("Invalid database URL '" + parsed.redacted + "': " +
                                  WithoutSecrets(reason, url, spans) + " (" + kForms + ").");
  }
  return parsed;
}

}  // namespace

Result<DatabaseUrl> ParseDatabaseUrl(std::string_view url) {
  if (url.starts_with(kSqliteScheme) && url.size() > kSqliteScheme.size()) {
    return DatabaseUrl{Dialect::kSqlite, std::string(url.substr(kSqliteScheme.size())),
                       std::string(url)};
  }
  for (const std::string_view scheme : kPostgresSchemes) {
    if (url.starts_with(scheme)) return ParsePostgresqlUrl(url, scheme.size());
  }
  // Whatever it is, it may hold a secret: only its scheme is repeated.
  const std::size_t colon = url.find(':');
  const std::string scheme(url.substr(0, colon == std::string_view::npos ? 0 : colon));
  return Error::InvalidArgument("Unsupported database URL" +
                                (scheme.empty() ? std::string() : " scheme '" + scheme + "'") +
                                ": " + kForms + ".");
}

}  // namespace fr
