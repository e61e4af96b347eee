#include "adapters/http/json_io.hpp"

#include <algorithm>
#include <cctype>
#include <limits>
#include <stdexcept>

#include "adapters/http/problem.hpp"
#include "common/text.hpp"

namespace fr::http {
namespace {

bool IsJsonMediaType(std::string_view content_type) {
  const auto semicolon = content_type.find(';');
  std::string type(TrimAsciiWhitespace(content_type.substr(0, semicolon)));
  for (char& ch : type) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return type == "application/json" || (type.starts_with("application/") && type.ends_with("+json"));
}

}  // namespace

Result<Json> ParseJsonObject(std::string_view body) {
  bool too_deep = false;
  // The callback sees every nesting level as it opens, so the depth check stops the parser
  // before a hostile document can grow.
  const Json::parser_callback_t limit_depth = [&too_deep](int depth, Json::parse_event_t event,
                                                          Json&) {
    if ((event == Json::parse_event_t::object_start ||
         event == Json::parse_event_t::array_start) &&
        depth >= static_cast<int>(kMaxJsonDepth)) {
      too_deep = true;
      throw std::invalid_argument("too deep");
    }
    return true;
  };
  Json parsed;
  try {
    parsed = Json::parse(body.begin(), body.end(), limit_depth);
  } catch (const std::exception& error) {
    if (too_deep) {
      return Error::InvalidArgument("The JSON body nests deeper than " +
                                    std::to_string(kMaxJsonDepth) + " levels.");
    }
    if (body.empty()) return Error::InvalidArgument("The request body is empty; JSON expected.");
    return Error::InvalidArgument("The request body is not valid JSON (or not valid UTF-8).");
  }
  if (!parsed.is_object()) return Error::InvalidArgument("The request body must be a JSON object.");
  return parsed;
}

Result<void, Problem> RequireJsonBody(const Request& request) {
  const auto content_type = request.Header("content-type");
  if (content_type && IsJsonMediaType(*content_type)) return {};
  return UnsupportedMediaTypeProblem();
}

Response JsonResponse(int status, const Json& body) {
  return JsonTextResponse(status, body.dump(-1, ' ', false, Json::error_handler_t::replace));
}

Response JsonTextResponse(int status, std::string body) {
  Response response;
  response.status = status;
  response.content_type = "application/json; charset=utf-8";
  response.body = std::move(body);
  return response;
}

Response HeldJsonTextResponse(int status, std::shared_ptr<const std::string> body) {
  Response response;
  response.status = status;
  response.content_type = "application/json; charset=utf-8";
  response.HoldBody(std::move(body));
  return response;
}

Response NoContentResponse() {
  Response response;
  response.status = 204;
  return response;
}

const Json* FieldReader::Lookup(std::string_view name, bool required) {
  const auto found = object_.find(name);
  if (found == object_.end() || found->is_null()) {
    if (required) AddError(std::string(name), "is required");
    return nullptr;
  }
  return &*found;
}

std::optional<bool> FieldReader::Bool(std::string_view name, bool required) {
  const Json* value = Lookup(name, required);
  if (value == nullptr) return std::nullopt;
  if (!value->is_boolean()) {
    AddError(std::string(name), "must be a boolean");
    return std::nullopt;
  }
  return value->get<bool>();
}

std::optional<std::int64_t> FieldReader::Int64(std::string_view name, bool required,
                                               std::int64_t min, std::int64_t max) {
  const Json* value = Lookup(name, required);
  if (value == nullptr) return std::nullopt;
  const std::string range = "must be an integer between " + std::to_string(min) + " and " +
                            std::to_string(max);
  std::int64_t number = 0;
  if (value->is_number_integer() && !value->is_number_unsigned()) {
    number = value->get<std::int64_t>();
  } else if (value->is_number_unsigned() &&
             value->get<std::uint64_t>() <=
                 static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    number = static_cast<std::int64_t>(value->get<std::uint64_t>());
  } else {
    AddError(std::string(name), range);
    return std::nullopt;
  }
  if (number < min || number > max) {
    AddError(std::string(name), range);
    return std::nullopt;
  }
  return number;
}

std::optional<std::vector<std::string>> FieldReader::StringArray(std::string_view name,
                                                                 bool required) {
  const Json* value = Lookup(name, required);
  if (value == nullptr) return std::nullopt;
  std::vector<std::string> strings;
  bool valid = value->is_array();
  if (valid) {
    for (const Json& item : *value) {
      if (!item.is_string()) {
        valid = false;
        break;
      }
      strings.push_back(item.get<std::string>());
    }
  }
  if (!valid) {
    AddError(std::string(name), "must be an array of strings");
    return std::nullopt;
  }
  return strings;
}

std::optional<std::vector<std::int64_t>> FieldReader::Int64Array(std::string_view name,
                                                                 bool required) {
  const Json* value = Lookup(name, required);
  if (value == nullptr) return std::nullopt;
  std::vector<std::int64_t> numbers;
  bool valid = value->is_array();
  if (valid) {
    for (const Json& item : *value) {
      if (!item.is_number_integer() ||
          (item.is_number_unsigned() &&
           item.get<std::uint64_t>() >
               static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))) {
        valid = false;
        break;
      }
      numbers.push_back(item.get<std::int64_t>());
    }
  }
  if (!valid) {
    AddError(std::string(name), "must be an array of integers");
    return std::nullopt;
  }
  return numbers;
}

