#include "domain/voicemail/voicemail.hpp"

#include <algorithm>
#include <cstdio>

namespace fr {

bool IsVoicemailFileName(std::string_view name) {
  if (!name.starts_with("vm-") || !name.ends_with(".wav") || name.size() > 100) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '-' || c == '.';
  }) && name.find("..") == std::string_view::npos;
}

std::string VoicemailFilePrefix(std::string_view node) {
  std::string prefix = "vm-";
  for (const char c : node) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    prefix += plain ? c : '-';
  }
  return prefix + "-";
}

std::string VoicemailFileName(std::string_view node, std::uint64_t random) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(random));
  return VoicemailFilePrefix(node) + hex + ".wav";
}

}  // namespace fr
