#include "adapters/http/problem.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace fr::http {
namespace {

struct Mapping {
  int status;
  const char* slug;
  const char* title;
};

// Every ErrorCode appears exactly once; docs/problems.md lists every slug.
Mapping MappingOf(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return {400, "invalid-request", "Invalid request"};
    case ErrorCode::kNotFound: return {404, "not-found", "Not found"};
    case ErrorCode::kAlreadyExists: return {409, "already-exists", "Already exists"};
    case ErrorCode::kUnauthenticated: return {401, "unauthenticated", "Authentication required"};
    case ErrorCode::kPermissionDenied: return {403, "forbidden", "Forbidden"};
    case ErrorCode::kFailedPrecondition:
      return {409, "failed-precondition", "Prerequisite missing"};
    case ErrorCode::kConflict: return {412, "precondition-failed", "Precondition failed"};
    case ErrorCode::kResourceExhausted: return {409, "limit-reached", "Limit reached"};
    case ErrorCode::kTooManyRequests: return {429, "rate-limited", "Too many requests"};
    case ErrorCode::kUnavailable: return {503, "unavailable", "Service unavailable"};
    case ErrorCode::kInternal: return {500, "internal-error", "Internal server error"};
  }
  return {500, "internal-error", "Internal server error"};
}

}  // namespace

Problem ProblemFromError(const Error& error) {
  const Mapping mapping = MappingOf(error.code);
  // Internal details were logged where they happened; the client learns only that it failed.
  std::string detail = error.code == ErrorCode::kInternal
                           ? "The server failed to handle the request; quote the request id."
                           : error.detail;
  return {mapping.status, mapping.slug, mapping.title, std::move(detail), error.field_errors};
}

Problem RouteNotFoundProblem() {
  return {404, "not-found", "Not found", "No resource exists at this path.", {}};
}

Problem MethodNotAllowedProblem(std::string_view method) {
  return {405, "method-not-allowed", "Method not allowed",
          "This resource does not support " + std::string(method) + "; see the Allow header.", {}};
}

Problem UnsupportedMediaTypeProblem() {
  return {415, "unsupported-media-type", "Unsupported media type",
          "The request body must be JSON: send Content-Type: application/json.", {}};
}

Problem ContentTooLargeProblem(std::size_t limit_bytes) {
  return {413, "content-too-large", "Content too large",
          "The request body exceeds the limit of " + std::to_string(limit_bytes) + " bytes.", {}};
}

Problem TooManyRequestsProblem(std::string_view detail) {
  return {429, "rate-limited", "Too many requests", std::string(detail), {}};
}

Problem RangeNotSatisfiableProblem(std::uint64_t size) {
  return {416, "range-not-satisfiable", "Range not satisfiable",
          "The requested range starts beyond the end of the recording (" + std::to_string(size) +
              " bytes).",
          {}};
}

Problem OverloadedProblem() {
  return {503, "unavailable", "Service unavailable",
          "The server is busy or shutting down; try again shortly.", {}};
}

Problem UnexpectedErrorProblem() {
  return {500, "internal-error", "Internal server error",
          "The server failed to handle the request; quote the request id.", {}};
}

Problem MalformedRequestProblem(std::string_view detail) {
  return {400, "malformed-request", "Malformed request", std::string(detail), {}};
}

Problem UriTooLongProblem(std::size_t limit_bytes) {
  return {414, "uri-too-long", "URI too long",
          "The request target exceeds the limit of " + std::to_string(limit_bytes) + " bytes.",
          {}};
}

Problem HeaderFieldsTooLargeProblem() {
  return {431, "header-fields-too-large", "Request header fields too large",
          "The request has too many header fields, or one that is too long.", {}};
}

Problem MethodNotImplementedProblem() {
  return {501, "not-implemented", "Not implemented",
          "The server does not know this request method.", {}};
}

Response ProblemResponse(const Problem& problem, std::string_view request_id) {
  nlohmann::json body = {
      {"type", "/problems/" + problem.type_slug},
      {"title", problem.title},
      {"status", problem.status},
      {"detail", problem.detail},
  };
  if (!request_id.empty()) {
    body["instance"] = "urn:request:" + std::string(request_id);
    body["requestId"] = request_id;
  }
  if (!problem.field_errors.empty()) {
    auto& errors = body["errors"] = nlohmann::json::array();
    for (const FieldError& field_error : problem.field_errors) {
      errors.push_back({{"field", field_error.field}, {"message", field_error.message}});
    }
  }
  Response response;
  response.status = problem.status;
  response.content_type = "application/problem+json";
  response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return response;
}

Response ErrorResponse(const Error& error, std::string_view request_id) {
  Response response = ProblemResponse(ProblemFromError(error), request_id);
  if (error.code == ErrorCode::kUnauthenticated) {
    response.WithHeader("WWW-Authenticate",
                        "Bearer realm=\"first-responder\", error=\"invalid_token\"");
  }
  if (error.code == ErrorCode::kUnavailable) response.WithHeader("Retry-After", "1");
  // Sign-in attempts are counted over minutes (decision 0052): a minute is the useful wait;
  // and limits with a known end say when it comes (the verification calls', decision 0069).
  if (error.code == ErrorCode::kTooManyRequests) {
    const auto wait = error.retry_after.value_or(std::chrono::seconds(60));
    response.WithHeader("Retry-After", std::to_string(std::max<long long>(1, wait.count())));
  }
  return response;
}

Response HandlerErrorResponse(const HandlerError& error, std::string_view request_id) {
  if (const auto* domain = std::get_if<Error>(&error)) return ErrorResponse(*domain, request_id);
  return ProblemResponse(std::get<Problem>(error), request_id);
}

}  // namespace fr::http
