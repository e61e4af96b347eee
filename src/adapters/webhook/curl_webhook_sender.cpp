#include "adapters/webhook/curl_webhook_sender.hpp"

#include <curl/curl.h>
#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <memory>
#include <optional>

#include "adapters/webhook/address_policy.hpp"
#include "adapters/webhook/webhook_payload.hpp"
#include "common/text.hpp"

namespace fr::webhook {
namespace {

Status UrlRefused(std::string message) {
  return Error::InvalidArgument("The webhook is invalid.", {{"url", std::move(message)}});
}

// The parts of a URL the policy looks at.
struct UrlParts {
  std::string scheme;  // lower case
  std::string host;    // without IPv6 brackets
};

Result<UrlParts> ParseUrl(const std::string& url) {
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> handle(curl_url(), &curl_url_cleanup);
  if (!handle || curl_url_set(handle.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
    return Error::InvalidArgument("The webhook is invalid.", {{"url", "is not a valid URL"}});
  }
  const auto part = [&handle](CURLUPart which) -> std::optional<std::string> {
    char* value = nullptr;
    if (curl_url_get(handle.get(), which, &value, 0) != CURLUE_OK || value == nullptr) {
      return std::nullopt;
    }
    std::string text = value;
    curl_free(value);
    return text;
  };
  UrlParts parts;
  parts.scheme = part(CURLUPART_SCHEME).value_or("");
  parts.host = part(CURLUPART_HOST).value_or("");
  if (parts.host.size() >= 2 && parts.host.front() == '[' && parts.host.back() == ']') {
    parts.host = parts.host.substr(1, parts.host.size() - 2);
  }
  if (part(CURLUPART_USER) || part(CURLUPART_PASSWORD)) {
    return Error::InvalidArgument("The webhook is invalid.",
                                  {{"url",
                                    "must not hold credentials: the signature proves the "
                                    "sender"}});
  }
  if (parts.host.empty()) {
    return Error::InvalidArgument("The webhook is invalid.", {{"url", "has no host"}});
  }
  return parts;
}

Status CheckScheme(const UrlParts& url, const NetworkPolicy& policy) {
  if (url.scheme == "https") return Ok();
  if (url.scheme == "http") {
    const bool allowed = std::any_of(
        policy.allow_http_hosts.begin(), policy.allow_http_hosts.end(),
        [&url](const std::string& host) { return EqualsIgnoringAsciiCase(host, url.host); });
    if (allowed) return Ok();
    return UrlRefused("must be https (http only to hosts in --webhook-allow-http)");
  }
  return UrlRefused("must be https");
}

// Every address `host` resolves to must be allowed: a name with one public and one private
// address could be sent to either.
Status CheckAddresses(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0 || found == nullptr) {
    return UrlRefused("its host " + host + " does not resolve");
  }
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> addresses(found, &freeaddrinfo);
  for (const addrinfo* each = found; each != nullptr; each = each->ai_next) {
    if (const auto kind = ForbiddenAddressKind(each->ai_addr)) {
      return UrlRefused("its host " + host + " resolves to " + AddressText(each->ai_addr) + ", a " +
                        *kind + " address (--webhook-allow-private allows it)");
    }
  }
  return Ok();
}

// What the socket callback saw: the address it refused, if any.
struct SocketGuard {
  bool allow_private = false;
  std::string refused;
};

curl_socket_t OpenCheckedSocket(void* context, curlsocktype purpose, curl_sockaddr* address) {
  auto* guard = static_cast<SocketGuard*>(context);
  if (purpose == CURLSOCKTYPE_IPCXN && !guard->allow_private) {
    if (const auto kind = ForbiddenAddressKind(&address->addr)) {
      guard->refused = AddressText(&address->addr) + " (a " + *kind + " address)";
      return CURL_SOCKET_BAD;
    }
  }
  return socket(address->family, address->socktype, address->protocol);
}

size_t DiscardBody(char*, size_t size, size_t count, void*) { return size * count; }

}  // namespace

Status CurlUrlGuard::Check(const std::string& url) const {
  FR_ASSIGN_OR_RETURN(const UrlParts parts, ParseUrl(url));
  FR_RETURN_IF_ERROR(CheckScheme(parts, policy_));
  if (policy_.allow_private) return Ok();
  return CheckAddresses(parts.host);
}

CurlWebhookSender::CurlWebhookSender(NetworkPolicy policy, const Clock& clock)
    : policy_(policy), guard_(std::move(policy)), clock_(clock) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
}

CurlWebhookSender::~CurlWebhookSender() { curl_global_cleanup(); }

DeliveryAttempt CurlWebhookSender::Send(const WebhookTarget& target, const WebhookEvent& event,
                                        WebhookDeliveryId delivery) {
  DeliveryAttempt attempt;
  const auto started = std::chrono::steady_clock::now();
  const auto finish = [&](std::string error) {
    attempt.at = clock_.Now();
    attempt.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::steady_clock::now() - started)
                              .count();
    attempt.error = std::move(error);
    return attempt;
  };
  if (const Status allowed = guard_.Check(target.url); !allowed.ok()) {
    const auto& fields = allowed.error().field_errors;
    return finish("the URL " + (fields.empty() ? allowed.error().detail : fields.front().message));
  }
  const std::string body = RenderWebhookBody(event, target.include_caller_number);
  const auto now_seconds =
      std::chrono::duration_cast<std::chrono::seconds>(clock_.Now().time_since_epoch()).count();
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
  if (!curl) return finish("libcurl could not start a transfer");
  curl_slist* headers = nullptr;
  for (const std::string& header :
       {std::string("Content-Type: application/json"),
        "FR-Signature: " + SignatureHeaderValue(target.secret, now_seconds, body),
        "FR-Event-ID: " + std::to_string(event.id.value),
        "FR-Event-Type: " + std::string(WebhookEventTypeName(event.type)),
        "FR-Delivery-ID: " + std::to_string(delivery.value), std::string("Expect:")}) {
    headers = curl_slist_append(headers, header.c_str());
  }
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> header_list(headers,
                                                                          &curl_slist_free_all);
  SocketGuard socket_guard{policy_.allow_private, ""};
  CURL* handle = curl.get();
  curl_easy_setopt(handle, CURLOPT_URL, target.url.c_str());
  curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(handle, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(handle, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, static_cast<long>(policy_.timeout.count()));
  curl_easy_setopt(handle, CURLOPT_USERAGENT, "first-responder-webhooks/1");
  curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(handle, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, &DiscardBody);
  curl_easy_setopt(handle, CURLOPT_OPENSOCKETFUNCTION, &OpenCheckedSocket);
  curl_easy_setopt(handle, CURLOPT_OPENSOCKETDATA, &socket_guard);
  const CURLcode code = curl_easy_perform(handle);
  if (!socket_guard.refused.empty()) {
    return finish("refused to connect to " + socket_guard.refused);
  }
  if (code != CURLE_OK) return finish(curl_easy_strerror(code));
  long status = 0;
  curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
  attempt.status_code = static_cast<int>(status);
  if (status < 200 || status > 299) {
    return finish("the receiver answered " + std::to_string(status));
  }
  return finish("");
}

}  // namespace fr::webhook
