#pragma once

// RESTinio 0.6 answers nothing when its HTTP parser refuses a request (a request line or header
// past the limits, two Content-Lengths, an unknown method, a NUL in a header…): the connection
// logs "[connection:N] parser error HPE_…: …" through the traits' logger and then closes its
// socket (impl/connection.hpp, consume_data → trigger_error_and_close → close). The two traits
// types below turn that into a short Problem Details answer (docs/decisions/0019):
// ParseFailureLogger notices the parser error and arms an answer; AnsweringSocket::shutdown,
// which close() calls right after on the same thread, writes it before the socket goes.
//
// Only one request per connection is ever in flight (RESTinio's max_pipelined_requests stays 1),
// so the parser runs only once the previous response is written, and the answer can never be
// mistaken for the answer to an earlier request.

#include <cstddef>
#include <functional>
#include <restinio/asio_include.hpp>
#include <string>
#include <string_view>

#include "adapters/http/http_types.hpp"
#include "adapters/http/problem.hpp"

namespace fr::http {

// Builds the answer to a request the parser refused; `parser_error` is http_parser's errno name
// ("HPE_CB_url"), `remote_address` the peer's address or empty. Called on the I/O thread that
// closes the connection, concurrently from several; the answer must be small (it is written in
// one non-blocking call).
using ParseFailureHandler =
    std::function<Response(std::string_view parser_error, std::string_view remote_address)>;

// The logger of the RESTinio traits. RESTinio's own messages are dropped, as with
// restinio::null_logger_t (errors go to spdlog at debug level), except that a parser error arms
// `handler` for the next AnsweringSocket::shutdown on this thread. `handler` must outlive every
// connection. Thread-safe.
class ParseFailureLogger {
 public:
  explicit ParseFailureLogger(const ParseFailureHandler* handler) : handler_(handler) {}

  template <typename Builder>
  void trace(Builder&&) const noexcept {}
  template <typename Builder>
  void info(Builder&&) const noexcept {}
  template <typename Builder>
  void warn(Builder&&) const noexcept {}
  // RESTinio calls this through log_error_noexcept, which catches what it throws.
  template <typename Builder>
  void error(Builder&& builder) const {
    Notice(builder());
  }

 private:
  void Notice(std::string_view message) const;

  const ParseFailureHandler* handler_;
};

// The stream socket of the RESTinio traits: exactly asio::ip::tcp::socket (RESTinio's plain-TCP
// code binds it as one), except that shutdown first writes the answer armed on this thread, if
// any. The write is one non-blocking write_some: a peer that reads nothing cannot stall the
// I/O thread, and a partial write is left as it is.
class AnsweringSocket : public asio::ip::tcp::socket {
 public:
  using Socket = asio::ip::tcp::socket;
  using Socket::shutdown;
  using Socket::Socket;

  void shutdown(shutdown_type what, asio::error_code& ec);

 private:
  // Reads what the peer has already sent, without waiting: closing a socket with unread input
  // makes the kernel send a reset, which can destroy the answer before the peer reads it.
  void DrainInput();
};

// The problem for http_parser's error `parser_error` (its errno name): the URL callback (our
// URL limit) → 414; header name, value or count callbacks and HPE_HEADER_OVERFLOW → 431; the
// headers-complete and body callbacks (the hard body limit) → 413; HPE_INVALID_METHOD → 501;
// anything else → 400 malformed-request.
Problem ProblemForParserError(std::string_view parser_error, std::size_t max_url_bytes,
                              std::size_t max_body_bytes);

// `response` as the bytes of an HTTP/1.1 answer: its headers, Content-Type, Content-Length and
// `Connection: close`, then its body.
std::string SerializeClosingAnswer(const Response& response);

}  // namespace fr::http
