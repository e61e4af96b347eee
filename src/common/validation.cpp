#include "common/validation.hpp"

#include "common/text.hpp"

namespace fr {

std::optional<std::string> CheckText(std::string_view field, std::string_view value,
                                     std::size_t min, std::size_t max,
                                     std::vector<FieldError>& errors) {
  if (!IsValidUtf8(value)) {
    errors.push_back({std::string(field), "must be valid UTF-8"});
    return std::nullopt;
  }
  const std::string_view trimmed = TrimAsciiWhitespace(value);
  const std::size_t length = CountCodePoints(trimmed);
  if (length < min || length > max) {
    const std::string range = std::to_string(min) + " and " + std::to_string(max);
    errors.push_back({std::string(field), min > 0 && length == 0
                                              ? "must not be empty"
                                              : "must be between " + range + " characters long"});
    return std::nullopt;
  }
  return std::string(trimmed);
}

}  // namespace fr
