#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace fr {

// A BCP 47 tag in its canonical case ("de", "en-US", "pt-BR", "sr-Latn"), when `tag` is a
// well-formed language[-script][-region][-variant…] tag whose language the speech synthesiser
// speaks (decision 0043); nullopt otherwise. Case-insensitive: "EN-us" gives "en-US".
std::optional<std::string> CanonicalLanguageTag(std::string_view tag);

// Every language subtag CanonicalLanguageTag accepts, sorted.
std::span<const std::string_view> SpokenLanguages();

// The language subtag of a canonical tag: "pt" of "pt-BR".
std::string_view PrimaryLanguage(std::string_view tag);

// The fixed sentences the service says (decision 0043).
enum class BuiltInSentence {
  kNobodyAvailable,  // to a caller whom nobody could take
  kLeaveMessage,     // before a voicemail's beep
  kPressOneToTake,   // to an agent of a hotline with confirmAnswer
  kAlreadyTaken,     // to an agent who was too late
  kClosed,           // to a caller outside the opening hours
  // The verification call of an agent phone (decision 0069): asked for the code, told a wrong
  // code, thanked once verified.
  kEnterVerificationCode,
  kWrongVerificationCode,
  kPhoneVerified,
};

struct SentenceText {
  std::string_view text;
  // False when the language has no translation and the English sentence stands in.
  bool translated = true;
};

// The sentence in `language` (a canonical tag; its primary language decides), or in English.
// Translations: de, en, fr, es, it, nl, pl, tr, uk, ar.
SentenceText SentenceIn(BuiltInSentence sentence, std::string_view language);

}  // namespace fr