std::optional<std::string> FieldReader::String(std::string_view name, bool required) {
  const Json* value = Lookup(name, required);
  if (value == nullptr) return std::nullopt;
  if (!value->is_string()) {
    AddError(std::string(name), "must be a string");
    return std::nullopt;
  }
  return value->get<std::string>();
}

const Json* FieldReader::Object(std::string_view name, bool required) {
  const Json* value = Lookup(name, required);
  if (value != nullptr && !value->is_object()) {
    AddError(std::string(name), "must be an object");
    return nullptr;
  }
  return value;
}

const Json* FieldReader::Array(std::string_view name, bool required) {
  const Json* value = Lookup(name, required);
  if (value != nullptr && !value->is_array()) {
    AddError(std::string(name), "must be an array");
    return nullptr;
  }
  return value;
}

void FieldReader::AddNestedErrors(std::string_view prefix, const std::vector<FieldError>& nested) {
  for (const FieldError& error : nested) AddError(std::string(prefix) + "." + error.field, error.message);
}

Status FieldReader::Finish(std::string_view detail) {
  if (errors_.empty()) return Ok();
  return Error::InvalidArgument(std::string(detail), std::move(errors_));
}

void MergeFieldErrors(std::vector<FieldError>& errors, const std::vector<FieldError>& more) {
  const std::size_t decoded = errors.size();
  for (const FieldError& error : more) {
    const auto end = errors.begin() + static_cast<std::ptrdiff_t>(decoded);
    const bool known = std::any_of(errors.begin(), end, [&](const FieldError& existing) {
      return existing.field == error.field;
    });
    if (!known) errors.push_back(error);
  }
}

void CheckBodyId(FieldReader& reader, std::int64_t path_id) {
  const auto id = reader.Int64("id", false, INT64_MIN, INT64_MAX);
  if (id && *id != 0 && *id != path_id) {
    reader.AddError("id", "must be absent, 0, or equal to the id in the path");
  }
}

Result<std::int64_t> PathId(const RequestContext& context, std::string_view name) {
  const auto found = context.params.find(name);
  const auto id = found == context.params.end() ? std::nullopt : ParsePositiveId(found->second);
  if (!id) {
    return Error::InvalidArgument("The path parameter '" + std::string(name) + "' is invalid.",
                                  {{std::string(name), "must be a positive 64-bit integer"}});
  }
  return *id;
}

Result<std::int64_t> QueryInt(const Request& request, std::string_view name, std::int64_t min,
                              std::int64_t max, std::int64_t fallback) {
  const auto raw = request.Query(name);
  if (!raw) return fallback;
  const auto value = ParseNonNegativeInt(*raw);
  if (!value || *value < min || *value > max) {
    return Error::InvalidArgument(
        "The query parameter '" + std::string(name) + "' is invalid.",
        {{std::string(name), "must be an integer between " + std::to_string(min) + " and " +
                                 std::to_string(max)}});
  }
  return *value;
}

Result<std::optional<std::int64_t>> QueryId(const Request& request, std::string_view name) {
  const auto raw = request.Query(name);
  if (!raw) return std::optional<std::int64_t>();
  const auto value = ParsePositiveId(*raw);
  if (!value) {
    return Error::InvalidArgument("The query parameter '" + std::string(name) + "' is invalid.",
                                  {{std::string(name), "must be a positive 64-bit integer"}});
  }
  return std::optional<std::int64_t>(*value);
}

}  // namespace fr::http
