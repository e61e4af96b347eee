#pragma once

#include <string>

#include "common/result.hpp"
#include "domain/webhook/webhook.hpp"
#include "domain/webhook/webhook_repository.hpp"

namespace fr {

// Port: keeps webhook secrets unreadable at rest (decision 0048). Thread-safe.
class SecretSealer {
 public:
  virtual ~SecretSealer() = default;
  // The sealed form of `secret`, for storage. Errors: kFailedPrecondition when no key is
  // configured.
  virtual Result<std::string> Seal(const std::string& secret) const = 0;
  // The secret again. Errors: kFailedPrecondition (no key, or sealed under another key or
  // tampered with).
  virtual Result<std::string> Open(const std::string& sealed) const = 0;
};

// Port: whether a webhook may be sent to `url` (scheme, host, and every address the host
// resolves to; decision 0049). Blocks on name resolution. Thread-safe.
class WebhookUrlGuard {
 public:
  virtual ~WebhookUrlGuard() = default;
  // Errors: kInvalidArgument with a FieldError on `url` saying why not.
  virtual Status Check(const std::string& url) const = 0;
};

// The webhook as its sender needs it.
struct WebhookTarget {
  std::string url;
  std::string secret;  // opened: the HMAC key
  bool include_caller_number = false;
};

// Port: one signed POST of `event` to `target` (the guard's checks again, against the address
// actually connected to; redirects are not followed). Blocks for up to the sender's timeout.
// Thread-safe. Never fails as a Result: how it went is the attempt.
class WebhookSender {
 public:
  virtual ~WebhookSender() = default;
  virtual DeliveryAttempt Send(const WebhookTarget& target, const WebhookEvent& event,
                               WebhookDeliveryId delivery) = 0;
};

}  // namespace fr
