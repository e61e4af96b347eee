#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fr {

// True when `s` is well-formed UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF).
bool IsValidUtf8(std::string_view s);

// The number of Unicode code points in well-formed UTF-8 `s`.
std::size_t CountCodePoints(std::string_view s);

// `s` without leading and trailing ASCII white space.
std::string_view TrimAsciiWhitespace(std::string_view s);

// Equal when ASCII letters are compared without case (header names, SIP tokens).
bool EqualsIgnoringAsciiCase(std::string_view a, std::string_view b);

// Parses a positive int64 written as plain decimal digits ("42"); nullopt for anything else
// (sign, spaces, leading '+', overflow, zero).
std::optional<std::int64_t> ParsePositiveId(std::string_view s);

// Parses a non-negative int64 in plain decimal digits; nullopt for anything else.
std::optional<std::int64_t> ParseNonNegativeInt(std::string_view s);

// `text` in double quotes, safe to put in a log line whatever a peer sent: quotes and
// backslashes escaped, control characters and bytes outside ASCII as \xNN, and cut to
// `max_length` characters of the original followed by "…" when longer.
std::string QuotedForLog(std::string_view text, std::size_t max_length = 80);

// Lower-case hexadecimal of bytes.
std::string HexEncode(std::string_view bytes);

}  // namespace fr
