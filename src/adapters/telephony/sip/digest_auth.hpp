#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// HTTP Digest authentication as a SIP client answers it (RFC 3261 22.4 with RFC 7616's
// algorithms, as RFC 8760 brings them to SIP): reading challenges and building credentials.
// Pure functions without I/O or state; thread-safe. Decision 0021 says why this is ours and not
// sofia's.
namespace fr::sip {

enum class DigestAlgorithm { kMd5, kMd5Sess, kSha256, kSha256Sess };

// "MD5", "MD5-sess", "SHA-256", "SHA-256-sess".
const char* DigestAlgorithmName(DigestAlgorithm algorithm);

// One challenge of a WWW-Authenticate or Proxy-Authenticate header, as sent.
struct DigestChallenge {
  std::string scheme;  // "Digest", "Basic"…, as sent (compared case-insensitively)
  std::string realm;
  std::string nonce;
  std::optional<std::string> opaque;
  std::string algorithm_text;                // as sent; empty when absent (which means MD5)
  std::optional<DigestAlgorithm> algorithm;  // empty: an algorithm we do not implement
  std::vector<std::string> qop;              // offered qop values; empty: none offered
  bool stale = false;
  bool userhash = false;

  bool IsDigest() const;
  // Digest with a known algorithm, a nonce, and qop "auth" offered or no qop at all (then not
  // a -sess algorithm, which needs a cnonce); auth-int (a hash of the body) is not supported.
  bool CanAnswer() const;
};

// Every challenge in one header value: one or several ("Digest realm=…, Digest realm=…"),
// parameters in any order, names case-insensitive, values as tokens or quoted strings with
// backslash escapes and commas inside. Parsing stops at text that cannot be read (an
// unterminated quote); the challenges before it are returned. Unknown parameters are ignored.
std::vector<DigestChallenge> ParseChallenges(std::string_view header_value);

// The challenge we answer among `challenges`: one that CanAnswer() and, when `realm` is not
// empty, has exactly that realm; SHA-256 (and SHA-256-sess) before MD5, else the first.
// Empty when none qualifies.
std::optional<DigestChallenge> ChooseChallenge(const std::vector<DigestChallenge>& challenges,
                                               std::string_view realm);

// What answering a challenge needs besides the challenge itself.
struct DigestInput {
  std::string_view username;
  std::string_view password;
  std::string_view method;  // "INVITE"
  std::string_view uri;     // the Request-URI, exactly as sent in the request line
  std::string_view cnonce;  // fresh random text for every answer (quoted-string safe)
  std::uint32_t nonce_count = 1;
};

// The `response` value (lower-case hex) for `challenge`, which must CanAnswer().
std::string DigestResponse(const DigestChallenge& challenge, const DigestInput& input);

// The whole Authorization / Proxy-Authorization value for `challenge` (which must CanAnswer()):
// Digest username, realm, nonce, uri, response, algorithm (as the challenge named it), and with
// qop auth also qop, nc and cnonce; opaque echoed; userhash honoured.
std::string BuildCredentials(const DigestChallenge& challenge, const DigestInput& input);

// `bytes` random bytes from OpenSSL's generator as lower-case hex: a fresh cnonce for each
// answer, and the registration's Call-ID and From tag. Empty if the generator fails.
std::string RandomHex(std::size_t bytes);

}  // namespace fr::sip
