#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fr::http {

// A request as the handlers see it, detached from RESTinio so that it can cross to a worker
// thread and so that the pipeline is testable without a socket.
struct Request {
  std::string method;  // upper case, e.g. "GET"
  std::string path;    // without the query string, not percent-decoded
  std::vector<std::pair<std::string, std::string>> query;    // decoded, in order
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string request_id;
  std::string remote_address;
  bool query_malformed = false;  // the query string could not be decoded; `query` is empty

  // The first header named `lower_case_name`, if any.
  std::optional<std::string_view> Header(std::string_view lower_case_name) const;
  // The first query parameter named `name`, if any.
  std::optional<std::string_view> Query(std::string_view name) const;
};

// The rest of a streamed response's body (Server-Sent Events, decision 0063): the server has
// written the status line and headers; whoever holds the stream writes chunks, from any
// thread. The response ends when the last holder lets it go.
class ResponseStream {
 public:
  virtual ~ResponseStream() = default;
  // Queues `chunk` for the client; thread-safe. False once a write has failed (the client has
  // gone), after which chunks are dropped.
  virtual bool Write(std::string chunk) = 0;
  // Queues `chunk` and waits until it has gone to the socket, so that a producer never runs
  // ahead of a slow client and holds no more than one chunk (exports). After `timeout` without
  // progress the stream counts as gone. Never call it on an I/O thread: the write it waits for
  // runs there.
  virtual bool WriteAndWait(std::string chunk, std::chrono::milliseconds timeout) {
    (void)timeout;
    return Write(std::move(chunk));
  }
};

struct Response {
  int status = 200;
  std::string content_type;
  // Read what is sent through Body(): a held body (HoldBody) goes instead of this one.
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // Set for a streamed response: called once, with the stream, after the headers were sent; the
  // body above is then not sent. A HEAD request gets the headers alone.
  std::function<void(std::shared_ptr<ResponseStream>)> stream;

  Response& WithHeader(std::string name, std::string value) & {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
  // On a temporary, so that `return JsonResponse(…).WithHeader(…);` moves the response out
  // rather than copying it.
  Response WithHeader(std::string name, std::string value) && {
    headers.emplace_back(std::move(name), std::move(value));
    return std::move(*this);
  }
  // Sends `held`, a body held elsewhere and shared, instead of `body`, without copying it (a
  // held list page's JSON, decision 0096); `body` is emptied, so that only one of them is set.
  void HoldBody(std::shared_ptr<const std::string> held) {
    body.clear();
    held_body_ = std::move(held);
  }
  // The held body, moved out (null when none): the server hands it to the connection.
  std::shared_ptr<const std::string> TakeHeldBody() { return std::move(held_body_); }
  // The body to send: the held one, if any, else `body`.
  std::string_view Body() const { return held_body_ ? std::string_view(*held_body_) : body; }

 private:
  std::shared_ptr<const std::string> held_body_;
};

// Path parameters by their template name, e.g. {"hotlineID": "42"}.
using PathParams = std::map<std::string, std::string, std::less<>>;

// The standard reason phrase of `status` ("Not Found").
const char* ReasonPhrase(int status);

}  // namespace fr::http
