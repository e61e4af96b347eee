#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"

namespace fr {

// Checks a free-text field: valid UTF-8 and, after trimming, between `min` and `max` code
// points. Returns the trimmed text, or appends a FieldError for `field` and returns nullopt.
std::optional<std::string> CheckText(std::string_view field, std::string_view value,
                                     std::size_t min, std::size_t max,
                                     std::vector<FieldError>& errors);

}  // namespace fr
