#include "adapters/http/parse_failure_answer.hpp"

#include <spdlog/spdlog.h>

#include <array>
#include <utility>

namespace fr::http {
namespace {

// What ParseFailureLogger leaves for the AnsweringSocket that RESTinio shuts down next on this
// thread. Logging the parser error and closing the socket happen in one noexcept function
// (trigger_error_and_close), so nothing else runs on the thread in between.
struct ArmedAnswer {
  const ParseFailureHandler* handler = nullptr;
  std::string parser_error;
};
thread_local ArmedAnswer armed;

// Enough for anything a client sends before it reads our answer; beyond that, the reset is the
// client's own doing.
constexpr std::size_t kMaxDrainBytes = 256 * 1024;

std::string_view ParserErrorName(std::string_view message) {
  // RESTinio's text: "[connection:N] parser error HPE_CB_url: the on_url callback failed".
  constexpr std::string_view kMarker = "] parser error ";
  const auto marker = message.find(kMarker);
  if (marker == std::string_view::npos) return {};
  const std::string_view rest = message.substr(marker + kMarker.size());
  const std::string_view name = rest.substr(0, rest.find(':'));
  return name.substr(0, 4) == "HPE_" ? name : std::string_view();
}

std::string_view MalformedDetail(std::string_view parser_error) {
  if (parser_error == "HPE_UNEXPECTED_CONTENT_LENGTH") {
    return "The request has two Content-Length headers, or Content-Length together with "
           "Transfer-Encoding.";
  }
  if (parser_error == "HPE_INVALID_CONTENT_LENGTH") return "The Content-Length is not a number.";
  if (parser_error == "HPE_INVALID_TRANSFER_ENCODING") {
    return "The Transfer-Encoding is not supported; send chunked or a Content-Length.";
  }
  if (parser_error == "HPE_INVALID_HEADER_TOKEN") {
    return "A header field contains a character that HTTP does not allow.";
  }
  return "The request is not well-formed HTTP/1.1.";
}

}  // namespace

void ParseFailureLogger::Notice(std::string_view message) const {
  spdlog::debug("restinio: {}", message);
  const std::string_view parser_error = ParserErrorName(message);
  // Any other error also ends in close(); clearing keeps a stale answer from reaching it.
  armed.handler = parser_error.empty() ? nullptr : handler_;
  armed.parser_error = std::string(parser_error);
}

void AnsweringSocket::shutdown(shutdown_type what, asio::error_code& ec) {
  if (armed.handler != nullptr) {
    const ParseFailureHandler& handler = *std::exchange(armed.handler, nullptr);
    try {
      asio::error_code ignored;
      const auto remote = remote_endpoint(ignored);
      const std::string address = ignored ? std::string() : remote.address().to_string();
      const std::string answer = SerializeClosingAnswer(handler(armed.parser_error, address));
      non_blocking(true, ignored);
      if (!ignored) write_some(asio::buffer(answer), ignored);
      Socket::shutdown(shutdown_send, ignored);  // the FIN follows the answer
      DrainInput();
    } catch (const std::exception& error) {
      spdlog::warn("http: could not answer a request the parser refused: {}", error.what());
    }
  }
  Socket::shutdown(what, ec);
}

void AnsweringSocket::DrainInput() {
  std::array<char, 16384> sink;
  std::size_t drained = 0;
  asio::error_code error;
  while (drained < kMaxDrainBytes) {
    drained += read_some(asio::buffer(sink), error);
    if (error) break;  // would_block: nothing more has arrived; eof: the peer is done
  }
}

Problem ProblemForParserError(std::string_view parser_error, std::size_t max_url_bytes,
                              std::size_t max_body_bytes) {
  // The HPE_CB_* errors are RESTinio's callbacks refusing input past incoming_http_msg_limits
  // (impl/parser_callbacks.ipp).
  if (parser_error == "HPE_CB_url") return UriTooLongProblem(max_url_bytes);
  if (parser_error == "HPE_CB_header_field" || parser_error == "HPE_CB_header_value" ||
      parser_error == "HPE_HEADER_OVERFLOW") {
    return HeaderFieldsTooLargeProblem();
  }
  if (parser_error == "HPE_CB_headers_complete" || parser_error == "HPE_CB_body") {
    return ContentTooLargeProblem(max_body_bytes);
  }
  if (parser_error == "HPE_INVALID_METHOD") return MethodNotImplementedProblem();
  return MalformedRequestProblem(MalformedDetail(parser_error));
}

std::string SerializeClosingAnswer(const Response& response) {
  std::string out =
      "HTTP/1.1 " + std::to_string(response.status) + " " + ReasonPhrase(response.status) + "\r\n";
  for (const auto& [name, value] : response.headers) out += name + ": " + value + "\r\n";
  if (!response.content_type.empty()) out += "Content-Type: " + response.content_type + "\r\n";
  out += "Content-Length: " + std::to_string(response.Body().size()) + "\r\n";
  out += "Connection: close\r\n\r\n";
  out += response.Body();
  return out;
}

}  // namespace fr::http
