#include "main/webhook_options.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "adapters/crypto/openssl_crypto.hpp"
#include "adapters/storage/database_url.hpp"
#include "common/text.hpp"
#include "main/telephony_options.hpp"

namespace fr {
namespace {

std::filesystem::path DefaultKeyFile(const std::string& database_url) {
  const auto database = ParseDatabaseUrl(database_url);
  const std::filesystem::path folder = database.ok() && database->dialect == Dialect::kSqlite
                                           ? std::filesystem::path(database->target).parent_path()
                                           : std::filesystem::path();
  return folder / "webhook.key";
}

// Writes a new random key to `path`, readable by the owner only; never replaces a file that
// appeared meanwhile (another node of a shared folder may have written it first).
Status CreateKeyFile(const std::filesystem::path& path) {
  std::array<std::uint8_t, 32> key{};
  OpensslSecureRandom().Fill(key);
  const std::string text =
      HexEncode(std::string_view(reinterpret_cast<const char*>(key.data()), key.size())) + "\n";
  std::error_code ignored;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ignored);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    if (errno == EEXIST) return Ok();
    return Error::Unavailable("cannot create the webhook key file " + path.string());
  }
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!written || !synced) {
    return Error::Unavailable("cannot write the webhook key file " + path.string());
  }
  return Ok();
}

}  // namespace

void AddWebhookOptions(CLI::App& command, WebhookOptions& options) {
  command
      .add_option("--webhook-key-file", options.key_file,
                  "File with the key that seals webhook secrets (created if missing)")
      ->envname("FR_WEBHOOK_KEY_FILE");
  command
      .add_option("--webhook-allow-http", options.allow_http,
                  "Hosts webhooks may reach over plain http (comma-separated)")
      ->envname("FR_WEBHOOK_ALLOW_HTTP")
      ->delimiter(',');
  command
      .add_flag("--webhook-allow-private", options.allow_private,
                "Let webhooks reach loopback, private and link-local addresses (tests)")
      ->envname("FR_WEBHOOK_ALLOW_PRIVATE");
  command
      .add_option("--webhook-retry-base", options.retry_base,
                  "Wait before a failed webhook delivery's first retry; later ones double")
      ->envname("FR_WEBHOOK_RETRY_BASE")
      ->capture_default_str();
}

Result<WebhookSettings> WebhookSettingsOf(const WebhookOptions& options,
                                          const std::string& database_url) {
  const std::filesystem::path path = options.key_file.empty()
                                         ? DefaultKeyFile(database_url)
                                         : std::filesystem::path(options.key_file);
  if (!std::filesystem::exists(path)) FR_RETURN_IF_ERROR(CreateKeyFile(path));
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  WebhookSettings settings;
  settings.key = ParseSealingKey(text.str());
  if (!in || !settings.key) {
    return Error::InvalidArgument("--webhook-key-file " + path.string() +
                                  " must hold 64 hexadecimal digits (a 256-bit key)");
  }
  for (const std::string& host : options.allow_http) {
    const std::string_view trimmed = TrimAsciiWhitespace(host);
    if (!trimmed.empty()) settings.network.allow_http_hosts.emplace_back(trimmed);
  }
  settings.network.allow_private = options.allow_private;
  return settings;
}

Result<DeliveryPolicy> DeliveryPolicyOf(const WebhookOptions& options) {
  FR_ASSIGN_OR_RETURN(const auto base, ParseDuration("--webhook-retry-base", options.retry_base));
  if (base.count() < 1) {
    return Error::InvalidArgument("--webhook-retry-base must be at least 1ms");
  }
  DeliveryPolicy policy;
  policy.retry_base = base;
  return policy;
}

}  // namespace fr
