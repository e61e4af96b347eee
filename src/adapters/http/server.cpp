#include "adapters/http/server.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <restinio/all.hpp>
#include <thread>

#include "adapters/http/parse_failure_answer.hpp"
#include "adapters/http/problem.hpp"
#include "adapters/http/request_ids.hpp"
#include "adapters/http/response_headers.hpp"
#include "adapters/http/worker_pool.hpp"
#include "common/text.hpp"

namespace fr::http {
namespace {

// No connection-count limiter: in RESTinio 0.6 it lives in the acceptor, and connections that
// outlive the server at shutdown would reach into it after it is gone. The logger and socket
// answer requests that the parser refuses (parse_failure_answer.hpp).
using ServerTraits =
    restinio::traits_t<restinio::asio_timer_manager_t, ParseFailureLogger,
                       restinio::details::autodetect_request_handler_type,
                       restinio::default_strand_t, AnsweringSocket>;
using RestinioServer = restinio::http_server_t<ServerTraits>;
using Clock = std::chrono::steady_clock;

// A body past this is refused by RESTinio's parser: a 413, and the connection closes
// (parse_failure_answer.hpp). Between the configured limit and this one the body is read, and
// the 413 leaves the connection open.
constexpr std::size_t kHardBodyLimitFactor = 4;
constexpr std::size_t kMaxUrlBytes = 8192;

bool IsUsableRequestId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (const char ch : id) {
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_' && ch != '.') {
      return false;
    }
  }
  return true;
}

// `text` as a JSON string: quotes, backslashes and control characters escaped, and bytes that
// are not UTF-8 (a path may carry any) replaced by U+FFFD, as nlohmann's `replace` did.
void AppendJsonString(std::string& out, std::string_view text) {
  const bool plain = std::all_of(text.begin(), text.end(), [](char ch) {
    return ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\';
  });
  if (!plain) {
    out += nlohmann::json(std::string(text)).dump(-1, ' ', false,
                                                  nlohmann::json::error_handler_t::replace);
    return;
  }
  out += '"';
  out += text;
  out += '"';
}

template <typename Integer>
void AppendDecimal(std::string& out, Integer value) {
  std::array<char, 24> digits;
  const auto end = std::to_chars(digits.data(), digits.data() + digits.size(), value).ptr;
  out.append(digits.data(), end);
}

// `seconds` in milliseconds to the microsecond, "0.042": fixed point by hand, because fmt's
// format-string parsing and shortest round-trip form of a double showed in a `/healthz` profile
// on every request (decision 0093).
void AppendMilliseconds(std::string& out, double seconds) {
  const auto micros = static_cast<std::int64_t>(std::max(seconds, 0.0) * 1e6 + 0.5);
  AppendDecimal(out, micros / 1000);
  const auto fraction = static_cast<int>(micros % 1000);
  out += '.';
  out += static_cast<char>('0' + fraction / 100);
  out += static_cast<char>('0' + fraction / 10 % 10);
  out += static_cast<char>('0' + fraction % 10);
}

// The peer's address as text. IPv4 by hand: asio's to_string goes through inet_ntop, which
// formats with sprintf, for every request (issue #12).
std::string AddressText(const asio::ip::address& address) {
  if (!address.is_v4()) return address.to_string();
  std::string text;
  text.reserve(15);
  for (const unsigned byte : address.to_v4().to_bytes()) {
    if (!text.empty()) text += '.';
    if (byte >= 100) text += static_cast<char>('0' + byte / 100);
    if (byte >= 10) text += static_cast<char>('0' + byte / 10 % 10);
    text += static_cast<char>('0' + byte % 10);
  }
  return text;
}

// ASCII only, as header names and tokens are (RFC 9110 §5.1), and without the locale lookup of
// std::tolower for every character of every header name (issue #12).
std::string Lowercase(std::string_view text) {
  std::string out(text);
  for (char& ch : out) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  }
  return out;
}

// True when a Connection header of `request` lists `token` (names are lower case already).
bool HasConnectionToken(const Request& request, std::string_view token) {
  for (const auto& [name, value] : request.headers) {
    if (name != "connection") continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      if (Lowercase(TrimAsciiWhitespace(rest.substr(0, comma))) == token) return true;
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
  }
  return false;
}

