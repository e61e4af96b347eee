#include "adapters/http/json_io.hpp"
#include "adapters/http/routes.hpp"
#include "common/embedded_file.hpp"

namespace fr {
const std::vector<EmbeddedFile>& EmbeddedApiDocuments();  // generated from docs/
}

namespace fr::http {
namespace {

std::string_view DocumentNamed(std::string_view name) {
  for (const auto& file : EmbeddedApiDocuments()) {
    if (file.name == name) return file.content;
  }
  return {};
}

Response Static(std::string_view content_type, std::string_view body) {
  Response response;
  response.content_type = std::string(content_type);
  response.body = std::string(body);
  response.WithHeader("Cache-Control", "no-cache");
  return response;
}

}  // namespace

void AddOperationalRoutes(Router& router, Readiness readiness, const HttpMetrics& metrics) {
  router.Add({"GET", "/healthz", AuthPolicy::kPublic, [](const RequestContext&) {
                // The text nlohmann would make of {"status": "ok"}, without building it for every
                // probe (issue #12).
                return JsonTextResponse(200, R"({"status":"ok"})");
              }});
  router.Add({"GET", "/readyz", AuthPolicy::kPublic,
              [readiness = std::move(readiness)](const RequestContext&) -> HandlerResult {
                // Not a problem: the service works as it should, it only wants no new work.
                if (readiness.draining && readiness.draining()) {
                  return JsonResponse(503, {{"status", "draining"}});
                }
                if (!readiness.storage().ok()) return Error::Unavailable("Storage is not answering.");
                nlohmann::json checks = {{"storage", "ok"}};
                for (const ReadinessReport& report : readiness.reports) {
                  checks[report.name] = report.state();
                }
                return JsonResponse(200, {{"status", "ready"}, {"checks", std::move(checks)}});
              }});
  router.Add({"GET", "/metrics", AuthPolicy::kPublic, [&metrics](const RequestContext&) {
                return Static("text/plain; version=0.0.4; charset=utf-8",
                              metrics.RenderPrometheus());
              }});
  router.Add({"GET", "/openapi.json", AuthPolicy::kPublic, [](const RequestContext&) {
                return Static("application/json; charset=utf-8", DocumentNamed("openapi.json"));
              }});
  router.Add({"GET", "/docs", AuthPolicy::kPublic, [](const RequestContext&) {
                return Static("text/html; charset=utf-8", DocumentNamed("api-docs.html"));
              }});
}

}  // namespace fr::http
