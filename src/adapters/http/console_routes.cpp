#include "adapters/http/console_pages.hpp"
#include "adapters/http/routes.hpp"
#include "common/embedded_file.hpp"

namespace fr {
const std::vector<EmbeddedFile>& EmbeddedConsoleFiles();  // generated from web/ by npm and vite
}

namespace fr::http {
namespace {

const EmbeddedFile* ConsoleFileNamed(std::string_view name) {
  for (const auto& file : EmbeddedConsoleFiles()) {
    if (file.name == name) return &file;
  }
  return nullptr;
}

std::string_view ContentTypeOf(std::string_view name) {
  struct Type {
    std::string_view extension;
    std::string_view content_type;
  };
  static constexpr Type kTypes[] = {{".js", "text/javascript; charset=utf-8"},
                                    {".css", "text/css; charset=utf-8"},
                                    {".html", "text/html; charset=utf-8"},
                                    {".svg", "image/svg+xml"},
                                    {".png", "image/png"},
                                    {".woff2", "font/woff2"},
                                    {".ico", "image/x-icon"}};
  for (const Type& type : kTypes) {
    if (name.ends_with(type.extension)) return type.content_type;
  }
  return "application/octet-stream";
}

Response ConsoleFile(const EmbeddedFile& file, std::string_view cache_control) {
  Response response;
  response.content_type = std::string(ContentTypeOf(file.name));
  response.body = std::string(file.content);
  response.WithHeader("Cache-Control", std::string(cache_control));
  return response;
}

}  // namespace

void AddConsoleRoutes(Router& router) {
  for (std::string_view page : kConsolePages) {
    // index.html names the current hashed files: a browser must ask again every time.
    router.Add(
        {"GET", std::string(page), AuthPolicy::kPublic, [](const RequestContext&) -> HandlerResult {
           const EmbeddedFile* index = ConsoleFileNamed("index.html");
           if (index == nullptr) return Error::NotFound("The web console is not built in.");
           return ConsoleFile(*index, "no-cache");
         }});
  }
  // A hashed file's content never changes under its name, so browsers may keep it for a year.
  router.Add({"GET", std::string(kConsoleAssetPrefix) + "{file}", AuthPolicy::kPublic,
              [](const RequestContext& context) -> HandlerResult {
                const std::string& name = context.params.at("file");
                const EmbeddedFile* file = name == "index.html" ? nullptr : ConsoleFileNamed(name);
                if (file == nullptr) return Error::NotFound("No such file.");
                return ConsoleFile(*file, "public, max-age=31536000, immutable");
              }});
}

}  // namespace fr::http
