#pragma once

#include <string_view>
#include <vector>

namespace fr {

// A file compiled into the binary (migrations, the OpenAPI document, the docs page), so that a
// deployed binary needs nothing from the source tree.
struct EmbeddedFile {
  std::string_view name;     // the file's base name, e.g. "0001_identity.sql"
  std::string_view content;  // its bytes
};

}  // namespace fr
