#include "adapters/storage/city_key.hpp"

#include <unicode/normalizer2.h>
#include <unicode/unistr.h>
#include <unicode/utypes.h>

namespace fr {

std::string CityKey(std::string_view city) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* fold = icu::Normalizer2::getNFKCCasefoldInstance(status);
  if (U_FAILURE(status) || fold == nullptr) return std::string(city);
  const icu::UnicodeString name = icu::UnicodeString::fromUTF8(
      icu::StringPiece(city.data(), static_cast<std::int32_t>(city.size())));
  // fromUTF8 turns bytes that are not UTF-8 into U+FFFD: such a name keeps its bytes instead.
  if (name.indexOf(static_cast<char16_t>(0xFFFD)) >= 0) return std::string(city);
  const icu::UnicodeString folded = fold->normalize(name, status);
  if (U_FAILURE(status)) return std::string(city);
  std::string key;
  folded.toUTF8String(key);
  return key;
}

}  // namespace fr
