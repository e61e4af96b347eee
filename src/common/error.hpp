#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace fr {

// Canonical error codes, after Abseil's. Closed on purpose: every code has exactly one HTTP
// status in adapters/http/problem.cpp; the CLI prints the code's name and exits 1.
enum class ErrorCode {
  kInvalidArgument,     // the caller's input is malformed or out of range
  kNotFound,            // the object does not exist, or the caller may not know that it does
  kAlreadyExists,       // creating would duplicate a unique object
  kUnauthenticated,     // no valid credentials
  kPermissionDenied,    // credentials are valid but do not allow this action
  kFailedPrecondition,  // the system is not in a state that allows this (e.g. prerequisite missing)
  kConflict,            // concurrent modification, stale version
  kResourceExhausted,   // a limit was reached
  kTooManyRequests,     // the caller tried too often too fast (sign-in attempts); wait, then retry
  kUnavailable,         // transient: try again later
  kInternal,            // a bug or an unexpected failure of a dependency
};

// The stable, lower-case name of a code ("invalid_argument"), used in logs and problem types.
const char* ErrorCodeName(ErrorCode code);

// One invalid input field: `field` is the name the client used (e.g. "phone", "limit").
struct FieldError {
  std::string field;
  std::string message;

  bool operator==(const FieldError&) const = default;
};

// An expected failure. `detail` is safe to show to the client; internals never go in here.
struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string detail;
  std::vector<FieldError> field_errors;
  // kTooManyRequests: how long to wait before a retry can succeed (the Retry-After); nullopt:
  // a minute.
  std::optional<std::chrono::seconds> retry_after = std::nullopt;

  static Error InvalidArgument(std::string detail, std::vector<FieldError> fields = {}) {
    return {ErrorCode::kInvalidArgument, std::move(detail), std::move(fields), std::nullopt};
  }
  static Error NotFound(std::string detail) {
    return {ErrorCode::kNotFound, std::move(detail), {}, std::nullopt};
  }
  static Error AlreadyExists(std::string detail) {
    return {ErrorCode::kAlreadyExists, std::move(detail), {}, std::nullopt};
  }
  static Error Unauthenticated(std::string detail) {
    return {ErrorCode::kUnauthenticated, std::move(detail), {}, std::nullopt};
  }
  static Error PermissionDenied(std::string detail) {
    return {ErrorCode::kPermissionDenied, std::move(detail), {}, std::nullopt};
  }
  static Error FailedPrecondition(std::string detail) {
    return {ErrorCode::kFailedPrecondition, std::move(detail), {}, std::nullopt};
  }
  static Error Conflict(std::string detail) {
    return {ErrorCode::kConflict, std::move(detail), {}, std::nullopt};
  }
  static Error ResourceExhausted(std::string detail) {
    return {ErrorCode::kResourceExhausted, std::move(detail), {}, std::nullopt};
  }
  static Error TooManyRequests(std::string detail,
                               std::optional<std::chrono::seconds> retry_after = std::nullopt) {
    return {ErrorCode::kTooManyRequests, std::move(detail), {}, retry_after};
  }
  static Error Unavailable(std::string detail) {
    return {ErrorCode::kUnavailable, std::move(detail), {}, std::nullopt};
  }
  static Error Internal(std::string detail) {
    return {ErrorCode::kInternal, std::move(detail), {}, std::nullopt};
  }
};

}  // namespace fr
