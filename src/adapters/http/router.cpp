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

// True when `path` fits the template split into `pattern`; fills `params`. Literal segments are
// compared before any parameter is copied: most templates tried do not fit.
bool Fits(const std::vector<std::string>& pattern, const std::vector<std::string_view>& path,
          PathParams& params) {
  if (pattern.size() != path.size()) return false;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (IsParameter(pattern[i]) ? path[i].empty() : pattern[i] != path[i]) return false;
  }
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (!IsParameter(pattern[i])) continue;
    params.emplace(pattern[i].substr(1, pattern[i].size() - 2), std::string(path[i]));
  }
  return true;
}

}  // namespace

void Router::Add(Route route) {
  std::vector<std::string> pattern;
  for (const std::string_view segment : Segments(route.path_template)) {
    pattern.emplace_back(segment);
  }
  patterns_.push_back(std::move(pattern));
  routes_.push_back(std::move(route));
}

RouteMatch Router::Match(std::string_view method, std::string_view path) const {
  RouteMatch match;
  const auto segments = Segments(path);
  if (segments.empty()) return match;
  // HEAD is GET without the body (RFC 9110 §9.3.2): it runs the GET handler, and the server
  // leaves out the body.
  const std::string_view wanted = method == "HEAD" ? std::string_view("GET") : method;
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    const Route& route = routes_[i];
    PathParams params;
    if (!Fits(patterns_[i], segments, params)) continue;
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
