#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "app/webhook_ports.hpp"
#include "common/clock.hpp"

namespace fr::webhook {

// Where webhooks may go (decision 0049).
struct NetworkPolicy {
  // Hosts (as written in the URL, any case) that may be sent to over plain http; every other
  // URL must be https.
  std::vector<std::string> allow_http_hosts;
  // Loopback, private, link-local and the other ForbiddenAddressKind addresses are allowed too
  // (tests deliver to a receiver on 127.0.0.1).
  bool allow_private = false;
  std::chrono::milliseconds timeout{std::chrono::seconds(10)};
};

// The URL checks of NetworkPolicy, made at creation and update: https (or http to an allowed
// host), no credentials in the URL, and a host whose every address is allowed. Thread-safe;
// blocks on name resolution.
class CurlUrlGuard final : public WebhookUrlGuard {
 public:
  explicit CurlUrlGuard(NetworkPolicy policy) : policy_(std::move(policy)) {}
  Status Check(const std::string& url) const override;

 private:
  NetworkPolicy policy_;
};

// Sends deliveries with libcurl: one POST, no redirects followed, no proxy, the policy's
// timeout for the whole exchange. The URL is checked again before each send, and the address
// curl actually connects to is checked as the socket opens, so a name that resolves elsewhere
// since its creation (DNS rebinding) cannot reach a forbidden address. A 2xx answer is a
// success; anything else, or no answer, is the attempt's error. Thread-safe (one curl handle
// per call).
class CurlWebhookSender final : public WebhookSender {
 public:
  CurlWebhookSender(NetworkPolicy policy, const Clock& clock);
  ~CurlWebhookSender() override;
  CurlWebhookSender(const CurlWebhookSender&) = delete;
  CurlWebhookSender& operator=(const CurlWebhookSender&) = delete;

  DeliveryAttempt Send(const WebhookTarget& target, const WebhookEvent& event,
                       WebhookDeliveryId delivery) override;

 private:
  NetworkPolicy policy_;
  CurlUrlGuard guard_;
  const Clock& clock_;
};

}  // namespace fr::webhook
