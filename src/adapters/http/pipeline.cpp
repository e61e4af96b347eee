#include "adapters/http/pipeline.hpp"

#include <spdlog/spdlog.h>

#include "adapters/http/problem.hpp"
#include "common/text.hpp"
#include "domain/audit/audit.hpp"

namespace fr::http {
namespace {

constexpr std::string_view kUnmatchedRoute = "unmatched";

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

bool StartsWithIgnoringCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         EqualsIgnoringAsciiCase(text.substr(0, prefix.size()), prefix);
}

// The value of the cookie `name` in a Cookie header ("a=1; fr_session=…"), if present.
std::optional<std::string_view> CookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const auto end = header.find(';');
    const std::string_view pair = TrimAsciiWhitespace(header.substr(0, end));
    header = end == std::string_view::npos ? std::string_view() : header.substr(end + 1);
    const auto equals = pair.find('=');
    if (equals != std::string_view::npos && pair.substr(0, equals) == name) {
      return TrimAsciiWhitespace(pair.substr(equals + 1));
    }
  }
  return std::nullopt;
}

bool IsSafeMethod(std::string_view method) { return method == "GET" || method == "HEAD"; }

Response TooManyRequests(std::string_view detail, std::chrono::seconds retry_after,
                         std::string_view request_id) {
  Response response = ProblemResponse(TooManyRequestsProblem(detail), request_id);
  response.WithHeader("Retry-After", std::to_string(retry_after.count()));
  return response;
}

// The first of a header's comma-separated values, trimmed: all of them, when there is no comma.
std::string FirstOf(std::string_view value) {
  return std::string(TrimAsciiWhitespace(value.substr(0, value.find(','))));
}

}  // namespace

Pipeline::Pipeline(const Router& router, AuthenticationService& authentication,
                   std::size_t max_body_bytes, RateLimits limits)
    : router_(router), authentication_(authentication), max_body_bytes_(max_body_bytes) {
  if (limits.requests_per_second > 0) {
    per_token_ = std::make_unique<RateLimiter>(limits.requests_per_second,
                                               2 * limits.requests_per_second);
  }
  if (limits.failed_logins_per_minute > 0) {
    failed_logins_ = std::make_unique<RateLimiter>(limits.failed_logins_per_minute / 60,
                                                   limits.failed_logins_per_minute);
  }
}

Pipeline::~Pipeline() = default;

Result<std::optional<Credential>> CredentialOf(const Request& request) {
  std::optional<Credential> found;
  for (const auto& [name, value] : request.headers) {
    std::optional<Credential> credential;
    // A proxy may join repeated header fields into one, "a, b" (RFC 9110 §5.3); token secrets
    // have no commas, so a comma means several credentials, checked like separate fields.
    if ((name == "personal-access-token" || name == "api-token") &&
        value.find(',') != std::string::npos) {
      const std::string_view all(value);
      const std::string_view first = TrimAsciiWhitespace(all.substr(0, all.find(',')));
      for (std::size_t at = 0; at != std::string_view::npos;) {
        const std::size_t comma = all.find(',', at);
        const std::string_view part = TrimAsciiWhitespace(
            all.substr(at, comma == std::string_view::npos ? comma : comma - at));
        if (part != first) {
          return Error::InvalidArgument(
              "The request carries more than one credential with different values; send one "
              "token.");
        }
        at = comma == std::string_view::npos ? comma : comma + 1;
      }
    }
    if (name == "authorization") {
      constexpr std::string_view kBearer = "bearer ";
      std::string secret;
      if (StartsWithIgnoringCase(value, kBearer)) {
        secret = std::string(TrimAsciiWhitespace(std::string_view(value).substr(kBearer.size())));
      }
      // A present but unusable Authorization header is a bad credential, not an absent one.
      credential = Credential{CredentialSource::kBearer, std::move(secret)};
    } else if (name == "personal-access-token") {
      credential = Credential{CredentialSource::kPersonalAccessTokenHeader, FirstOf(value)};
    } else if (name == "api-token") {
      credential = Credential{CredentialSource::kApiTokenHeader, FirstOf(value)};
    }
    if (!credential) continue;
    // Two different secrets would be resolved by a precedence the client cannot see: a revoked
    // token beside a valid one, or two users' tokens, must not quietly act as one of them.
    if (found && found->secret != credential->secret) {
      return Error::InvalidArgument(
          "The request carries more than one credential with different values; send one token.");
    }
    if (!found || credential->source == CredentialSource::kBearer) found = std::move(credential);
  }
  // A token in a header wins over the cookie a browser adds to every request by itself: a page
  // of another site can send the cookie but cannot set these headers.
  if (found) return found;
  for (const auto& [name, value] : request.headers) {
    if (name != "cookie") continue;
    if (const auto session = CookieValue(value, kSessionCookieName)) {
      return std::optional<Credential>(
          Credential{CredentialSource::kSessionCookie, std::string(*session)});
    }
  }
  return found;
}