// RFC 9112 §3.2: exactly one Host in HTTP/1.1; HTTP/1.0 may go without. RESTinio 0.6 does not
// pass the request's HTTP version on (its request header always says 1.1), so it is inferred
// from http_parser's keep-alive verdict: HTTP/1.1 closes only on `Connection: close`, HTTP/1.0
// stays open only on `Connection: keep-alive`. HTTP/1.0 with keep-alive and HTTP/1.1 with
// keep-alive look alike; both may go without Host, so that no valid request is refused.
std::optional<Problem> HostProblem(const Request& request, bool keep_alive) {
  std::size_t hosts = 0;
  for (const auto& [name, value] : request.headers) hosts += name == "host" ? 1 : 0;
  if (hosts > 1) return MalformedRequestProblem("The request has more than one Host header.");
  const bool may_be_http10 = keep_alive ? HasConnectionToken(request, "keep-alive")
                                        : !HasConnectionToken(request, "close");
  if (hosts == 0 && !may_be_http10) {
    return MalformedRequestProblem("An HTTP/1.1 request needs a Host header.");
  }
  return std::nullopt;
}

// The response to `request` on RESTinio's `Output` (whole or chunked): its status line and every
// header, the StandardHeaders last, the body still to come. Moves the headers out of `response`.
template <typename Output>
restinio::response_builder_t<Output> StartResponse(const restinio::request_handle_t& handle,
                                                   const Request& request, Response& response,
                                                   const StandardHeaders& standard) {
  auto builder = handle->create_response<Output>(restinio::http_status_line_t(
      restinio::http_status_code_t(static_cast<std::uint16_t>(response.status)),
      ReasonPhrase(response.status)));
  builder.append_header("X-Request-Id", request.request_id);
  if (!response.content_type.empty()) {
    builder.append_header(restinio::http_field::content_type, std::move(response.content_type));
  }
  for (auto& [name, value] : response.headers) {
    if (!standard.Sets(name)) builder.append_header(std::move(name), std::move(value));
  }
  for (const auto& [name, value] : standard) {
    builder.append_header(restinio::http_header_field_t(
        restinio::string_view_t(name.data(), name.size()),
        restinio::string_view_t(value.data(), value.size())));
  }
  return builder;
}

// A streamed response's body on RESTinio's chunked output: each Write appends a chunk and
// flushes it; the builder posts the write to the connection's own executor, so any thread may
// write. The final (empty) chunk goes when the stream is dropped.
class ChunkedResponseStream final : public ResponseStream {
 public:
  explicit ChunkedResponseStream(restinio::response_builder_t<restinio::chunked_output_t> builder)
      : builder_(std::move(builder)) {}
  ~ChunkedResponseStream() override {
    std::lock_guard lock(mu_);
    try {
      builder_.done();
    } catch (const std::exception&) {
      // The connection is gone already: nothing to end.
    }
  }

  bool Write(std::string chunk) override { return Append(std::move(chunk)); }

  bool WriteAndWait(std::string chunk, std::chrono::milliseconds timeout) override {
    if (!Append(std::move(chunk))) return false;
    std::unique_lock lock(progress_->mu);
    const bool written = progress_->written.wait_for(
        lock, timeout, [this] { return progress_->gone || progress_->pending == 0; });
    if (!written) progress_->gone = true;  // the client reads too slowly, or not at all
    return !progress_->gone;
  }

 private:
  // What the writes' callbacks report; they may run after this stream is gone, so they hold
  // this, not the stream.
  struct Progress {
    std::mutex mu;
    std::condition_variable written;
    int pending = 0;    // Guarded by mu: flushes not yet completed.
    bool gone = false;  // Guarded by mu: a write failed; later chunks are dropped.
  };

  bool Append(std::string chunk) {
    {
      std::lock_guard before(progress_->mu);
      if (progress_->gone) return false;
      ++progress_->pending;
    }
    std::lock_guard lock(mu_);
    try {
      builder_.append_chunk(std::move(chunk));
      builder_.flush([progress = progress_](const asio::error_code& error) {
        std::lock_guard reported(progress->mu);
        --progress->pending;
        if (error) progress->gone = true;
        progress->written.notify_all();
      });
    } catch (const std::exception&) {
      std::lock_guard failed(progress_->mu);
      progress_->gone = true;
      progress_->written.notify_all();
    }
    std::lock_guard after(progress_->mu);
    return !progress_->gone;
  }

  std::mutex mu_;
  restinio::response_builder_t<restinio::chunked_output_t> builder_;  // Guarded by mu_.
  const std::shared_ptr<Progress> progress_ = std::make_shared<Progress>();
};

}  // namespace

