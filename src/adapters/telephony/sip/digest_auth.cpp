#include "adapters/telephony/sip/digest_auth.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <cctype>

#include "common/text.hpp"

namespace fr::sip {
namespace {

bool IsSess(DigestAlgorithm algorithm) {
  return algorithm == DigestAlgorithm::kMd5Sess || algorithm == DigestAlgorithm::kSha256Sess;
}

bool IsSha256(DigestAlgorithm algorithm) {
  return algorithm == DigestAlgorithm::kSha256 || algorithm == DigestAlgorithm::kSha256Sess;
}

std::optional<DigestAlgorithm> AlgorithmOf(std::string_view text) {
  if (text.empty() || EqualsIgnoringAsciiCase(text, "MD5")) return DigestAlgorithm::kMd5;
  if (EqualsIgnoringAsciiCase(text, "MD5-sess")) return DigestAlgorithm::kMd5Sess;
  if (EqualsIgnoringAsciiCase(text, "SHA-256")) return DigestAlgorithm::kSha256;
  if (EqualsIgnoringAsciiCase(text, "SHA-256-sess")) return DigestAlgorithm::kSha256Sess;
  return std::nullopt;
}

// The hash of the algorithm, as lower-case hex (RFC 7616 3.4.1: H and KD are hex digests).
std::string Hash(DigestAlgorithm algorithm, std::string_view text) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  const EVP_MD* md = IsSha256(algorithm) ? EVP_sha256() : EVP_md5();
  if (EVP_Digest(text.data(), text.size(), digest.data(), &length, md, nullptr) != 1) {
    return {};  // only when OpenSSL cannot allocate; the trunk then refuses the answer
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0x0f];
  }
  return hex;
}

// A quoted-string; control characters (which no header may carry) are dropped.
std::string Quoted(std::string_view text) {
  std::string quoted = "\"";
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) continue;
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + '"';
}

std::string NonceCount(std::uint32_t count) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text(8, '0');
  for (int i = 7; i >= 0; --i, count >>= 4) text[static_cast<std::size_t>(i)] = kHex[count & 0xf];
  return text;
}

// A cursor over a header value for ParseChallenges (RFC 7235 2.1 grammar, leniently).
class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}

  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return AtEnd() ? '\0' : text_[pos_]; }
  void Skip() { ++pos_; }
  void SkipSpace() {
    while (!AtEnd() && (Peek() == ' ' || Peek() == '\t' || Peek() == '\r' || Peek() == '\n'))
      ++pos_;
  }
  void SkipSpaceAndCommas() {
    while (!AtEnd() && (Peek() == ',' || std::isspace(static_cast<unsigned char>(Peek())))) ++pos_;
  }
  // RFC 7230 tchar; also '/' so that token68 values are read whole as far as they go.
  std::string_view Token() {
    const std::size_t start = pos_;
    while (!AtEnd()) {
      const char c = Peek();
      if (std::isalnum(static_cast<unsigned char>(c)) == 0 &&
          std::string_view("!#$%&'*+-.^_`|~/").find(c) == std::string_view::npos) {
        break;
      }
      ++pos_;
    }
    return text_.substr(start, pos_ - start);
  }
  // After the opening quote; false for an unterminated string.
  bool QuotedString(std::string& out) {
    while (!AtEnd()) {
      char c = Peek();
      ++pos_;
      if (c == '"') return true;
      if (c == '\\') {
        if (AtEnd()) return false;
        c = Peek();
        ++pos_;
      }
      out += c;
    }
    return false;
  }
  // Skips the rest of a parameter we cannot read, up to the next comma.
  void SkipToComma() {
    while (!AtEnd() && Peek() != ',') ++pos_;
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

void SetParameter(DigestChallenge& challenge, std::string_view name, std::string value) {
  if (EqualsIgnoringAsciiCase(name, "realm")) {
    challenge.realm = std::move(value);
  } else if (EqualsIgnoringAsciiCase(name, "nonce")) {
    challenge.nonce = std::move(value);
  } else if (EqualsIgnoringAsciiCase(name, "opaque")) {
    challenge.opaque = std::move(value);
  } else if (EqualsIgnoringAsciiCase(name, "algorithm")) {
    challenge.algorithm_text = std::move(value);
  } else if (EqualsIgnoringAsciiCase(name, "stale")) {
    challenge.stale = EqualsIgnoringAsciiCase(value, "true");
  } else if (EqualsIgnoringAsciiCase(name, "userhash")) {
    challenge.userhash = EqualsIgnoringAsciiCase(value, "true");
  } else if (EqualsIgnoringAsciiCase(name, "qop")) {
    std::size_t start = 0;
    while (start <= value.size()) {
      std::size_t end = value.find(',', start);
      if (end == std::string::npos) end = value.size();
      std::string option = value.substr(start, end - start);
      const auto first = option.find_first_not_of(" \t");
      const auto last = option.find_last_not_of(" \t");
      if (first != std::string::npos)
        challenge.qop.push_back(option.substr(first, last - first + 1));
      start = end + 1;
    }
  }
}

}  // namespace

