// The SIP header helpers on raw text, beyond what sofia's parser lets through: the user part of
// a name-addr or URI (Request-URI, To, From, P-Called-Party-ID, P-Asserted-Identity, with
// parameters such as user=phone), challenge headers, INFO bodies, and the text we put into
// headers ourselves. Properties: the user is a piece of the address; a valid SIP user and every
// quoted or cleaned text we write cannot add or break a header; our credentials quote back to
// what the challenge said.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "adapters/telephony/sip/digest_auth.hpp"
#include "adapters/telephony/sip/sip_text.hpp"
#include "fuzz_check.hpp"

namespace {

bool IsControl(char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }

bool HasControlCharacter(std::string_view text) {
  for (const char c : text) {
    if (IsControl(c)) return true;
  }
  return false;
}

std::string WithoutControlCharacters(std::string_view text) {
  std::string kept;
  for (const char c : text) {
    if (!IsControl(c)) kept += c;
  }
  return kept;
}

// The content of a quoted-string we wrote, unescaped; false when it is not one.
bool Unquote(std::string_view quoted, std::string& content) {
  if (quoted.size() < 2 || quoted.front() != '"' || quoted.back() != '"') return false;
  quoted = quoted.substr(1, quoted.size() - 2);
  for (std::size_t at = 0; at < quoted.size(); ++at) {
    if (quoted[at] == '"') return false;  // an unescaped quote would end the string early
    if (quoted[at] == '\\') {
      if (++at == quoted.size()) return false;
    }
    content += quoted[at];
  }
  return true;
}

void CheckAddress(std::string_view text) {
  const std::string user = fr::sip::UserOfAddress(text);
  FR_FUZZ_CHECK(text.find(user) != std::string_view::npos);
  if (fr::sip::IsValidSipUser(text)) {
    FR_FUZZ_CHECK(text.find_first_of(" \t\r\n\"<>@;:?%\\") == std::string_view::npos);
  }
  std::string unquoted;
  FR_FUZZ_CHECK(Unquote(fr::sip::QuoteDisplayName(text), unquoted));
  FR_FUZZ_CHECK(unquoted == WithoutControlCharacters(text));
  const std::string reason = fr::sip::SafeReasonPhrase(text, "Fallback");
  FR_FUZZ_CHECK(!reason.empty() && !HasControlCharacter(reason));
}

void CheckInfo(std::string_view text) {
  const auto line_end = text.find('\n');
  const std::string_view content_type = text.substr(0, line_end);
  const std::string_view body =
      line_end == std::string_view::npos ? std::string_view() : text.substr(line_end + 1);
  const auto key = fr::sip::DtmfKeyOfInfo(content_type, body);
  FR_FUZZ_CHECK(!key || (*key != '\0' && std::strchr("0123456789*#ABCD", *key) != nullptr));
}

void CheckChallenges(std::string_view text) {
  const auto challenges = fr::sip::ParseChallenges(text);
  for (const fr::sip::DigestChallenge& challenge : challenges) {
    if (!challenge.CanAnswer()) continue;
    const std::string credentials = fr::sip::BuildCredentials(
        challenge, {"user", "secret", "INVITE", "sip:+4930123@192.0.2.1", "0a4f113b", 7});
    FR_FUZZ_CHECK(!HasControlCharacter(credentials));
    // Read back, our answer names the realm and nonce the challenge did (less what no header
    // may carry).
    const auto read_back = fr::sip::ParseChallenges(credentials);
    FR_FUZZ_CHECK(read_back.size() == 1 && read_back.front().IsDigest());
    FR_FUZZ_CHECK(read_back.front().realm == WithoutControlCharacters(challenge.realm));
    FR_FUZZ_CHECK(read_back.front().nonce == WithoutControlCharacters(challenge.nonce));
  }
  (void)fr::sip::ChooseChallenge(challenges, "");
  (void)fr::sip::ChooseChallenge(challenges, "example.net");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  CheckAddress(text);
  CheckInfo(text);
  CheckChallenges(text);
  return 0;
}
