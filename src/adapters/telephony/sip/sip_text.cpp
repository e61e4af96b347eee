#include "adapters/telephony/sip/sip_text.hpp"

#include <cstring>

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

std::string UriHost(std::string_view host) {
  if (host.find(':') != std::string_view::npos && host.front() != '[') {
    return "[" + std::string(host) + "]";
  }
  return std::string(host);
}

}  // namespace fr::sip
