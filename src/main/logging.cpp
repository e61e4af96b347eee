#include "main/logging.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <nlohmann/json.hpp>

#include "common/clock.hpp"

namespace fr {
namespace {

// Access-log bytes kept before the request that crosses this writes them out itself.
constexpr std::size_t kAccessLogBuffer = 64 * 1024;

// Collects access-log lines in memory and writes them to stdout in large pieces: when the
// buffer fills, on spdlog's periodic flush (every second) and at shutdown. An asynchronous
// logger woke its thread on every line, a futex call and two context switches per request
// (issue #12); a line here costs an append under a lock that is held for no longer.
class BufferedStdoutSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  BufferedStdoutSink() { buffer_.reserve(kAccessLogBuffer + 4096); }

 protected:
  // The access log's lines are whole JSON objects already: appended as they are, without the
  // formatter's copy of each line (issue #12).
  void sink_it_(const spdlog::details::log_msg& message) override {
    buffer_.append(message.payload.data(), message.payload.size());
    buffer_ += '\n';
    if (buffer_.size() >= kAccessLogBuffer) flush_();
  }
  void flush_() override {
    if (buffer_.empty()) return;
    std::fwrite(buffer_.data(), 1, buffer_.size(), stdout);
    std::fflush(stdout);
    buffer_.clear();
  }

 private:
  std::string buffer_;
};

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
  auto access = std::make_shared<spdlog::logger>("access", std::make_shared<BufferedStdoutSink>());
  spdlog::register_logger(access);
  spdlog::flush_every(std::chrono::seconds(1));
  return Ok();
}

void ShutDownLogging() {
  if (auto access = spdlog::get("access")) access->flush();
  spdlog::shutdown();
}

}  // namespace fr
