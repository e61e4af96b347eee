#pragma once

#include <cstdint>
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

}  // namespace fr::http
