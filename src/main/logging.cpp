#include "main/logging.hpp"

#include <spdlog/async.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "common/clock.hpp"

namespace fr {
namespace {

// Lines waiting for the access log's thread; past this, requests wait for it.
constexpr std::size_t kAccessLogQueue = 8192;

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

  // The access log is JSON lines whatever the format: it is data for machines. A write per
  // request on the request path cost more than the request itself (issue #12).
  spdlog::init_thread_pool(kAccessLogQueue, 1);
  auto access = std::make_shared<spdlog::async_logger>(
      "access", std::make_shared<spdlog::sinks::stdout_sink_mt>(), spdlog::thread_pool(),
      spdlog::async_overflow_policy::block);
  access->set_pattern("%v");
  spdlog::register_logger(access);
  spdlog::flush_every(std::chrono::seconds(1));
  return Ok();
}

void ShutDownLogging() {
  if (auto access = spdlog::get("access")) access->flush();
  spdlog::shutdown();
}

}  // namespace fr