struct HttpServer::Impl {
  Impl(ServerConfig server_config, const Pipeline& request_pipeline, HttpMetrics& http_metrics,
       SecureRandom& secure_random)
      : config(std::move(server_config)),
        pipeline(request_pipeline),
        metrics(http_metrics),
        random(secure_random),
        workers(config.workers, config.queue_capacity),
        parse_failure_handler([this](std::string_view parser_error, std::string_view remote) {
          return AnswerParseFailure(parser_error, remote);
        }),
        work_guard(asio::make_work_guard(io)) {}

  restinio::request_handling_status_t OnRequest(const restinio::request_handle_t& handle);
  // Copies what the handlers need out of RESTinio's request.
  void CopyRequest(const restinio::request_t& source, Request& request);
  void Finish(const restinio::request_handle_t& handle, const Request& request,
              Pipeline::Outcome outcome, Clock::time_point started);
  // Sends the status and headers of a streamed response and hands its body to response.stream.
  void StartStream(const restinio::request_handle_t& handle, const Request& request,
                   Response& response, const StandardHeaders& standard);
  void LogAccess(const Request& request, const Pipeline::Outcome& outcome, double seconds,
                 std::chrono::system_clock::time_point now);
  // Counts and logs a request the parser refused, and returns its answer (see
  // parse_failure_answer.hpp). Runs on an I/O thread.
  Response AnswerParseFailure(std::string_view parser_error, std::string_view remote_address);

  ServerConfig config;
  const Pipeline& pipeline;
  HttpMetrics& metrics;
  SecureRandom& random;
  WorkerPool workers;
  // Declared before io: connections (and their logger, which points here) die with io.
  ParseFailureHandler parse_failure_handler;
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> work_guard;
  std::unique_ptr<RestinioServer> server;
  // Looked up once: spdlog::get takes the registry's lock.
  std::shared_ptr<spdlog::logger> access_log = spdlog::get("access");
  std::vector<std::thread> io_threads;
  RequestIds request_ids{random};  // after `random`
  std::atomic<bool> draining{false};
  std::atomic<std::int64_t> unwritten{0};  // accepted requests whose response is not yet written
  std::uint16_t bound_port = 0;
};

void HttpServer::Impl::CopyRequest(const restinio::request_t& source, Request& request) {
  const auto& header = source.header();
  request.method = std::string(header.method().c_str());
  request.path = std::string(header.path());
  request.body = source.body();
  header.for_each_field([&request](const restinio::http_header_field_t& field) {
    request.headers.emplace_back(Lowercase(field.name()), std::string(field.value()));
  });
  const std::string peer = AddressText(source.remote_endpoint().address());
  if (config.trusted_proxies.empty()) {
    request.remote_address = peer;
  } else {
    std::vector<std::string_view> forwarded_for;
    for (const auto& [name, value] : request.headers) {
      if (name == "x-forwarded-for") forwarded_for.push_back(value);
    }
    request.remote_address = config.trusted_proxies.ClientAddress(peer, forwarded_for);
  }
  const auto id = request.Header("x-request-id");
  request.request_id = id && IsUsableRequestId(*id) ? std::string(*id) : request_ids.Next();
  // RFC 3986's query characters may stand unescaped ("timeZone=Europe/Berlin",
  // "from=2026-10-24T00:00:00Z"); a '+' stays a '+' (an RFC 3339 offset), never a space.
  auto query = restinio::try_parse_query<restinio::parse_query_traits::relaxed>(header.query());
  if (!query) {
    request.query_malformed = true;
    return;
  }
  for (const auto& [name, value] : *query) {
    request.query.emplace_back(std::string(name), std::string(value));
  }
}

restinio::request_handling_status_t HttpServer::Impl::OnRequest(
    const restinio::request_handle_t& handle) {
  const auto started = Clock::now();
  metrics.RequestStarted();
  unwritten.fetch_add(1);
  Request request;
  CopyRequest(*handle, request);
  if (const auto refused = HostProblem(request, handle->header().should_keep_alive())) {
    Finish(handle, request, {ProblemResponse(*refused, request.request_id), "unmatched"}, started);
    return restinio::request_accepted();
  }
  if (draining.load()) {
    Response response = ProblemResponse(OverloadedProblem(), request.request_id);
    response.WithHeader("Retry-After", "1");
    Finish(handle, request, {std::move(response), "unmatched"}, started);
    return restinio::request_accepted();
  }
  if (request.method == "GET" || request.method == "HEAD") {
    Finish(handle, request, pipeline.Handle(request), started);
    return restinio::request_accepted();
  }
  auto shared = std::make_shared<Request>(std::move(request));
  const bool queued = workers.TrySubmit([this, handle, shared, started] {
    Finish(handle, *shared, pipeline.Handle(*shared), started);
  });
  if (!queued) {
    Response response = ProblemResponse(OverloadedProblem(), shared->request_id);
    response.WithHeader("Retry-After", "1");
    Finish(handle, *shared, {std::move(response), "unmatched"}, started);
  }
  return restinio::request_accepted();
}

