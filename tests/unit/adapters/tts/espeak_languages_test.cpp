// Decision 0043: every language a hotline may name has an espeak-ng voice, also as a tag with a
// region that names no voice file; an unrelated voice never stands in.
#include <gtest/gtest.h>

#include <string>

#include "adapters/tts/espeak_engine.hpp"
#include "domain/hotline/language.hpp"

namespace fr::tts {
namespace {

TEST(EspeakLanguagesTest, EveryAcceptedLanguageSelectsAVoice) {
  ASSERT_TRUE(InitializeEspeak("").ok());
  for (const std::string_view language : SpokenLanguages()) {
    const auto tag = CanonicalLanguageTag(language);
    ASSERT_TRUE(tag.has_value()) << language;
    const Status selected = CheckEspeakVoice(*tag);
    EXPECT_TRUE(selected.ok()) << language << ": " << selected.error().detail;
  }
}

TEST(EspeakLanguagesTest, ARegionOrCaseThatNamesNoVoiceFileFindsTheLanguagesVoice) {
  ASSERT_TRUE(InitializeEspeak("").ok());
  for (const char* tag : {"de-AT", "en-US", "pt-BR", "fr-CA", "es-MX", "uk-UA", "ar-EG", "nl-BE"}) {
    const Status selected = CheckEspeakVoice(tag);
    EXPECT_TRUE(selected.ok()) << tag << ": " << selected.error().detail;
  }
  EXPECT_FALSE(CheckEspeakVoice("xx-YY").ok());
  EXPECT_FALSE(CheckEspeakVoice("qq").ok());
}

}  // namespace
}  // namespace fr::tts
