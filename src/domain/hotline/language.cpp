#include "domain/hotline/language.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <iterator>
#include <vector>

namespace fr {
namespace {

// The languages espeak-ng 1.51 (Debian 12) has a voice for, by their language subtag, sorted.
// A unit test of the speech adapter checks that each of them selects a voice.
constexpr std::string_view kSpokenLanguages[] = {
    "af",  "am",  "an", "ar",  "as",  "az", "ba",  "be",  "bg",  "bn",  "bpy", "bs",  "ca",
    "chr", "cmn", "cs", "cv",  "cy",  "da", "de",  "el",  "en",  "eo",  "es",  "et",  "eu",
    "fa",  "fi",  "fr", "ga",  "gd",  "gn", "grc", "gu",  "hak", "haw", "hbs", "he",  "hi",
    "hr",  "ht",  "hu", "hy",  "hyw", "ia", "id",  "io",  "is",  "it",  "ja",  "jbo", "ka",
    "kk",  "kl",  "kn", "ko",  "kok", "ku", "ky",  "la",  "lb",  "lfn", "lt",  "ltg", "lv",
    "mi",  "mk",  "ml", "mr",  "ms",  "mt", "my",  "nb",  "nci", "ne",  "nl",  "no",  "nog",
    "om",  "or",  "pa", "pap", "pl",  "pt", "py",  "qdb", "qu",  "quc", "qya", "ro",  "ru",
    "sd",  "shn", "si", "sjn", "sk",  "sl", "smj", "sq",  "sr",  "sv",  "sw",  "ta",  "te",
    "th",  "tk",  "tn", "tr",  "tt",  "ug", "uk",  "ur",  "uz",  "vi",  "yue", "zh",
};

bool Spoken(std::string_view language) {
  return std::binary_search(std::begin(kSpokenLanguages), std::end(kSpokenLanguages), language);
}

bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlnum(char c) { return IsAlpha(c) || IsDigit(c); }

bool AllOf(std::string_view text, bool (*test)(char)) {
  return !text.empty() && std::all_of(text.begin(), text.end(), test);
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::vector<std::string_view> Subtags(std::string_view tag) {
  std::vector<std::string_view> parts;
  while (true) {
    const auto dash = tag.find('-');
    parts.push_back(tag.substr(0, dash));
    if (dash == std::string_view::npos) return parts;
    tag.remove_prefix(dash + 1);
  }
}

struct Translation {
  std::string_view language;
  std::array<std::string_view, 8> sentences;  // in BuiltInSentence order
};

// English first: the fallback. Native speakers are welcome to improve these (decision 0043).
constexpr std::array<Translation, 10> kTranslations = {{
    {"en",
     {"Sorry, nobody can take your call right now. Please try again in a few minutes.",
      "Nobody can take your call right now. Please leave a message after the tone.",
      "Press 1 to take this call.", "This call has already been taken.",
      "We are closed right now. Please call again during our opening hours.",
      "Please type the six-digit code shown on your screen.",
      "That code is not right. Please type it again.", "Thank you. Your phone is verified."}},
    {"de",
     {"Leider kann gerade niemand Ihren Anruf annehmen. Bitte versuchen Sie es in ein paar "
      "Minuten noch einmal.",
      "Gerade kann niemand Ihren Anruf annehmen. Bitte hinterlassen Sie nach dem Signalton eine "
      "Nachricht.",
      "Drücken Sie die 1, um diesen Anruf anzunehmen.", "Dieser Anruf wurde bereits angenommen.",
      "Wir sind gerade nicht erreichbar. Bitte rufen Sie während unserer Öffnungszeiten wieder "
      "an.",
      "Bitte geben Sie den sechsstelligen Code ein, der auf Ihrem Bildschirm angezeigt wird.",
      "Dieser Code stimmt nicht. Bitte geben Sie ihn noch einmal ein.",
      "Vielen Dank. Ihr Telefon ist bestätigt."}},
    {"fr",
     {"Désolé, personne ne peut prendre votre appel pour le moment. Veuillez réessayer dans "
      "quelques minutes.",
      "Personne ne peut prendre votre appel pour le moment. Veuillez laisser un message après "
      "le bip.",
      "Appuyez sur 1 pour prendre cet appel.", "Cet appel a déjà été pris.",
      "Nous sommes fermés pour le moment. Veuillez rappeler pendant nos heures d'ouverture.",
      "Veuillez saisir le code à six chiffres affiché sur votre écran.",
      "Ce code n'est pas correct. Veuillez le saisir à nouveau.",
      "Merci. Votre téléphone est vérifié."}},
    {"es",
     {"Lo sentimos, nadie puede atender su llamada en este momento. Por favor, inténtelo de "
      "nuevo en unos minutos.",
      "Nadie puede atender su llamada en este momento. Por favor, deje un mensaje después de la "
      "señal.",
      "Pulse 1 para atender esta llamada.", "Esta llamada ya ha sido atendida.",
      "En este momento estamos cerrados. Por favor, vuelva a llamar durante nuestro horario de "
      "atención.",
      "Por favor, introduzca el código de seis dígitos que aparece en su pantalla.",
      "Ese código no es correcto. Por favor, introdúzcalo de nuevo.",
      "Gracias. Su teléfono está verificado."}},
    {"it",
     {"Siamo spiacenti, al momento nessuno può rispondere alla sua chiamata. La preghiamo di "
      "riprovare tra qualche minuto.",
      "Al momento nessuno può rispondere alla sua chiamata. La preghiamo di lasciare un "
      "messaggio dopo il segnale acustico.",
      "Prema 1 per rispondere a questa chiamata.",
      "Qualcun altro ha già risposto a questa chiamata.",
      "Al momento siamo chiusi. La preghiamo di richiamare durante i nostri orari di apertura.",
      "Digiti il codice di sei cifre mostrato sul suo schermo.",
      "Il codice non è corretto. La preghiamo di digitarlo di nuovo.",
      "Grazie. Il suo telefono è verificato."}},
    {"nl",
     {"Helaas kan er op dit moment niemand uw oproep aannemen. Probeer het over een paar "
      "minuten opnieuw.",
      "Er kan op dit moment niemand uw oproep aannemen. Spreek na de toon een bericht in.",
      "Druk op 1 om deze oproep aan te nemen.", "Deze oproep is al aangenomen.",
      "We zijn op dit moment gesloten. Bel ons opnieuw tijdens onze openingstijden.",
      "Toets de zescijferige code in die op uw scherm staat.",
      "Die code klopt niet. Toets hem opnieuw in.", "Dank u. Uw telefoon is geverifieerd."}},
    {"pl",
     {"Przepraszamy, nikt nie może teraz odebrać Twojego połączenia. Spróbuj ponownie za kilka "
      "minut.",
      "Nikt nie może teraz odebrać Twojego połączenia. Zostaw wiadomość po sygnale.",
      "Naciśnij 1, aby odebrać to połączenie.", "To połączenie zostało już odebrane.",
      "W tej chwili jesteśmy nieczynni. Zadzwoń ponownie w naszych godzinach pracy.",
      "Wpisz sześciocyfrowy kod widoczny na ekranie.",
      "Ten kod jest nieprawidłowy. Wpisz go ponownie.",
      "Dziękujemy. Twój telefon został zweryfikowany."}},
    {"tr",
     {"Üzgünüz, şu anda kimse aramanızı yanıtlayamıyor. Lütfen birkaç dakika sonra tekrar "
      "deneyin.",
      "Şu anda kimse aramanızı yanıtlayamıyor. Lütfen sinyal sesinden sonra mesajınızı bırakın.",
      "Bu aramayı almak için 1'e basın.", "Bu arama zaten yanıtlandı.",
      "Şu anda kapalıyız. Lütfen çalışma saatlerimiz içinde tekrar arayın.",
      "Lütfen ekranınızda gösterilen altı haneli kodu tuşlayın.",
      "Bu kod doğru değil. Lütfen tekrar tuşlayın.", "Teşekkürler. Telefonunuz doğrulandı."}},
    {"uk",
     {"На жаль, зараз ніхто не може відповісти на ваш дзвінок. Будь ласка, спробуйте ще раз за "
      "кілька хвилин.",
      "Зараз ніхто не може відповісти на ваш дзвінок. Будь ласка, залиште повідомлення після "
      "сигналу.",
      "Натисніть 1, щоб прийняти цей дзвінок.", "На цей дзвінок уже відповіли.",
      "Зараз ми не працюємо. Будь ласка, зателефонуйте в наші робочі години.",
      "Будь ласка, введіть шестизначний код, показаний на вашому екрані.",
      "Цей код неправильний. Будь ласка, введіть його ще раз.",
      "Дякуємо. Ваш телефон підтверджено."}},
    {"ar",
     {"عذرًا، لا يمكن لأحد الرد على مكالمتك الآن. يرجى المحاولة مرة أخرى بعد بضع دقائق.",
      "لا يمكن لأحد الرد على مكالمتك الآن. يرجى ترك رسالة بعد سماع الإشارة.",
      "اضغط 1 لتلقي هذه المكالمة.", "تم الرد على هذه المكالمة بالفعل.",
      "نحن مغلقون الآن. يرجى الاتصال مرة أخرى خلال ساعات العمل.",
      "يرجى إدخال الرمز المكوّن من ستة أرقام الظاهر على شاشتك.",
      "هذا الرمز غير صحيح. يرجى إدخاله مرة أخرى.", "شكرًا لك. تم التحقق من هاتفك."}},
}};

}  // namespace

std::optional<std::string> CanonicalLanguageTag(std::string_view tag) {
  if (tag.empty() || tag.size() > 35) return std::nullopt;
  const std::vector<std::string_view> parts = Subtags(tag);
  const std::string_view language = parts.front();
  if (language.size() < 2 || language.size() > 3 || !AllOf(language, IsAlpha)) {
    return std::nullopt;
  }
  std::string canonical = Lower(language);
  if (!Spoken(canonical)) return std::nullopt;
  std::size_t next = 1;
  if (next < parts.size() && parts[next].size() == 4 && AllOf(parts[next], IsAlpha)) {
    std::string script = Lower(parts[next++]);
    script[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(script[0])));
    canonical += "-" + script;
  }
  if (next < parts.size() && ((parts[next].size() == 2 && AllOf(parts[next], IsAlpha)) ||
                              (parts[next].size() == 3 && AllOf(parts[next], IsDigit)))) {
    canonical += "-" + Upper(parts[next++]);
  }
  for (; next < parts.size(); ++next) {
    const std::string_view variant = parts[next];
    const bool long_variant = variant.size() >= 5 && variant.size() <= 8;
    const bool short_variant = variant.size() == 4 && IsDigit(variant[0]);
    if (!AllOf(variant, IsAlnum) || !(long_variant || short_variant)) return std::nullopt;
    canonical += "-" + Lower(variant);
  }
  return canonical;
}

std::span<const std::string_view> SpokenLanguages() { return kSpokenLanguages; }

std::string_view PrimaryLanguage(std::string_view tag) { return tag.substr(0, tag.find('-')); }

SentenceText SentenceIn(BuiltInSentence sentence, std::string_view language) {
  const auto index = static_cast<std::size_t>(sentence);
  const std::string_view primary = PrimaryLanguage(language);
  for (const Translation& translation : kTranslations) {
    if (translation.language == primary) return {translation.sentences[index], true};
  }
  return {kTranslations.front().sentences[index], false};
}

}  // namespace fr
