#pragma once

#include <string>

#include "common/result.hpp"

namespace fr {

// Configures the process's loggers: the default logger (stderr, `format` "text" or "json",
// `level` as spdlog names it) and the "access" logger (stdout, one JSON object per line).
// Errors: kInvalidArgument for an unknown format or level.
Status SetUpLogging(const std::string& format, const std::string& level);

}  // namespace fr
