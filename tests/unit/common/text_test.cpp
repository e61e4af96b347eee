#include "common/text.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <ctime>
#include <random>

#include "common/clock.hpp"
#include "common/validation.hpp"

namespace fr {
namespace {

TEST(Utf8, AcceptsWellFormedText) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("Notruf Aachen"));
  EXPECT_TRUE(IsValidUtf8("Stra\xC3\x9F" "e"));         // ß
  EXPECT_TRUE(IsValidUtf8("\xE2\x82\xAC"));             // €
  EXPECT_TRUE(IsValidUtf8("\xF0\x9F\x9A\x91"));         // ambulance emoji
}

TEST(Utf8, RejectsMalformedText) {
  const char* cases[] = {
      "\xC3",              // truncated
      "\x80",              // lone continuation
      "\xC0\xAF",          // overlong '/'
      "\xED\xA0\x80",      // surrogate
      "\xF4\x90\x80\x80",  // above U+10FFFF
      "\xFF",
  };
  for (const char* text : cases) EXPECT_FALSE(IsValidUtf8(text)) << text;
}

TEST(Utf8, CountsCodePointsNotBytes) {
  EXPECT_EQ(CountCodePoints("abc"), 3u);
  EXPECT_EQ(CountCodePoints("Stra\xC3\x9F" "e"), 6u);
  EXPECT_EQ(CountCodePoints("\xF0\x9F\x9A\x91\xF0\x9F\x9A\x91"), 2u);
}

TEST(ParsePositiveId, AcceptsOnlyPlainPositiveInt64) {
  EXPECT_EQ(ParsePositiveId("1"), 1);
  EXPECT_EQ(ParsePositiveId("9223372036854775807"), 9223372036854775807LL);
  const char* rejected[] = {"", "0", "-1", "+1", " 1", "1 ", "1.0", "abc", "1e3",
                            "9223372036854775808", "99999999999999999999", "0x10"};
  for (const char* text : rejected) EXPECT_FALSE(ParsePositiveId(text).has_value()) << text;
}

TEST(ParseNonNegativeInt, AcceptsZero) {
  EXPECT_EQ(ParseNonNegativeInt("0"), 0);
  EXPECT_EQ(ParseNonNegativeInt("007"), 7);
  EXPECT_FALSE(ParseNonNegativeInt("-0").has_value());
}

TEST(CheckText, TrimsAndCountsCodePoints) {
  std::vector<FieldError> errors;
  EXPECT_EQ(CheckText("name", "  Hotline  ", 1, 100, errors), "Hotline");
  EXPECT_EQ(CheckText("name", std::string(100, 'x'), 1, 100, errors), std::string(100, 'x'));
  std::string hundred_umlauts;
  for (int i = 0; i < 100; ++i) hundred_umlauts += "\xC3\xA4";
  EXPECT_TRUE(CheckText("name", hundred_umlauts, 1, 100, errors).has_value());
  EXPECT_TRUE(errors.empty());
}

TEST(CheckText, ReportsEachProblemWithTheFieldName) {
  std::vector<FieldError> errors;
  EXPECT_FALSE(CheckText("name", "   ", 1, 100, errors).has_value());
  EXPECT_FALSE(CheckText("city", std::string(101, 'x'), 1, 100, errors).has_value());
  EXPECT_FALSE(CheckText("street", "\xFF", 1, 100, errors).has_value());
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0].field, "name");
  EXPECT_EQ(errors[0].message, "must not be empty");
  EXPECT_EQ(errors[1].field, "city");
  EXPECT_EQ(errors[2].message, "must be valid UTF-8");
}

