#include "adapters/telephony/sip/sip_text.hpp"

#include <cctype>
#include <cstring>

#include "common/text.hpp"

namespace fr::sip {
namespace {

bool IsControl(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u == 0x7f;
}

}  // namespace

bool IsValidSipUser(std::string_view user) {
  if (user.empty() || user.size() > 128) return false;
  for (char c : user) {
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!alnum && std::strchr("+-._!~*'()&=$,", c) == nullptr) return false;
  }
  return true;
}

std::string QuoteDisplayName(std::string_view name) {
  std::string quoted = "\"";
  for (char c : name) {
    if (IsControl(c)) continue;
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  quoted += '"';
  return quoted;
}

std::string SafeReasonPhrase(std::string_view phrase, std::string_view fallback) {
  std::string safe;
  for (char c : phrase) {
    if (!IsControl(c)) safe += c;
  }
  if (safe.find_first_not_of(' ') == std::string::npos) return std::string(fallback);
  return safe;
}

std::string UserOfAddress(std::string_view address) {
  // A quoted display name may hold anything, angle brackets too: skip it.
  const auto first = address.find_first_not_of(" \t");
  if (first != std::string_view::npos && address[first] == '"') {
    std::size_t at = first + 1;
    while (at < address.size() && address[at] != '"') at += address[at] == '\\' ? 2 : 1;
    if (at >= address.size()) return {};
    address.remove_prefix(at + 1);
  }
  // Inside <…> when there are angle brackets.
  if (const auto open = address.find('<'); open != std::string_view::npos) {
    const auto close = address.find('>', open);
    if (close == std::string_view::npos) return {};
    address = address.substr(open + 1, close - open - 1);
  }
  while (!address.empty() && (address.front() == ' ' || address.front() == '\t')) {
    address.remove_prefix(1);
  }
  const auto colon = address.find(':');
  if (colon == std::string_view::npos) return {};
  std::string scheme(address.substr(0, colon));
  for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  address.remove_prefix(colon + 1);
  if (scheme == "tel") return std::string(address.substr(0, address.find_first_of(";?>")));
  if (scheme != "sip" && scheme != "sips") return {};
  const auto at = address.find('@');
  if (at == std::string_view::npos) return {};  // sip:host has no user
  // The user part ends at '@' (a ';' before it belongs to the user in RFC 3261's grammar).
  const std::string_view user = address.substr(0, at);
  return std::string(user.substr(0, user.find(':')));  // no password
}

std::string UriHost(std::string_view host) {
  if (host.find(':') != std::string_view::npos && host.front() != '[') {
    return "[" + std::string(host) + "]";
  }
  return std::string(host);
}

}  // namespace fr::sip

namespace fr::sip {
namespace {

// One key as INFO bodies write it; some phones send the RFC 4733 event codes 10 and 11.
std::optional<char> KeyOf(std::string_view value) {
  value = TrimAsciiWhitespace(value);
  if (value == "10") return '*';
  if (value == "11") return '#';
  if (value.size() != 1) return std::nullopt;
  const char key = static_cast<char>(std::toupper(static_cast<unsigned char>(value.front())));
  if (std::strchr("0123456789*#ABCD", key) == nullptr || key == '\0') return std::nullopt;
  return key;
}

}  // namespace

std::optional<char> DtmfKeyOfInfo(std::string_view content_type, std::string_view body) {
  const std::string_view type = TrimAsciiWhitespace(content_type.substr(0, content_type.find(';')));
  if (EqualsIgnoringAsciiCase(type, "application/dtmf")) return KeyOf(body);
  if (!EqualsIgnoringAsciiCase(type, "application/dtmf-relay")) return std::nullopt;
  while (!body.empty()) {
    const auto end = body.find('\n');
    const std::string_view line = body.substr(0, end);
    body = end == std::string_view::npos ? std::string_view() : body.substr(end + 1);
    const auto equals = line.find('=');
    if (equals != std::string_view::npos &&
        EqualsIgnoringAsciiCase(TrimAsciiWhitespace(line.substr(0, equals)), "signal")) {
      return KeyOf(line.substr(equals + 1));
    }
  }
  return std::nullopt;
}

}  // namespace fr::sip
