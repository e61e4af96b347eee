#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "domain/webhook/webhook.hpp"
#include "main/services.hpp"

namespace fr {

// The webhook options of `serve`, as given.
struct WebhookOptions {
  std::string key_file;  // empty: webhook.key beside a SQLite database, or in the working folder
  std::vector<std::string> allow_http;  // hosts plain http may go to
  bool allow_private = false;
  // The first retry's wait; later ones double up to an hour (decision 0049). Short for tests.
  std::string retry_base = "30s";
};

void AddWebhookOptions(CLI::App& command, WebhookOptions& options);

// Reads the sealing key from the key file, creating it (32 random bytes as hex, mode 0600) when
// it does not exist yet; `database_url` decides the default place. Errors: kInvalidArgument
// (a key file that is not 64 hex digits, a bad duration), kUnavailable (cannot create it).
Result<WebhookSettings> WebhookSettingsOf(const WebhookOptions& options,
                                          const std::string& database_url);
Result<DeliveryPolicy> DeliveryPolicyOf(const WebhookOptions& options);

}  // namespace fr
