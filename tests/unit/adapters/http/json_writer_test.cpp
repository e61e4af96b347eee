// JsonWriter writes the very text Json::dump gives for the same members.
#include "adapters/http/json_writer.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <nlohmann/json.hpp>
#include <random>

namespace fr::http {
namespace {

using Json = nlohmann::json;

std::string Dumped(const Json& json) {
  return json.dump(-1, ' ', false, Json::error_handler_t::replace);
}

TEST(JsonWriter, NestedObjectsAndArraysMatchDump) {
  std::string out;
  JsonWriter writer(out);
  writer.BeginObject()
      .Key("a")
      .BeginArray()
      .Int(1)
      .Int(-2)
      .BeginObject()
      .EndObject()
      .BeginArray()
      .EndArray()
      .EndArray()
      .Member("b", true)
      .Member("c", std::optional<std::int64_t>())
      .Member("d", std::optional<std::string>("x"))
      .Member("e", 0.0123)
      .Member("f", std::numeric_limits<std::int64_t>::min())
      .Key("g")
      .BeginObject()
      .Member("h", false)
      .Key("i")
      .Null()
      .EndObject()
      .EndObject();
  const Json expected = {{"a", {1, -2, Json::object(), Json::array()}},
                         {"b", true},
                         {"c", nullptr},
                         {"d", "x"},
                         {"e", 0.0123},
                         {"f", std::numeric_limits<std::int64_t>::min()},
                         {"g", {{"h", false}, {"i", nullptr}}}};
  EXPECT_EQ(out, Dumped(expected));
}

TEST(JsonWriter, DoublesAsDumpWritesThem) {
  for (const double value :
       {0.0, 1.0, -2.5, 45.625, 1e-5, 0.0001, 1e21, 123456789.125,
        std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity()}) {
    std::string out;
    JsonWriter(out).Double(value);
    EXPECT_EQ(out, Dumped(Json(value))) << value;
  }
}

TEST(JsonWriter, StringsEscapeAndReplaceAsDumpDoes) {
  const std::vector<std::string> samples = {"",
                                            "plain",
                                            "quote \" backslash \\ slash /",
                                            "\b\f\n\r\t\x01\x1f\x7f",
                                            "Köln ☎ 𝄞",
                                            "bad \xff byte",
                                            "cut \xe2\x98",
                                            "overlong \xc0\xaf",
                                            "surrogate \xed\xa0\x80",
                                            "too high \xf4\x90\x80\x80",
                                            std::string("nul \0 inside", 13)};
  for (const std::string& sample : samples) {
    std::string out;
    JsonWriter(out).String(sample);
    EXPECT_EQ(out, Dumped(Json(sample))) << sample;
  }
}

TEST(JsonWriter, RandomBytesMatchDump) {
  std::mt19937 random(20261129);
  std::uniform_int_distribution<int> length(0, 12), byte(0, 255);
  for (int round = 0; round < 20000; ++round) {
    std::string sample;
    for (int i = length(random); i > 0; --i) sample.push_back(static_cast<char>(byte(random)));
    std::string out;
    JsonWriter(out).String(sample);
    ASSERT_EQ(out, Dumped(Json(sample))) << "round " << round;
  }
}

}  // namespace
}  // namespace fr::http
