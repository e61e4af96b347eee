// The ceiling for our `/healthz` in the HTTP benchmark (bench/http/run): a plain RESTinio
// server, built with the project's flags, that answers `GET /healthz` with the same small JSON
// body as ours and 404 to anything else. It uses RESTinio as src/adapters/http/server.cpp does
// (the system's RESTinio, the asio timer manager, a strand per connection, one io_context run by
// THREADS threads; ours runs one by default), but answers on the I/O thread itself: no worker
// pool, no request copy, no access log, no metrics. What ours does on top of this is what the
// ratio measures.
//
//   fr_bench_hello PORT [THREADS=1]     (SIGINT stops it cleanly; SIGTERM ends it)
#include <cstdio>
#include <cstdlib>
#include <restinio/all.hpp>

namespace {

using HelloTraits = restinio::traits_t<restinio::asio_timer_manager_t, restinio::null_logger_t,
                                       restinio::default_request_handler_t,
                                       restinio::default_strand_t>;

restinio::request_handling_status_t Answer(const restinio::request_handle_t& request) {
  if (request->header().method() != restinio::http_method_get() ||
      request->header().path() != "/healthz") {
    return request->create_response(restinio::status_not_found())
        .set_body("")
        .done();
  }
  return request->create_response()
      .append_header(restinio::http_field::content_type, "application/json")
      .set_body(R"({"status":"ok"})")
      .done();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: %s PORT [THREADS=1]\n", argv[0]);
    return 2;
  }
  const int port = std::atoi(argv[1]);
  const int threads = argc == 3 ? std::atoi(argv[2]) : 1;
  if (port <= 0 || port > 65535 || threads < 1 || threads > 64) {
    std::fprintf(stderr, "fr_bench_hello: PORT must be 1..65535 and THREADS 1..64\n");
    return 2;
  }
  try {
    restinio::run(restinio::on_thread_pool<HelloTraits>(static_cast<std::size_t>(threads))
                      .address("127.0.0.1")
                      .port(static_cast<std::uint16_t>(port))
                      .request_handler(Answer));
  } catch (const std::exception& error) {
    std::fprintf(stderr, "fr_bench_hello: %s\n", error.what());
    return 1;
  }
  return 0;
}
