#include "adapters/http/router.hpp"

#include <algorithm>

namespace fr::http {
namespace {

std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> segments;
  if (path.empty() || path.front() != '/') return segments;
  std::size_t start = 1;
  while (true) {
    const auto slash = path.find('/', start);
    segments.push_back(path.substr(start, slash == std::string_view::npos ? path.npos
                                                                           : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return segments;
}

bool IsParameter(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// True when `path` fits `path_template`; fills `params`.
bool Fits(std::string_view path_template, const std::vector<std::string_view>& path,
          PathParams& params) {
  const auto pattern = Segments(path_template);
  if (pattern.size() != path.size()) return false;
  PathParams found;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (IsParameter(pattern[i])) {
      if (path[i].empty()) return false;
      found.emplace(std::string(pattern[i].substr(1, pattern[i].size() - 2)), std::string(path[i]));
    } else if (pattern[i] != path[i]) {
      return false;
    }
  }
  params = std::move(found);
  return true;
}

}  // namespace

void Router::Add(Route route) { routes_.push_back(std::move(route)); }

RouteMatch Router::Match(std::string_view method, std::string_view path) const {
  RouteMatch match;
  const auto segments = Segments(path);
  if (segments.empty()) return match;
  // HEAD is GET without the body (RFC 9110 §9.3.2): it runs the GET handler, and the server
  // leaves out the body.
  const std::string_view wanted = method == "HEAD" ? std::string_view("GET") : method;
  for (const Route& route : routes_) {
    PathParams params;
    if (!Fits(route.path_template, segments, params)) continue;
    if (route.method == wanted) {
      match.kind = RouteMatch::Kind::kFound;
      match.route = &route;
      match.params = std::move(params);
      match.allowed_methods.clear();
      return match;
    }
    match.kind = RouteMatch::Kind::kMethodNotAllowed;
    match.allowed_methods.push_back(route.method);
    if (route.method == "GET") match.allowed_methods.emplace_back("HEAD");
  }
  std::sort(match.allowed_methods.begin(), match.allowed_methods.end());
  match.allowed_methods.erase(
      std::unique(match.allowed_methods.begin(), match.allowed_methods.end()),
      match.allowed_methods.end());
  return match;
}

}  // namespace fr::http
