#pragma once

#include <string>

#include "common/result.hpp"

namespace fr {

// Configures the process's loggers: the default logger (stderr, `format` "text" or "json",
// `level` as spdlog names it) and the "access" logger (stdout, one JSON object per line).
// Access-log lines are kept in memory and written in 64 KiB pieces, or within a second,
// never dropped; ShutDownLogging writes out the rest. Errors: kInvalidArgument for an unknown
// format or level.
Status SetUpLogging(const std::string& format, const std::string& level);

// Writes out every queued access-log line and stops the logging thread; for a clean exit.
void ShutDownLogging();

}  // namespace fr
