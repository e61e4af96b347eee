// Hotline languages (decision 0043): BCP 47 tags of languages the synthesiser speaks, and the
// built-in sentences in them.
#include "domain/hotline/language.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace fr {
namespace {

TEST(LanguageTest, WellFormedTagsOfSpokenLanguagesComeBackInCanonicalCase) {
  EXPECT_EQ(CanonicalLanguageTag("de"), "de");
  EXPECT_EQ(CanonicalLanguageTag("EN-us"), "en-US");
  EXPECT_EQ(CanonicalLanguageTag("pt-br"), "pt-BR");
  EXPECT_EQ(CanonicalLanguageTag("sr-latn-rs"), "sr-Latn-RS");
  EXPECT_EQ(CanonicalLanguageTag("es-419"), "es-419");
  EXPECT_EQ(CanonicalLanguageTag("de-CH-1996"), "de-CH-1996");
  for (const char* bad : {"", "xx", "klingon", "de_DE", "de-", "-de", "en-US-x-private", "d",
                          "de-Latn-DE-a", "e1", "de--DE"}) {
    EXPECT_FALSE(CanonicalLanguageTag(bad).has_value()) << bad;
  }
}

TEST(LanguageTest, EveryBuiltInSentenceIsTranslatedToTheShippedLanguages) {
  for (const char* language : {"de", "en", "fr", "es", "it", "nl", "pl", "tr", "uk", "ar"}) {
    std::set<std::string_view> texts;
    for (const auto sentence :
         {BuiltInSentence::kNobodyAvailable, BuiltInSentence::kLeaveMessage,
          BuiltInSentence::kPressOneToTake, BuiltInSentence::kAlreadyTaken,
          BuiltInSentence::kClosed, BuiltInSentence::kEnterVerificationCode,
          BuiltInSentence::kWrongVerificationCode, BuiltInSentence::kPhoneVerified}) {
      const SentenceText text = SentenceIn(sentence, language);
      EXPECT_TRUE(text.translated) << language;
      EXPECT_FALSE(text.text.empty());
      texts.insert(text.text);
      if (std::string_view(language) != "en") {
        EXPECT_NE(text.text, SentenceIn(sentence, "en").text) << language << " says English";
      }
    }
    EXPECT_EQ(texts.size(), 8u) << language << ": two sentences are the same";
  }
  EXPECT_EQ(SentenceIn(BuiltInSentence::kClosed, "de-AT").text,
            SentenceIn(BuiltInSentence::kClosed, "de").text);
}

TEST(LanguageTest, OtherLanguagesFallBackToEnglish) {
  const SentenceText text = SentenceIn(BuiltInSentence::kNobodyAvailable, "sv");
  EXPECT_FALSE(text.translated);
  EXPECT_EQ(text.text, SentenceIn(BuiltInSentence::kNobodyAvailable, "en").text);
}

}  // namespace
}  // namespace fr
