#pragma once

#include <string>

namespace fr::testing {

// The value of the sample `series` ("fr_x{a=\"b\"}") in Prometheus text; -1 when absent.
inline double MetricSample(const std::string& metrics, const std::string& series) {
  const auto at = metrics.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(metrics.substr(at + series.size() + 2));
}

}  // namespace fr::testing
