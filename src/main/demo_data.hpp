#pragma once

#include <string>

#include "main/services.hpp"

namespace fr {

// Seeds a demo organisation, an admin, a member and tokens into an empty database, prints
// copy-paste curl examples for `base_url` once, and saves the same text to
// `credentials_path` (mode 0600). Does nothing on a database that has organisations.
Status SeedDemoDataIfEmpty(Services& services, const std::string& base_url,
                           const std::string& credentials_path);

}  // namespace fr
