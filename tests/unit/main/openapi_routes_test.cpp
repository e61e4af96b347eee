// docs/openapi.json is the contract's single source: it must list exactly the routes the
// server registers, no more and no fewer.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>

#include "main/api_routes.hpp"
#include "support/temp_dir.hpp"

namespace fr {
namespace {

TEST(OpenApiDocument, DescribesExactlyTheRegisteredRoutes) {
  testing::TempDir dir;
  auto services = Services::Open("sqlite:" + (dir.path() / "routes.db").string(), 1);
  ASSERT_TRUE(services.ok());
  http::HttpMetrics metrics;
  http::Router router;
  http::EventStreamHub event_streams((*services)->event_streams,
                                     [](const WebhookEvent&, bool) { return std::string(); });
  http::ExportRunner exports;
  PromptPreviewService previews(nullptr, (*services)->clock);
  RegisterApiRoutes(router, **services, metrics, event_streams, exports, previews);
  std::set<std::string> registered;
  for (const auto& route : router.routes()) registered.insert(route.method + " " + route.path_template);

  std::ifstream source(std::string(FR_SOURCE_DIR) + "/docs/openapi.json");
  const auto document = nlohmann::json::parse(source);
  std::set<std::string> documented;
  for (const auto& [path, operations] : document["paths"].items()) {
    for (const auto& [method, operation] : operations.items()) {
      std::string upper = method;
      for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      documented.insert(upper + " " + path);
      // Every path parameter of the template is declared.
      for (std::size_t open = path.find('{'); open != std::string::npos;
           open = path.find('{', open + 1)) {
        const std::string name = path.substr(open + 1, path.find('}', open) - open - 1);
        bool declared = false;
        for (const auto& parameter : operation.value("parameters", nlohmann::json::array())) {
          declared |= parameter["in"] == "path" && parameter["name"] == name;
        }
        EXPECT_TRUE(declared) << upper << " " << path << " lacks path parameter " << name;
      }
    }
  }
  EXPECT_EQ(documented, registered);
}

}  // namespace
}  // namespace fr
