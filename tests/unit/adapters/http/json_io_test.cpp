#include "adapters/http/json_io.hpp"

#include <gtest/gtest.h>

namespace fr::http {
namespace {

TEST(ParseJsonObject, RejectsWhatIsNotAJsonObject) {
  for (const char* body : {"", "{", "[]", "42", "\"x\"", "{\"a\":}", "{\"a\":1,}", "null"}) {
    const auto result = ParseJsonObject(body);
    ASSERT_FALSE(result.ok()) << body;
    EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument);
  }
}

TEST(ParseJsonObject, RejectsInvalidUtf8InStrings) {
  EXPECT_FALSE(ParseJsonObject("{\"name\":\"\xFF\xFE\"}").ok());
}

TEST(ParseJsonObject, LimitsNestingDepth) {
  std::string shallow = "{\"a\":" + std::string(kMaxJsonDepth - 2, '[') +
                        std::string(kMaxJsonDepth - 2, ']') + "}";
  EXPECT_TRUE(ParseJsonObject(shallow).ok());
  std::string deep = "{\"a\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  const auto result = ParseJsonObject(deep);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().detail.find("deeper"), std::string::npos);
}

TEST(FieldReader, CollectsEveryBadField) {
  const auto body = ParseJsonObject(
      R"({"isActive": "yes", "channels": 101, "big": 1e3, "huge": 18446744073709551615,
          "name": 5, "ok": 7})");
  FieldReader reader(*body);
  EXPECT_FALSE(reader.Bool("isActive", true));
  EXPECT_FALSE(reader.Int64("channels", false, 1, 100));
  EXPECT_FALSE(reader.Int64("big", false, 0, 10000));
  EXPECT_FALSE(reader.Int64("huge", false, 0, INT64_MAX));
  EXPECT_FALSE(reader.String("name", true));
  EXPECT_FALSE(reader.String("missing", true));
  EXPECT_EQ(reader.Int64("ok", true, 1, 10), 7);
  EXPECT_FALSE(reader.Int64("absent", false, 1, 10).has_value());
  const Status status = reader.Finish();
  ASSERT_FALSE(status.ok());
  std::vector<std::string> fields;
  for (const auto& error : status.error().field_errors) fields.push_back(error.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"isActive", "channels", "big", "huge", "name",
                                              "missing"}));
}

TEST(QueryInt, AppliesDefaultAndRange) {
  Request request;
  EXPECT_EQ(*QueryInt(request, "limit", 1, 50, 10), 10);
  request.query = {{"limit", "50"}, {"offset", "-1"}};
  EXPECT_EQ(*QueryInt(request, "limit", 1, 50, 10), 50);
  EXPECT_FALSE(QueryInt(request, "offset", 0, INT64_MAX, 0).ok());
  request.query = {{"limit", "0"}};
  EXPECT_FALSE(QueryInt(request, "limit", 1, 50, 10).ok());
  request.query = {{"limit", ""}};
  EXPECT_FALSE(QueryInt(request, "limit", 1, 50, 10).ok());
}

}  // namespace
}  // namespace fr::http
