#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "adapters/http/http_types.hpp"
#include "common/error.hpp"

namespace fr::http {

// An RFC 9457 problem before it is encoded. `type_slug` names an entry of docs/problems.md and
// becomes the `type` URI "/problems/<slug>".
struct Problem {
  int status = 500;
  std::string type_slug;
  std::string title;
  std::string detail;
  std::vector<FieldError> field_errors;
};

// The one mapping from domain errors to HTTP: code → status, slug and title.
Problem ProblemFromError(const Error& error);

// The HTTP layer's own problems (no domain error behind them).
Problem RouteNotFoundProblem();
Problem MethodNotAllowedProblem(std::string_view method);
Problem UnsupportedMediaTypeProblem();
Problem ContentTooLargeProblem(std::size_t limit_bytes);
Problem OverloadedProblem();
Problem TooManyRequestsProblem(std::string_view detail);
Problem UnexpectedErrorProblem();
// Requests the HTTP parser refused, or that break HTTP/1.1 framing rules (docs/decisions/0019).
Problem MalformedRequestProblem(std::string_view detail);
Problem UriTooLongProblem(std::size_t limit_bytes);
Problem HeaderFieldsTooLargeProblem();
Problem MethodNotImplementedProblem();
// A Range header none of whose bytes a resource of `size` bytes has (RFC 9110 §15.5.17).
Problem RangeNotSatisfiableProblem(std::uint64_t size);

// Encodes `problem` as an application/problem+json response. `request_id` goes into the body
// as `requestId` and the `instance` member, so that a user can quote it to an operator.
Response ProblemResponse(const Problem& problem, std::string_view request_id);

// Shorthand: ProblemResponse(ProblemFromError(error), request_id), plus `WWW-Authenticate` for
// kUnauthenticated and `Retry-After` for kUnavailable.
Response ErrorResponse(const Error& error, std::string_view request_id);

// Why a handler has no response of its own: a domain Error, or one of the HTTP layer's own
// problems that no ErrorCode stands for (415, a body that is not JSON).
using HandlerError = std::variant<Error, Problem>;

// The answer to `error`: ErrorResponse for an Error, ProblemResponse for a Problem. The
// pipeline calls it once for every handler that fails.
Response HandlerErrorResponse(const HandlerError& error, std::string_view request_id);

}  // namespace fr::http
