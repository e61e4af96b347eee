#include "common/validation.hpp"

#include <cstdint>

#include "common/text.hpp"

namespace fr {
namespace {

// Why a code point may not appear in a text of `kind`; nullptr when it may.
const char* RefusalOf(std::uint32_t code_point, TextKind kind) {
  const bool line_break = code_point == '\t' || code_point == '\n' || code_point == '\r';
  if (code_point < 0x20 || code_point == 0x7F || (code_point >= 0x80 && code_point <= 0x9F)) {
    if (kind == TextKind::kSpeech && line_break) return nullptr;
    return kind == TextKind::kSpeech
               ? "must not contain control characters (tab and line breaks are allowed)"
               : "must not contain control characters, tabs or line breaks";
  }
  if (code_point == 0x2028 || code_point == 0x2029) {
    if (kind == TextKind::kSpeech) return nullptr;
    return "must not contain control characters, tabs or line breaks";
  }
  if ((code_point >= 0x202A && code_point <= 0x202E) ||
      (code_point >= 0x2066 && code_point <= 0x2069)) {
    return "must not contain bidirectional override or isolate characters";
  }
  return nullptr;
}

// The first refusal for a code point of well-formed UTF-8 `text`, or nullptr.
const char* FirstRefusal(std::string_view text, TextKind kind) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = 1;
    std::uint32_t code_point = lead;
    if (lead >= 0xF0) {
      length = 4;
      code_point = lead & 0x07;
    } else if (lead >= 0xE0) {
      length = 3;
      code_point = lead & 0x0F;
    } else if (lead >= 0xC0) {
      length = 2;
      code_point = lead & 0x1F;
    }
    for (std::size_t k = 1; k < length; ++k) {
      code_point = (code_point << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    }
    if (const char* refusal = RefusalOf(code_point, kind)) return refusal;
    i += length;
  }
  return nullptr;
}

}  // namespace

std::optional<std::string> CheckText(std::string_view field, std::string_view value,
                                     std::size_t min, std::size_t max,
                                     std::vector<FieldError>& errors, TextKind kind) {
  if (!IsValidUtf8(value)) {
    errors.push_back({std::string(field), "must be valid UTF-8"});
    return std::nullopt;
  }
  const std::string_view trimmed = TrimAsciiWhitespace(value);
  if (const char* refusal = FirstRefusal(trimmed, kind)) {
    errors.push_back({std::string(field), refusal});
    return std::nullopt;
  }
  const std::size_t length = CountCodePoints(trimmed);
  if (length < min || length > max) {
    const std::string range = std::to_string(min) + " and " + std::to_string(max);
    errors.push_back({std::string(field), min > 0 && length == 0
                                              ? "must not be empty"
                                              : "must be between " + range + " characters long"});
    return std::nullopt;
  }
  return std::string(trimmed);
}

}  // namespace fr
