#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/http/http_types.hpp"
#include "adapters/http/problem.hpp"
#include "common/result.hpp"
#include "identity/principal.hpp"

namespace fr::http {

enum class AuthPolicy { kPublic, kTokenRequired };

// What a handler receives: the request, its typed-later path parameters, and for routes that
// need a token the authenticated principal (never null there).
struct RequestContext {
  const Request& request;
  const PathParams& params;
  const Principal* principal = nullptr;
};

// A handler's response, or why there is none. Handlers build only their success; the pipeline
// turns every failure into a problem response, with the request id (HandlerErrorResponse).
using HandlerResult = Result<Response, HandlerError>;
using Handler = std::function<HandlerResult(const RequestContext&)>;

struct Route {
  std::string method;
  std::string path_template;  // "/v1/hotlines/{hotlineID}"
  AuthPolicy auth = AuthPolicy::kTokenRequired;
  Handler handler;
};

struct RouteMatch {
  enum class Kind { kFound, kMethodNotAllowed, kNotFound };
  Kind kind = Kind::kNotFound;
  const Route* route = nullptr;
  PathParams params;
  std::vector<std::string> allowed_methods;  // for kMethodNotAllowed, sorted
};

// Matches paths against templates of literal segments and `{name}` segments. HEAD matches
// every GET route, and `allowed_methods` lists HEAD wherever GET is allowed. Built once at
// start, then read concurrently (Match is const and thread-safe).
class Router {
 public:
  void Add(Route route);
  RouteMatch Match(std::string_view method, std::string_view path) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
  // The segments of each route's template, in the order of routes_: split once, not for every
  // request and route tried.
  std::vector<std::vector<std::string>> patterns_;
};

}  // namespace fr::http
