#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include "adapters/http/http_types.hpp"
#include "adapters/http/rate_limiter.hpp"
#include "adapters/http/router.hpp"
#include "app/authentication_service.hpp"

namespace fr::http {

// How fast clients may go before they get 429. 0 requests per second: no limit.
struct RateLimits {
  double requests_per_second = 50;  // per token, with bursts of twice as many
  double failed_logins_per_minute = 20;  // per client address: slows down token guessing
};

// Everything a request goes through after RESTinio hands it over and before the response is
// written: routing (404/405), body limits, authentication and rate limits, the handler, and the
// last-resort catch. Runs on a worker thread; thread-safe.
class Pipeline {
 public:
  Pipeline(const Router& router, AuthenticationService& authentication, std::size_t max_body_bytes,
           RateLimits limits = {});

  struct Outcome {
    Response response;
    // The matched template, or "unmatched" (bounded metric labels). A view of the router's
    // template, which lives as long as the router: no copy for every request.
    std::string_view route;
  };

  Outcome Handle(const Request& request) const;

  ~Pipeline();

 private:
  // The principal of a request to a route that needs a token, or the response that refuses it
  // (401, or 429 after too many failed attempts or requests).
  std::variant<Principal, Response> Authenticate(const Request& request) const;

  const Router& router_;
  AuthenticationService& authentication_;
  std::size_t max_body_bytes_;
  std::unique_ptr<RateLimiter> per_token_;       // null: unlimited
  std::unique_ptr<RateLimiter> failed_logins_;   // null: unlimited
};

// The browser session's cookie (decision 0051).
inline constexpr std::string_view kSessionCookieName = "fr_session";

// The credential a request carries, from `Authorization: Bearer`, `Personal-Access-Token` or
// `API-TOKEN`, or else from the session cookie; nullopt when it carries none. The same secret
// may come in several headers. Errors: kInvalidArgument when the headers carry different
// secrets (ambiguous credentials).
Result<std::optional<Credential>> CredentialOf(const Request& request);

}  // namespace fr::http