// Table-driven: each text, whether a name (kLine) and a text to speak (kSpeech) accept it.
TEST(CheckText, RefusesControlAndBidiOverrideCharacters) {
  struct Case {
    std::string text;
    bool line_ok;
    bool speech_ok;
  };
  const Case cases[] = {
      {std::string("\0", 1), false, false},                 // NUL alone: not "non-empty"
      {std::string("Max\0mobile", 11), false, false},
      {"Max\x01", false, false},
      {"a\x1F" "b", false, false},
      {"a\x7F" "b", false, false},                          // DEL
      {"a\xC2\x85" "b", false, false},                      // U+0085, a C1 control
      {"Notruf\tAachen", false, true},
      {"Hallo.\nBitte warten.", false, true},
      {"Hallo.\r\nBitte warten.", false, true},
      {"a\xE2\x80\xA8" "b", false, true},                  // U+2028 line separator
      {"evil\xE2\x80\xAEgnp.exe", false, false},           // U+202E right-to-left override
      {"a\xE2\x81\xA6" "b", false, false},                 // U+2066 left-to-right isolate
      {"a\xE2\x81\xA9" "b", false, false},                 // U+2069 pop directional isolate
      {"\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D \xE2\x80\x8F" "1", true, true},  // Hebrew, RLM mark
      {"Stra\xC3\x9F" "e \xF0\x9F\x9A\x91", true, true},     // ß and an emoji
  };
  for (const Case& test : cases) {
    std::vector<FieldError> errors;
    EXPECT_EQ(CheckText("name", test.text, 1, 100, errors).has_value(), test.line_ok)
        << "line: " << testing::PrintToString(test.text);
    EXPECT_EQ(CheckText("ttsInbound", test.text, 0, 300, errors, TextKind::kSpeech).has_value(),
              test.speech_ok)
        << "speech: " << testing::PrintToString(test.text);
    for (const FieldError& error : errors) EXPECT_NE(error.message.find("must not contain"), std::string::npos);
  }
}

TEST(FormatTimestamp, IsRfc3339UtcWithMilliseconds) {
  EXPECT_EQ(FormatTimestamp(FromEpochMillis(0)), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatTimestamp(FromEpochMillis(1'795'929'686'123)), "2026-11-29T05:21:26.123Z");
  EXPECT_EQ(FormatTimestamp(FromEpochMillis(-1)), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatTimestamp(FromEpochMillis(951'782'400'000)), "2000-02-29T00:00:00.000Z");
  EXPECT_EQ(FormatTimestamp(FromEpochMillis(253'402'300'799'999)), "9999-12-31T23:59:59.999Z");
}

TEST(FormatTimestamp, AgreesWithTheCLibraryOverFourHundredYears) {
  std::mt19937_64 random(1129);
  // 1600..2400: leap years, centuries, before and after 1970.
  std::uniform_int_distribution<std::int64_t> instants(-11'676'096'000'000, 13'569'465'600'000);
  for (int i = 0; i < 100000; ++i) {
    const std::int64_t ms = instants(random);
    std::int64_t seconds = ms / 1000, millis = ms % 1000;
    if (millis < 0) millis += 1000, seconds -= 1;
    const std::time_t tt = static_cast<std::time_t>(seconds);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char expected[64];
    std::snprintf(expected, sizeof expected, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                  tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<int>(millis));
    ASSERT_EQ(FormatTimestamp(FromEpochMillis(ms)), expected) << ms;
  }
}

TEST(QuotedForLog, QuotesPlainTextAsItIs) {
  EXPECT_EQ(QuotedForLog("carrier.example"), "\"carrier.example\"");
  EXPECT_EQ(QuotedForLog(""), "\"\"");
}

TEST(QuotedForLog, EscapesWhatCouldForgeOrHideALogLine) {
  EXPECT_EQ(QuotedForLog("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(QuotedForLog("x\r\n[error] forged\x1b[2J"), R"("x\x0d\x0a[error] forged\x1b[2J")");
  EXPECT_EQ(QuotedForLog(std::string("nul\0byte", 8)), R"("nul\x00byte")");
  EXPECT_EQ(QuotedForLog("K\xC3\xB6ln\x7F"), R"("K\xc3\xb6ln\x7f")");
}

TEST(QuotedForLog, CutsLongTextAndSaysSo) {
  const std::string long_text(500, 'r');
  EXPECT_EQ(QuotedForLog(long_text, 10), "\"rrrrrrrrrr\"…");
  EXPECT_EQ(QuotedForLog(long_text).size(), 80 + 2 + std::string("…").size());
  EXPECT_EQ(QuotedForLog("exactly10!", 10), "\"exactly10!\"");
}

}  // namespace
}  // namespace fr
