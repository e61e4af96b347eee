#include "common/text.hpp"

#include <cctype>
#include <limits>

namespace fr {

bool IsValidUtf8(std::string_view s) {
  std::size_t i = 0;
  const std::size_t n = s.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t length = 0;
    std::uint32_t code_point = 0;
    if ((c & 0xE0) == 0xC0) {
      length = 2;
      code_point = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      length = 3;
      code_point = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      length = 4;
      code_point = c & 0x07;
    } else {
      return false;
    }
    if (i + length > n) return false;
    for (std::size_t k = 1; k < length; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      code_point = (code_point << 6) | (cc & 0x3F);
    }
    static constexpr std::uint32_t kMinimum[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code_point < kMinimum[length]) return false;                 // overlong
    if (code_point >= 0xD800 && code_point <= 0xDFFF) return false;  // surrogate
    if (code_point > 0x10FFFF) return false;
    i += length;
  }
  return true;
}

std::size_t CountCodePoints(std::string_view s) {
  std::size_t count = 0;
  for (const char ch : s) {
    if ((static_cast<unsigned char>(ch) & 0xC0) != 0x80) ++count;
  }
  return count;
}

std::string_view TrimAsciiWhitespace(std::string_view s) {
  constexpr std::string_view kWhitespace = " \t\r\n\f\v";
  const auto first = s.find_first_not_of(kWhitespace);
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(kWhitespace);
  return s.substr(first, last - first + 1);
}

bool EqualsIgnoringAsciiCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

std::optional<std::int64_t> ParseNonNegativeInt(std::string_view s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  std::int64_t value = 0;
  for (const char ch : s) {
    if (ch < '0' || ch > '9') return std::nullopt;
    const int digit = ch - '0';
    if (value > (std::numeric_limits<std::int64_t>::max() - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

std::optional<std::int64_t> ParsePositiveId(std::string_view s) {
  auto value = ParseNonNegativeInt(s);
  if (!value || *value == 0) return std::nullopt;
  return value;
}

std::string QuotedForLog(std::string_view text, std::size_t max_length) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out = "\"";
  for (const char ch : text.substr(0, max_length)) {
    const auto b = static_cast<unsigned char>(ch);
    if (ch == '"' || ch == '\\') {
      out.push_back('\\');
      out.push_back(ch);
    } else if (b < 0x20 || b >= 0x7F) {
      out += "\\x";
      out.push_back(kDigits[b >> 4]);
      out.push_back(kDigits[b & 0x0F]);
    } else {
      out.push_back(ch);
    }
  }
  out += text.size() > max_length ? "\"…" : "\"";
  return out;
}

std::string HexEncode(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (const char ch : bytes) {
    const auto b = static_cast<unsigned char>(ch);
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0x0F]);
  }
  return out;
}

}  // namespace fr
