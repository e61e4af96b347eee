#include "identity/login.hpp"

#include <algorithm>
#include <string>
#include <unordered_set>

#include "common/embedded_file.hpp"
#include "common/text.hpp"

namespace fr {

const std::vector<EmbeddedFile>& EmbeddedPasswordLists();  // generated from data/*.txt

namespace {

std::string LowerAscii(std::string_view text) {
  std::string out(text);
  for (char& ch : out) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  }
  return out;
}

// The list, lower-cased, built once: a line per password, '#' lines are comments.
const std::unordered_set<std::string>& CommonPasswords() {
  static const auto* const kPasswords = [] {
    auto* passwords = new std::unordered_set<std::string>();
    for (const EmbeddedFile& file : EmbeddedPasswordLists()) {
      std::string_view rest = file.content;
      while (!rest.empty()) {
        const auto end = rest.find('\n');
        const std::string_view line = TrimAsciiWhitespace(rest.substr(0, end));
        rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
        if (!line.empty() && line.front() != '#') passwords->insert(LowerAscii(line));
      }
    }
    return passwords;
  }();
  return *kPasswords;
}

Status Invalid(std::string_view field, std::string message) {
  return Error::InvalidArgument("The " + std::string(field) + " is not acceptable.",
                                {{std::string(field), std::move(message)}});
}

bool HasSpaceOrControl(std::string_view text) {
  return std::any_of(text.begin(), text.end(), [](char ch) {
    const auto byte = static_cast<unsigned char>(ch);
    return byte <= 0x20 || byte == 0x7F;
  });
}

}  // namespace

std::string EmailKey(std::string_view email) { return LowerAscii(TrimAsciiWhitespace(email)); }

Status ValidateEmail(std::string_view email, std::string_view field) {
  if (email.empty()) return Invalid(field, "is required");
  if (email.size() > kMaxEmailBytes) {
    return Invalid(field, "must be at most " + std::to_string(kMaxEmailBytes) + " bytes");
  }
  if (!IsValidUtf8(email) || HasSpaceOrControl(email)) {
    return Invalid(field, "must not contain spaces or control characters");
  }
  const auto at = email.find('@');
  if (at == std::string_view::npos || at == 0 || email.find('@', at + 1) != std::string_view::npos) {
    return Invalid(field, "must be an e-mail address (name@example.org)");
  }
  const std::string_view domain = email.substr(at + 1);
  const auto dot = domain.find('.');
  if (dot == std::string_view::npos || dot == 0 || domain.back() == '.') {
    return Invalid(field, "must be an e-mail address (name@example.org)");
  }
  return Ok();
}

bool IsCommonPassword(std::string_view password) {
  return CommonPasswords().contains(LowerAscii(password));
}

Status ValidateNewPassword(std::string_view password, std::string_view field) {
  if (!IsValidUtf8(password)) return Invalid(field, "must be valid UTF-8");
  if (password.size() > kMaxPasswordBytes) {
    return Invalid(field, "must be at most " + std::to_string(kMaxPasswordBytes) + " bytes");
  }
  if (CountCodePoints(password) < kMinPasswordLength) {
    return Invalid(field,
                   "must have at least " + std::to_string(kMinPasswordLength) + " characters");
  }
  if (IsCommonPassword(password)) {
    return Invalid(field, "is too common; choose another (a few unrelated words work well)");
  }
  return Ok();
}

}  // namespace fr
