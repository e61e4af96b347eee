#pragma once

#include <string>
#include <string_view>

namespace fr {

// The key a city is matched by, the same on every backend: Unicode's NFKC case fold of the
// UTF-8 name, so "KÖLN", "Köln" and "Ko\u0308ln" all find "Köln", and "STRASSE" finds "Straße"
// (decision 0038). Bytes that are not UTF-8 are kept as they are. Thread-safe.
std::string CityKey(std::string_view city);

}  // namespace fr
