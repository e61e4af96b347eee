#include "main/logging.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "common/clock.hpp"

namespace fr {
namespace {

// One JSON object per line, with the message escaped properly (a pattern cannot escape).
class JsonLineFormatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& message, spdlog::memory_buf_t& dest) override {
    const auto at = std::chrono::time_point_cast<std::chrono::milliseconds>(message.time);
    const nlohmann::json line = {
        {"ts", FormatTimestamp(Timestamp(at.time_since_epoch()))},
        {"level", std::string(spdlog::level::to_string_view(message.level).data(),
                              spdlog::level::to_string_view(message.level).size())},
        {"msg", std::string(message.payload.data(), message.payload.size())},
    };
    const std::string text =
        line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    dest.append(text.data(), text.data() + text.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonLineFormatter>();
  }
};

}  // namespace

Status SetUpLogging(const std::string& format, const std::string& level) {
  if (format != "text" && format != "json") {
    return Error::InvalidArgument("--log-format must be 'text' or 'json'.");
  }
  const auto parsed_level = spdlog::level::from_str(level);
  if (parsed_level == spdlog::level::off && level != "off") {
    return Error::InvalidArgument("--log-level must be trace, debug, info, warn, error or off.");
  }
  auto logger = spdlog::stderr_logger_mt("first-responder");
  if (format == "json") {
    logger->set_formatter(std::make_unique<JsonLineFormatter>());
  } else {
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);
  }
  logger->set_level(parsed_level);
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);

  // The access log is JSON lines whatever the format: it is data for machines.
  auto access = spdlog::stdout_logger_mt("access");
  access->set_pattern("%v");
  access->flush_on(spdlog::level::info);
  return Ok();
}

}  // namespace fr
