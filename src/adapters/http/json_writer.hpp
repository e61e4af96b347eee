#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fr::http {

// Writes JSON text straight into a string, for the responses that carry many objects (lists):
// building a tree of nlohmann values first cost more than the database read (issue #12). The
// text is the one `Json::dump` gives for the same members in the same order (compact, UTF-8
// kept, invalid UTF-8 replaced by U+FFFD), so callers write members in sorted key order, as a
// Json object would. Misuse (a value without a key inside an object, unbalanced ends) is the
// caller's bug: unchecked beyond debug assertions.
class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  JsonWriter& Key(std::string_view key);

  JsonWriter& String(std::string_view value);
  JsonWriter& Int(std::int64_t value);
  JsonWriter& Double(double value);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();

  // A member: Key then the value. An empty optional writes null.
  template <typename T>
  JsonWriter& Member(std::string_view key, const T& value) {
    Key(key);
    return Value(value);
  }
  // A member from an optional: `convert(*value)` (a name, a time's text, an id…), or null.
  template <typename T, typename Convert>
  JsonWriter& Member(std::string_view key, const std::optional<T>& value, Convert&& convert) {
    Key(key);
    return value ? Value(std::invoke(convert, *value)) : Null();
  }

 private:
  JsonWriter& Value(std::string_view value) { return String(value); }
  JsonWriter& Value(const std::string& value) { return String(value); }
  JsonWriter& Value(const char* value) { return String(value); }
  JsonWriter& Value(bool value) { return Bool(value); }
  JsonWriter& Value(double value) { return Double(value); }
  JsonWriter& Value(std::int64_t value) { return Int(value); }
  JsonWriter& Value(int value) { return Int(value); }
  JsonWriter& Value(std::nullopt_t) { return Null(); }
  template <typename T>
  JsonWriter& Value(const std::optional<T>& value) {
    return value ? Value(*value) : Null();
  }

  // Writes the comma a value needs after a sibling; a value right after Key needs none.
  void Separate();

  std::string& out_;
  // One entry per open object or array: whether it already holds a value.
  std::vector<bool> filled_;
  bool after_key_ = false;
};

// {"<items_key>":[…],"<total_key>":n}, the shape of every list page, each item written by
// `write(writer, item)`.
template <typename Item, typename Write>
std::string PageJson(std::string_view items_key, const std::vector<Item>& items,
                     std::string_view total_key, std::int64_t total, Write&& write) {
  std::string body;
  body.reserve(64 + items.size() * 320);
  JsonWriter writer(body);
  writer.BeginObject().Key(items_key).BeginArray();
  for (const Item& item : items) std::invoke(write, writer, item);
  writer.EndArray().Member(total_key, total).EndObject();
  return body;
}

}  // namespace fr::http
