#include "adapters/http/metrics.hpp"

#include <cstdio>
#include <sstream>
#include <string_view>

namespace fr::http {
namespace {

// Label values are route templates and methods we chose, but escape anyway: the format breaks
// on a stray quote or backslash.
std::string Escape(const std::string& value) {
  std::string out;
  for (const char ch : value) {
    if (ch == '\\' || ch == '"') out.push_back('\\');
    if (ch == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(ch);
  }
  return out;
}

std::string FormatDouble(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", value);
  return buffer;
}

}  // namespace

HttpMetrics::Shard& HttpMetrics::ShardOfThisThread() {
  static std::atomic<std::size_t> next_thread{0};
  thread_local const std::size_t index = next_thread.fetch_add(1) % kShards;
  return shards_[index];
}

void HttpMetrics::RequestFinished(std::string_view method, std::string_view route, int status,
                                  double seconds) {
  in_flight_.fetch_sub(1, std::memory_order_relaxed);
  Shard& shard = ShardOfThisThread();
  std::lock_guard lock(shard.mu);
  auto counted = shard.requests.find(std::make_tuple(method, route, status));
  if (counted == shard.requests.end()) {
    counted =
        shard.requests.emplace(RequestKey{std::string(method), std::string(route), status}, 0)
            .first;
  }
  ++counted->second;
  auto timed = shard.durations.find(route);
  if (timed == shard.durations.end()) {
    timed = shard.durations.emplace(std::string(route), Histogram{}).first;
  }
  Histogram& histogram = timed->second;
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++histogram.buckets[i];
  }
  ++histogram.count;
  histogram.sum += seconds;
}

std::string HttpMetrics::RenderPrometheus() const {
  std::map<RequestKey, std::uint64_t> requests;
  std::map<std::string, Histogram> durations;
  for (Shard& shard : shards_) {
    std::lock_guard lock(shard.mu);
    for (const auto& [key, count] : shard.requests) requests[key] += count;
    for (const auto& [route, histogram] : shard.durations) {
      Histogram& sum = durations[route];
      for (std::size_t i = 0; i < kBuckets.size(); ++i) sum.buckets[i] += histogram.buckets[i];
      sum.count += histogram.count;
      sum.sum += histogram.sum;
    }
  }
  std::ostringstream out;
  out << "# HELP fr_http_requests_in_flight Requests being handled right now.\n"
      << "# TYPE fr_http_requests_in_flight gauge\n"
      << "fr_http_requests_in_flight " << in_flight() << "\n";
  out << "# HELP fr_http_requests_total Requests answered, by method, route template and status.\n"
      << "# TYPE fr_http_requests_total counter\n";
  for (const auto& [key, count] : requests) {
    const auto& [method, route, status] = key;
    out << "fr_http_requests_total{method=\"" << Escape(method) << "\",route=\"" << Escape(route)
        << "\",status=\"" << status << "\"} " << count << "\n";
  }
  out << "# HELP fr_http_request_duration_seconds Time from request to response, by route.\n"
      << "# TYPE fr_http_request_duration_seconds histogram\n";
  for (const auto& [route, histogram] : durations) {
    const std::string label = "route=\"" + Escape(route) + "\"";
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      out << "fr_http_request_duration_seconds_bucket{" << label << ",le=\""
          << FormatDouble(kBuckets[i]) << "\"} " << histogram.buckets[i] << "\n";
    }
    out << "fr_http_request_duration_seconds_bucket{" << label << ",le=\"+Inf\"} "
        << histogram.count << "\n"
        << "fr_http_request_duration_seconds_sum{" << label << "} "
        << FormatDouble(histogram.sum) << "\n"
        << "fr_http_request_duration_seconds_count{" << label << "} " << histogram.count << "\n";
  }
  std::lock_guard lock(sources_mutex_);
  for (const auto& source : sources_) out << source();
  return out.str();
}

void HttpMetrics::AddSource(std::function<std::string()> render) {
  std::lock_guard lock(sources_mutex_);
  sources_.push_back(std::move(render));
}

void HttpMetrics::ClearSources() {
  std::lock_guard lock(sources_mutex_);
  sources_.clear();
}

}  // namespace fr::http
