#pragma once

#include <string_view>

namespace fr::http {

// The web console's pages (web/src/router.ts lists the same): each answers the console's
// index.html, so that a reload or a link (an invite link's /set-password#invite=…) opens it.
inline constexpr std::string_view kConsolePages[] = {
    "/", "/sign-in", "/set-password", "/phones", "/hotline", "/calls", "/members"};

// The folder of the console's built files, named by their content hashes.
inline constexpr std::string_view kConsoleAssetPrefix = "/assets/";

// Whether `path` (without the query) is a console page or one of its files: those answers get
// the console's Content-Security-Policy instead of the API's.
inline bool IsConsolePath(std::string_view path) {
  for (std::string_view page : kConsolePages) {
    if (path == page) return true;
  }
  return path.starts_with(kConsoleAssetPrefix);
}

}  // namespace fr::http
