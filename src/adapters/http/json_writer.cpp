#include "adapters/http/json_writer.hpp"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <nlohmann/json.hpp>

namespace fr::http {
namespace {

// Whether `text` is well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, ≤ U+10FFFF).
bool IsValidUtf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {
      ++i;
      continue;
    }
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;  // the bounds of the second byte
    if (byte >= 0xC2 && byte <= 0xDF) {
      length = 2;
    } else if (byte >= 0xE0 && byte <= 0xEF) {
      length = 3;
      if (byte == 0xE0) low = 0xA0;
      if (byte == 0xED) high = 0x9F;
    } else if (byte >= 0xF0 && byte <= 0xF4) {
      length = 4;
      if (byte == 0xF0) low = 0x90;
      if (byte == 0xF4) high = 0x8F;
    } else {
      return false;
    }
    if (i + length > text.size()) return false;
    const auto second = static_cast<unsigned char>(text[i + 1]);
    if (second < low || second > high) return false;
    for (std::size_t k = 2; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if (next < 0x80 || next > 0xBF) return false;
    }
    i += length;
  }
  return true;
}

void AppendEscaped(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  std::size_t plain = 0;  // start of the run of characters copied as they are
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text.substr(plain, i - plain));
    plain = i + 1;
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\b':
        out.append("\\b");
        break;
      case '\f':
        out.append("\\f");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default:
        out.append("\\u00");
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xF]);
    }
  }
  out.append(text.substr(plain));
  out.push_back('"');
}

}  // namespace

void JsonWriter::Separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!filled_.empty()) {
    if (filled_.back()) out_.push_back(',');
    filled_.back() = true;
  }
}

JsonWriter& JsonWriter::BeginObject() {
  Separate();
  out_.push_back('{');
  filled_.push_back(false);
  return *this;
}

JsonWriter& JsonWriter::EndObject() {
  assert(!filled_.empty() && !after_key_);
  filled_.pop_back();
  out_.push_back('}');
  return *this;
}

JsonWriter& JsonWriter::BeginArray() {
  Separate();
  out_.push_back('[');
  filled_.push_back(false);
  return *this;
}

JsonWriter& JsonWriter::EndArray() {
  assert(!filled_.empty() && !after_key_);
  filled_.pop_back();
  out_.push_back(']');
  return *this;
}

namespace {

// Whether `text` is printable ASCII without a quote or backslash: valid UTF-8 that is written
// between quotes as it is, the common case of keys and values alike.
bool IsPlainAscii(std::string_view text) {
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') return false;
  }
  return true;
}

// Appends `"text"` and then `after` (when not NUL) in one growth of `out`.
void AppendQuoted(std::string& out, std::string_view text, char after) {
  const std::size_t at = out.size();
  out.resize(at + text.size() + (after ? 3 : 2));
  char* to = out.data() + at;
  *to++ = '"';
  to = std::copy(text.begin(), text.end(), to);
  *to++ = '"';
  if (after) *to = after;
}

}  // namespace

JsonWriter& JsonWriter::Key(std::string_view key) {
  Separate();
  // Keys are this program's member names: written in one piece (a page of 50 hotlines
  // writes some 1 500 of them).
  if (IsPlainAscii(key)) {
    AppendQuoted(out_, key, ':');
  } else {
    AppendEscaped(out_, key);
    out_.push_back(':');
  }
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::String(std::string_view value) {
  Separate();
  if (IsPlainAscii(value)) {
    AppendQuoted(out_, value, '\0');
  } else if (IsValidUtf8(value)) {
    AppendEscaped(out_, value);
  } else {
    // Rare (text from the network that was never validated): nlohmann's own replacement,
    // so the text stays what Json::dump would give.
    out_.append(nlohmann::json(std::string(value))
                    .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
  return *this;
}

JsonWriter& JsonWriter::Int(std::int64_t value) {
  Separate();
  char buffer[24];
  const auto written = std::to_chars(buffer, buffer + sizeof buffer, value);
  out_.append(buffer, written.ptr);
  return *this;
}

JsonWriter& JsonWriter::Double(double value) {
  Separate();
  // nlohmann's number format (shortest round trip, its own choice of exponent form, ".0" on
  // whole numbers, null for NaN and infinity): few doubles per response, so its dump is kept.
  out_.append(nlohmann::json(value).dump());
  return *this;
}

JsonWriter& JsonWriter::Bool(bool value) {
  Separate();
  out_.append(value ? "true" : "false");
  return *this;
}

JsonWriter& JsonWriter::Null() {
  Separate();
  out_.append("null");
  return *this;
}

}  // namespace fr::http