std::variant<Principal, Response> Pipeline::Authenticate(const Request& request) const {
  const auto credential = CredentialOf(request);
  if (!credential.ok()) return ErrorResponse(credential.error(), request.request_id);
  if (!*credential) {
    Response response = ErrorResponse(
        Error::Unauthenticated(
            "Send a token: Personal-Access-Token, API-TOKEN or Authorization: Bearer, "
            "or sign in (POST /v1/session)."),
        request.request_id);
    // RFC 6750 §3.1: no error code when the request carried no credentials at all.
    for (auto& [name, value] : response.headers) {
      if (name == "WWW-Authenticate") value = "Bearer realm=\"first-responder\"";
    }
    return response;
  }
  const auto now = RateLimiter::Clock::now();
  auto authenticated = authentication_.Authenticate(**credential);
  if (!authenticated.ok()) {
    // Only invalid tokens spend the address's allowance: a valid token behind the same NAT or
    // proxy as someone sending bad ones is never refused here.
    if (failed_logins_ && authenticated.error().code == ErrorCode::kUnauthenticated) {
      if (const auto wait = failed_logins_->Acquire("address:" + request.remote_address, now)) {
        return TooManyRequests("Too many requests with invalid tokens from this address.", *wait,
                               request.request_id);
      }
    }
    return ErrorResponse(authenticated.error(), request.request_id);
  }
  // Decision 0051: a write that only the cookie authenticates must prove it comes from a page
  // that could read the sign-in answer, i.e. one of ours.
  if ((*credential)->source == CredentialSource::kSessionCookie && !IsSafeMethod(request.method)) {
    const auto sent = request.Header("x-csrf-token");
    if (!sent || !ConstantTimeEquals(TrimAsciiWhitespace(*sent),
                                     authentication_.CsrfTokenOf((*credential)->secret))) {
      return ErrorResponse(
          Error::PermissionDenied("A write signed in by the session cookie needs the session's "
                                  "X-CSRF-Token header (from POST /v1/session)."),
          request.request_id);
    }
  }
  if (per_token_) {
    if (const auto wait = per_token_->Acquire("token:" + std::to_string(authenticated->token_id.value), now)) {
      return TooManyRequests("This token sends requests too fast; slow down.", *wait,
                             request.request_id);
    }
  }
  return std::move(authenticated).value();
}

Pipeline::Outcome Pipeline::Handle(const Request& request) const {
  const RouteMatch match = router_.Match(request.method, request.path);
  if (match.kind == RouteMatch::Kind::kNotFound) {
    return {ProblemResponse(RouteNotFoundProblem(), request.request_id),
            kUnmatchedRoute};
  }
  if (match.kind == RouteMatch::Kind::kMethodNotAllowed) {
    Response response =
        ProblemResponse(MethodNotAllowedProblem(request.method), request.request_id);
    response.WithHeader("Allow", Join(match.allowed_methods));
    return {std::move(response), kUnmatchedRoute};
  }
  const Route& route = *match.route;
  if (request.query_malformed) {
    return {ErrorResponse(Error::InvalidArgument("The query string is malformed."),
                          request.request_id),
            route.path_template};
  }
  if (request.body.size() > max_body_bytes_) {
    return {ProblemResponse(ContentTooLargeProblem(max_body_bytes_), request.request_id),
            route.path_template};
  }

  std::optional<Principal> principal;
  if (route.auth == AuthPolicy::kTokenRequired) {
    auto authenticated = Authenticate(request);
    if (auto* refused = std::get_if<Response>(&authenticated)) {
      return {std::move(*refused), route.path_template};
    }
    principal = std::get<Principal>(std::move(authenticated));
  }

  try {
    // Whatever the handler changes or reads that the audit log records is recorded as done by
    // this principal, from this address, in this request (decision 0058).
    std::optional<AuditScope> audit_scope;
    if (principal) {
      audit_scope.emplace(AuditActor{
          principal->IsUser() ? std::optional(principal->user_id) : std::nullopt,
          principal->token_id, request.remote_address, request.request_id});
    }
    const RequestContext context{request, match.params, principal ? &*principal : nullptr};
    HandlerResult handled = route.handler(context);
    if (handled.ok()) return {std::move(handled).value(), route.path_template};
    return {HandlerErrorResponse(handled.error(), request.request_id), route.path_template};
  } catch (const std::exception& error) {
    spdlog::error("http: {} {} [{}] failed: {}", request.method, route.path_template,
                  request.request_id, error.what());
  } catch (...) {
    spdlog::error("http: {} {} [{}] failed with a non-standard exception", request.method,
                  route.path_template, request.request_id);
  }
  return {ProblemResponse(UnexpectedErrorProblem(), request.request_id), route.path_template};
}

}  // namespace fr::http
