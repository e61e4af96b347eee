#include "main/services.hpp"

#include <filesystem>
#include <system_error>

namespace fr {

Result<std::unique_ptr<Services>> Services::Open(const std::string& url, std::size_t pool_size,
                                                 HotlinePolicy policy,
                                                 CallRetentionPolicy retention,
                                                 int caller_calls_per_hour,
                                                 const WebhookSettings& webhooks,
                                                 AuditRetentionPolicy audit_retention) {
  // A new SQLite database in a folder that does not exist yet is the first run's normal case.
  constexpr std::string_view kSqlite = "sqlite:";
  if (url.starts_with(kSqlite)) {
    const std::filesystem::path parent =
        std::filesystem::path(url.substr(kSqlite.size())).parent_path();
    std::error_code ignored;
    if (!parent.empty()) std::filesystem::create_directories(parent, ignored);
  }
  FR_ASSIGN_OR_RETURN(auto database, Database::Open(url, pool_size));
  return std::make_unique<Services>(std::move(database), policy, retention,
                                    caller_calls_per_hour, webhooks, audit_retention);
}

}  // namespace fr