void HttpServer::Impl::Finish(const restinio::request_handle_t& handle, const Request& request,
                              Pipeline::Outcome outcome, Clock::time_point started) {
  const auto now = std::chrono::system_clock::now();
  const StandardHeaders standard(request.path, now);
  Response& response = outcome.response;
  // Counted and logged before the response leaves, so that whoever reacts to the response
  // (a scraper, a test) already finds the request in the metrics and the log.
  const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
  metrics.RequestFinished(request.method, outcome.route, response.status, seconds);
  LogAccess(request, outcome, seconds, now);
  if (response.stream && request.method == "GET") {
    StartStream(handle, request, response, standard);
    return;
  }
  try {
    // User-controlled output, because HEAD sends the Content-Length of the body it leaves out.
    auto builder =
        StartResponse<restinio::user_controlled_output_t>(handle, request, response, standard);
    if (draining.load()) builder.connection_close();
    builder.set_content_length(response.Body().size());
    if (request.method != "HEAD") {
      if (auto held = response.TakeHeldBody()) {
        builder.set_body(std::move(held));
      } else {
        builder.set_body(std::move(response.body));
      }
    }
    builder.done([this](const asio::error_code&) { unwritten.fetch_sub(1); });
  } catch (const std::exception& error) {
    unwritten.fetch_sub(1);
    spdlog::warn("http: could not write the response to {}: {}", request.request_id, error.what());
  }
}

void HttpServer::Impl::StartStream(const restinio::request_handle_t& handle,
                                   const Request& request, Response& response,
                                   const StandardHeaders& standard) {
  // Written as far as draining goes: a stream never finishes by itself (its owner ends it).
  unwritten.fetch_sub(1);
  try {
    auto builder =
        StartResponse<restinio::chunked_output_t>(handle, request, response, standard);
    builder.flush();
    response.stream(std::make_shared<ChunkedResponseStream>(std::move(builder)));
  } catch (const std::exception& error) {
    spdlog::warn("http: could not start the stream of {}: {}", request.request_id, error.what());
  }
}

void HttpServer::Impl::LogAccess(const Request& request, const Pipeline::Outcome& outcome,
                                 double seconds, std::chrono::system_clock::time_point now) {
  // Written by hand rather than through a JSON object, into one string: this runs for every
  // request.
  std::string line;
  line.reserve(256 + request.path.size());
  line += R"({"ts":")";
  line += FormatTimestamp(std::chrono::time_point_cast<std::chrono::milliseconds>(now));
  line += R"(","type":"access","request_id":)";
  AppendJsonString(line, request.request_id);
  line += R"(,"remote":)";
  AppendJsonString(line, request.remote_address);
  line += R"(,"method":)";
  AppendJsonString(line, request.method);
  line += R"(,"path":)";
  AppendJsonString(line, request.path);
  line += R"(,"route":)";
  AppendJsonString(line, outcome.route);
  line += R"(,"status":)";
  AppendDecimal(line, outcome.response.status);
  line += R"(,"duration_ms":)";
  AppendMilliseconds(line, seconds);
  line += R"(,"request_bytes":)";
  AppendDecimal(line, request.body.size());
  line += R"(,"response_bytes":)";
  AppendDecimal(line, request.method == "HEAD" ? 0 : outcome.response.Body().size());
  line += '}';
  // With the time the line already has: spdlog would read the clock once more.
  if (access_log) access_log->log(now, spdlog::source_loc{}, spdlog::level::info, line);
}

