#pragma once

#include "adapters/http/event_stream_hub.hpp"
#include "adapters/http/export_runner.hpp"
#include "adapters/http/metrics.hpp"
#include "adapters/http/router.hpp"
#include "adapters/http/routes.hpp"
#include "main/services.hpp"

namespace fr {

// Every route the service answers, wired to its services: the single list that
// docs/openapi.json must describe (a test holds the two together).
// `event_streams` serves the event streams and `exports` runs the exports (both must be
// stopped before the HTTP server); `previews` speaks prompt previews (with the telephony's
// synthesiser, when there is one);
// `reports` are /readyz's informative checks (the trunk registration's); `draining` (thread-
// safe) turns /readyz to 503 "draining" (decision 0033); `sessions` how sign-in builds cookies
// and invite links.
void RegisterApiRoutes(http::Router& router, Services& services, const http::HttpMetrics& metrics,
                       http::EventStreamHub& event_streams, http::ExportRunner& exports,
                       PromptPreviewService& previews,
                       std::vector<http::ReadinessReport> reports = {},
                       std::function<bool()> draining = {},
                       http::SessionRouteOptions sessions = {});

}  // namespace fr
