#pragma once

#include "adapters/http/metrics.hpp"
#include "adapters/http/router.hpp"
#include "main/services.hpp"

namespace fr {

// Every route the service answers, wired to its services: the single list that
// docs/openapi.json must describe (a test holds the two together).
void RegisterApiRoutes(http::Router& router, Services& services,
                       const http::HttpMetrics& metrics);

}  // namespace fr