Response HttpServer::Impl::AnswerParseFailure(std::string_view parser_error,
                                              std::string_view remote_address) {
  metrics.RequestStarted();
  // Method and path are unknown: the parser may have failed before it read them.
  Request request;
  request.method = "-";
  request.path = "-";
  request.remote_address = std::string(remote_address);
  request.request_id = request_ids.Next();
  Pipeline::Outcome outcome{
      ProblemResponse(ProblemForParserError(parser_error, kMaxUrlBytes, config.max_body_bytes),
                      request.request_id),
      "unmatched"};
  Response& response = outcome.response;
  response.WithHeader("X-Request-Id", request.request_id);
  AddStandardHeaders(request.path, response, std::chrono::system_clock::now());
  // Some of these statuses (414, 501) are cacheable by default (RFC 9110 §15.1), and the path
  // they belong to is unknown.
  response.WithHeader("Cache-Control", "no-store");
  metrics.RequestFinished(request.method, outcome.route, response.status, 0.0);
  LogAccess(request, outcome, 0.0, std::chrono::system_clock::now());
  spdlog::debug("http: {} from {} refused by the parser: {}", request.request_id, remote_address,
                parser_error);
  return response;
}

HttpServer::HttpServer(ServerConfig config, const Pipeline& pipeline, HttpMetrics& metrics,
                       SecureRandom& random)
    : impl_(std::make_unique<Impl>(std::move(config), pipeline, metrics, random)) {}

HttpServer::~HttpServer() {
  if (!impl_->io_threads.empty()) {
    impl_->io.stop();
    for (auto& thread : impl_->io_threads) thread.join();
  }
  impl_->workers.Shutdown();
}

Result<std::uint16_t> HttpServer::Start() {
  Impl& impl = *impl_;
  const ServerConfig& config = impl.config;
  auto settings =
      restinio::server_settings_t<ServerTraits>{}
          .address(config.host)
          .port(config.port)
          .request_handler([&impl](restinio::request_handle_t handle) {
            return impl.OnRequest(handle);
          })
          .logger(&impl.parse_failure_handler)
          .read_next_http_message_timelimit(config.read_timeout)
          .write_http_response_timelimit(config.write_timeout)
          .handle_request_timeout(config.handle_timeout)
          .incoming_http_msg_limits(restinio::incoming_http_msg_limits_t{}
                                        .max_url_size(kMaxUrlBytes)
                                        .max_field_name_size(1024)
                                        .max_field_value_size(16384)
                                        .max_field_count(100)
                                        .max_body_size(config.max_body_bytes * kHardBodyLimitFactor))
          .acceptor_post_bind_hook([&impl](asio::ip::tcp::acceptor& acceptor) {
            impl.bound_port = acceptor.local_endpoint().port();
          });
  impl.server = std::make_unique<RestinioServer>(restinio::external_io_context(impl.io),
                                                 std::move(settings));
  const std::size_t io_threads = std::max<std::size_t>(config.io_threads, 1);
  for (std::size_t i = 0; i < io_threads; ++i) {
    impl.io_threads.emplace_back([&impl] { impl.io.run(); });
  }
  std::promise<std::string> opened;
  impl.server->open_async([&opened]() noexcept { opened.set_value(""); },
                          [&opened](std::exception_ptr failure) noexcept {
                            try {
                              std::rethrow_exception(failure);
                            } catch (const std::exception& error) {
                              opened.set_value(error.what());
                            } catch (...) {
                              opened.set_value("unknown error");
                            }
                          });
  const std::string failure = opened.get_future().get();
  if (!failure.empty()) {
    return Error::Unavailable("Cannot listen on " + config.host + ":" +
                              std::to_string(config.port) + ": " + failure);
  }
  return impl.bound_port;
}

void HttpServer::Stop() {
  Impl& impl = *impl_;
  if (impl.io_threads.empty()) return;
  spdlog::info("http: stopping: no new connections, finishing requests in flight");
  impl.draining = true;
  std::promise<void> closed;
  impl.server->close_async([&closed]() noexcept { closed.set_value(); },
                           [&closed](std::exception_ptr) noexcept { closed.set_value(); });
  closed.get_future().wait();
  const auto deadline = Clock::now() + impl.config.drain_timeout;
  while (impl.unwritten.load() > 0 && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (impl.unwritten.load() > 0) {
    spdlog::warn("http: {} requests still unfinished at the drain deadline",
                 impl.unwritten.load());
  }
  impl.workers.Shutdown();
  impl.work_guard.reset();
  impl.io.stop();
  for (auto& thread : impl.io_threads) thread.join();
  impl.io_threads.clear();
  spdlog::info("http: stopped");
}

}  // namespace fr::http
