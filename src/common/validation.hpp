#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"

namespace fr {

// What a free-text field holds, which decides the characters it may contain.
enum class TextKind {
  // A name or an address line: one line, shown in lists, logs and consoles. No control
  // characters (C0, DEL, C1), no line or paragraph separators.
  kLine,
  // A text read aloud by text-to-speech: may span lines, so tab, line feed and carriage
  // return are allowed; every other control character is not.
  kSpeech,
};

// Checks a free-text field: valid UTF-8; no control characters beyond what `kind` allows; no
// bidirectional embedding, override or isolate characters (U+202A–U+202E, U+2066–U+2069), which
// make a text display as something else; and, after trimming, between `min` and `max` code
// points. Returns the trimmed text, or appends a FieldError for `field` and returns nullopt.
std::optional<std::string> CheckText(std::string_view field, std::string_view value,
                                     std::size_t min, std::size_t max,
                                     std::vector<FieldError>& errors,
                                     TextKind kind = TextKind::kLine);

}  // namespace fr
