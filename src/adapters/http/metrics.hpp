#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace fr::http {

// Request counters and latency histograms by route template, rendered in the Prometheus text
// exposition format. Thread-safe.
class HttpMetrics {
 public:
  void RequestStarted() { in_flight_.fetch_add(1, std::memory_order_relaxed); }
  void RequestFinished(std::string_view method, std::string_view route, int status,
                       double seconds);
  std::int64_t in_flight() const { return in_flight_.load(std::memory_order_relaxed); }

  // Text in the Prometheus format that other parts of the service add to /metrics. A source
  // must stay valid until ClearSources().
  void AddSource(std::function<std::string()> render);
  void ClearSources();

  std::string RenderPrometheus() const;

 private:
  static constexpr std::array<double, 11> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                      0.1,   0.25,   0.5,   1.0,  2.5};
  struct Histogram {
    std::array<std::uint64_t, kBuckets.size()> buckets{};
    std::uint64_t count = 0;
    double sum = 0;
  };
  using RequestKey = std::tuple<std::string, std::string, int>;  // method, route, status
  // Requests count into the shard of their thread, so that threads never queue on one lock;
  // rendering adds the shards up. Keys are looked up without copying (std::less<>).
  struct Shard {
    std::mutex mu;
    std::map<RequestKey, std::uint64_t, std::less<>> requests;  // Guarded by mu.
    std::map<std::string, Histogram, std::less<>> durations;    // Guarded by mu.
  };
  static constexpr std::size_t kShards = 8;
  Shard& ShardOfThisThread();

  std::atomic<std::int64_t> in_flight_{0};
  mutable std::array<Shard, kShards> shards_;
  mutable std::mutex sources_mutex_;
  std::vector<std::function<std::string()>> sources_;  // Guarded by sources_mutex_.
};

}  // namespace fr::http
