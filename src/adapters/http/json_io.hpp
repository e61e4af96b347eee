#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/http/http_types.hpp"
#include "adapters/http/problem.hpp"
#include "adapters/http/router.hpp"
#include "common/result.hpp"

namespace fr::http {

using Json = nlohmann::json;

inline constexpr std::size_t kMaxJsonDepth = 32;

// Parses a JSON request body that must be an object. Errors: kInvalidArgument for malformed
// JSON, invalid UTF-8, nesting deeper than kMaxJsonDepth, or a non-object.
Result<Json> ParseJsonObject(std::string_view body);

// Ok when the request declares a JSON body (every endpoint that calls this requires one);
// otherwise the 415 problem.
Result<void, Problem> RequireJsonBody(const Request& request);

// A 2xx JSON response.
Response JsonResponse(int status, const Json& body);
// A 2xx response whose JSON text is already written (see JsonWriter).
Response JsonTextResponse(int status, std::string body);
// As JsonTextResponse, with a body that is held elsewhere and sent without a copy.
Response HeldJsonTextResponse(int status, std::shared_ptr<const std::string> body);

// 204 No Content.
Response NoContentResponse();

// Reads typed fields out of a JSON object, collecting one FieldError per bad field so that the
// client learns about every mistake at once.
class FieldReader {
 public:
  explicit FieldReader(const Json& object) : object_(object) {}

  std::optional<bool> Bool(std::string_view name, bool required);
  // An integer in [min, max]; JSON floats, strings and out-of-range values are errors.
  std::optional<std::int64_t> Int64(std::string_view name, bool required, std::int64_t min,
                                    std::int64_t max);
  // An array of integers (each any int64); the domain checks the values.
  std::optional<std::vector<std::int64_t>> Int64Array(std::string_view name, bool required);
  // An array of strings (the domain checks the values).
  std::optional<std::vector<std::string>> StringArray(std::string_view name, bool required);
  // A string (not yet length-checked: the domain owns those rules).
  std::optional<std::string> String(std::string_view name, bool required);
  // A nested object or an array, for a reader of its own (see Nested); nullptr when absent,
  // null or of another type (an error then).
  const Json* Object(std::string_view name, bool required);
  const Json* Array(std::string_view name, bool required);
  // Adds the errors of a reader of a nested value, each field named under `prefix`
  // ("schedule" + "timeZone" → "schedule.timeZone").
  void AddNestedErrors(std::string_view prefix, const std::vector<FieldError>& nested);

  void AddError(std::string field, std::string message) {
    errors_.push_back({std::move(field), std::move(message)});
  }
  std::vector<FieldError>& errors() { return errors_; }
  // Ok, or kInvalidArgument with every collected field error.
  Status Finish(std::string_view detail = "The request body is invalid.");

 private:
  const Json* Lookup(std::string_view name, bool required);

  const Json& object_;
  std::vector<FieldError> errors_;
};

// Adds to `errors` those of `more` whose field is not named in `errors` yet: a field that
// failed to decode is not reported again by the domain's checks.
void MergeFieldErrors(std::vector<FieldError>& errors, const std::vector<FieldError>& more);

// Adds the field errors of a failed `result` to `errors` (nothing when it succeeded), so that
// several parameters can be checked before answering once.
template <typename T>
void CollectFieldErrors(const Result<T>& result, std::vector<FieldError>& errors) {
  if (!result.ok()) MergeFieldErrors(errors, result.error().field_errors);
}

// The `id` of an update body must be absent, 0, or the path id. Appends a FieldError if not.
void CheckBodyId(FieldReader& reader, std::int64_t path_id);

// A positive int64 path parameter. Errors: kInvalidArgument naming the parameter.
Result<std::int64_t> PathId(const RequestContext& context, std::string_view name);

// An optional integer query parameter in [min, max], `fallback` when absent.
// Errors: kInvalidArgument naming the parameter.
Result<std::int64_t> QueryInt(const Request& request, std::string_view name, std::int64_t min,
                              std::int64_t max, std::int64_t fallback);

// An optional positive id query parameter. Errors: kInvalidArgument naming the parameter.
Result<std::optional<std::int64_t>> QueryId(const Request& request, std::string_view name);

}  // namespace fr::http