const char* DigestAlgorithmName(DigestAlgorithm algorithm) {
  switch (algorithm) {
    case DigestAlgorithm::kMd5:
      return "MD5";
    case DigestAlgorithm::kMd5Sess:
      return "MD5-sess";
    case DigestAlgorithm::kSha256:
      return "SHA-256";
    case DigestAlgorithm::kSha256Sess:
      return "SHA-256-sess";
  }
  return "MD5";
}

bool DigestChallenge::IsDigest() const { return EqualsIgnoringAsciiCase(scheme, "Digest"); }

bool DigestChallenge::CanAnswer() const {
  if (!IsDigest() || !algorithm || nonce.empty()) return false;
  if (qop.empty()) return !IsSess(*algorithm);
  for (const std::string& option : qop) {
    if (EqualsIgnoringAsciiCase(option, "auth")) return true;
  }
  return false;
}

std::vector<DigestChallenge> ParseChallenges(std::string_view header_value) {
  std::vector<DigestChallenge> challenges;
  Reader reader(header_value);
  while (true) {
    reader.SkipSpaceAndCommas();
    if (reader.AtEnd()) break;
    const std::string_view word = reader.Token();
    if (word.empty()) {  // a character no grammar allows here: the rest cannot be trusted
      break;
    }
    reader.SkipSpace();
    if (reader.Peek() != '=') {  // a token without '=' starts the next challenge
      challenges.emplace_back().scheme = std::string(word);
      continue;
    }
    reader.Skip();
    reader.SkipSpace();
    std::string value;
    if (reader.Peek() == '"') {
      reader.Skip();
      if (!reader.QuotedString(value)) break;
    } else {
      value = std::string(reader.Token());
    }
    if (reader.Peek() == '=') {  // token68 ("abc==") of another scheme: not ours to read
      reader.SkipToComma();
      continue;
    }
    if (!challenges.empty()) SetParameter(challenges.back(), word, std::move(value));
  }
  for (DigestChallenge& challenge : challenges) {
    challenge.algorithm = AlgorithmOf(challenge.algorithm_text);
  }
  return challenges;
}

std::optional<DigestChallenge> ChooseChallenge(const std::vector<DigestChallenge>& challenges,
                                               std::string_view realm) {
  const DigestChallenge* chosen = nullptr;
  for (const DigestChallenge& challenge : challenges) {
    if (!challenge.CanAnswer() || (!realm.empty() && challenge.realm != realm)) continue;
    if (chosen == nullptr || (IsSha256(*challenge.algorithm) && !IsSha256(*chosen->algorithm))) {
      chosen = &challenge;
    }
  }
  if (chosen == nullptr) return std::nullopt;
  return *chosen;
}

std::string DigestResponse(const DigestChallenge& challenge, const DigestInput& input) {
  const DigestAlgorithm algorithm = challenge.algorithm.value_or(DigestAlgorithm::kMd5);
  const auto h = [algorithm](std::string_view text) { return Hash(algorithm, text); };
  std::string ha1 =
      h(std::string(input.username) + ":" + challenge.realm + ":" + std::string(input.password));
  if (IsSess(algorithm)) {
    ha1 = h(ha1 + ":" + challenge.nonce + ":" + std::string(input.cnonce));
  }
  const std::string ha2 = h(std::string(input.method) + ":" + std::string(input.uri));
  if (challenge.qop.empty()) return h(ha1 + ":" + challenge.nonce + ":" + ha2);
  return h(ha1 + ":" + challenge.nonce + ":" + NonceCount(input.nonce_count) + ":" +
           std::string(input.cnonce) + ":auth:" + ha2);
}

std::string BuildCredentials(const DigestChallenge& challenge, const DigestInput& input) {
  const DigestAlgorithm algorithm = challenge.algorithm.value_or(DigestAlgorithm::kMd5);
  const std::string username =
      challenge.userhash ? Hash(algorithm, std::string(input.username) + ":" + challenge.realm)
                         : std::string(input.username);
  std::string value = "Digest username=" + Quoted(username) + ", realm=" + Quoted(challenge.realm) +
                      ", nonce=" + Quoted(challenge.nonce) + ", uri=" + Quoted(input.uri) +
                      ", response=\"" + DigestResponse(challenge, input) + "\"";
  // Named as the challenge did (absent means MD5), in its canonical spelling: never echo
  // network text into our header unchecked.
  if (!challenge.algorithm_text.empty())
    value += ", algorithm=" + std::string(DigestAlgorithmName(algorithm));
  if (!challenge.qop.empty()) {
    value += ", qop=auth, nc=" + NonceCount(input.nonce_count) + ", cnonce=" + Quoted(input.cnonce);
  }
  if (challenge.opaque) value += ", opaque=" + Quoted(*challenge.opaque);
  if (challenge.userhash) value += ", userhash=true";
  return value;
}

std::string RandomHex(std::size_t bytes) {
  std::vector<unsigned char> random(bytes);
  if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) return {};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char byte : random) {
    hex += kHex[byte >> 4];
    hex += kHex[byte & 0x0f];
  }
  return hex;
}

}  // namespace fr::sip
