#include "main/services.hpp"

#include "adapters/storage/database_url.hpp"

#include <filesystem>
#include <system_error>

namespace fr {

Result<std::unique_ptr<Services>> Services::Open(const std::string& url, std::size_t pool_size,
                                                 HotlinePolicy policy,
                                                 CallRetentionPolicy retention,
                                                 int caller_calls_per_hour,
                                                 const WebhookSettings& webhooks,
                                                 SignInPolicy sign_in,
                                                 const std::string& voicemail_dir,
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
  FR_ASSIGN_OR_RETURN(auto folder, VoicemailFolder::Open(voicemail_dir.empty()
                                                             ? DefaultVoicemailDir(url)
                                                             : std::filesystem::path(voicemail_dir)));
  return std::make_unique<Services>(std::move(database), std::move(folder), policy, retention,
                                    caller_calls_per_hour, webhooks, sign_in, audit_retention);
}

std::filesystem::path DefaultVoicemailDir(const std::string& database_url) {
  const auto database = ParseDatabaseUrl(database_url);
  if (database.ok() && database->dialect == Dialect::kSqlite) {
    return std::filesystem::path(database->target).parent_path() / "voicemails";
  }
  return std::filesystem::path("var") / "voicemails";
}

}  // namespace fr
