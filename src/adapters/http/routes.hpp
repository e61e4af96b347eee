#pragma once

#include <functional>

#include "adapters/http/metrics.hpp"
#include "adapters/http/router.hpp"
#include "app/account_service.hpp"

namespace fr::http {

// Each function registers one group of endpoints; main decides which groups a server has.

// GET /healthz, /readyz (runs `ready`), /metrics, /openapi.json, /docs: no token needed.
void AddOperationalRoutes(Router& router, std::function<Status()> ready,
                          const HttpMetrics& metrics);

// GET /v1/me, PUT /v1/me/organizations/{id}.
void AddAccountRoutes(Router& router, AccountService& accounts);

}  // namespace fr::http
