#include "adapters/http/client_address.hpp"

#include <algorithm>
#include <asio/ip/address.hpp>
#include <optional>

#include "common/text.hpp"

namespace fr::http {
namespace {

struct Parsed {
  std::array<std::uint8_t, 16> bytes{};  // IPv4 mapped into IPv6
  bool v4 = false;
};

// An IP literal; "[2001:db8::1]" too, as some proxies write IPv6 hops.
std::optional<Parsed> ParseAddress(std::string_view text) {
  if (text.size() > 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
  }
  asio::error_code error;
  const asio::ip::address address = asio::ip::make_address(std::string(text), error);
  if (error) return std::nullopt;
  Parsed parsed;
  if (address.is_v4()) {
    const auto v4 = address.to_v4().to_bytes();
    parsed.bytes[10] = parsed.bytes[11] = 0xff;
    std::copy(v4.begin(), v4.end(), parsed.bytes.begin() + 12);
    parsed.v4 = true;
    return parsed;
  }
  parsed.bytes = address.to_v6().to_bytes();
  return parsed;
}

bool SamePrefix(const std::array<std::uint8_t, 16>& a, const std::array<std::uint8_t, 16>& b,
                int bits) {
  for (int i = 0; i < 16 && bits > 0; ++i, bits -= 8) {
    const std::uint8_t mask = bits >= 8 ? 0xff : static_cast<std::uint8_t>(0xff << (8 - bits));
    if ((a[i] & mask) != (b[i] & mask)) return false;
  }
  return true;
}

// The address as the service writes it everywhere: IPv4 dotted, IPv6 compressed, without
// brackets; an IPv4-mapped IPv6 address as IPv4.
std::string Canonical(std::string_view text) {
  if (text.size() > 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
  }
  asio::error_code error;
  const asio::ip::address address = asio::ip::make_address(std::string(text), error);
  if (error) return std::string(text);
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    return asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6()).to_string();
  }
  return address.to_string();
}

}  // namespace

Result<TrustedProxies> TrustedProxies::Parse(const std::vector<std::string>& blocks) {
  TrustedProxies proxies;
  for (const std::string& entry : blocks) {
    const Error invalid = Error::InvalidArgument(
        "--trusted-proxy: '" + entry + "' is not an IP address or CIDR block");
    const auto slash = entry.find('/');
    const auto address = ParseAddress(std::string_view(entry).substr(0, slash));
    if (!address || entry.starts_with('[')) return invalid;
    const int width = address->v4 ? 32 : 128;
    int prefix = width;
    if (slash != std::string::npos) {
      const std::string bits = entry.substr(slash + 1);
      if (bits.empty() || bits.size() > 3 ||
          bits.find_first_not_of("0123456789") != std::string::npos) {
        return invalid;
      }
      prefix = std::stoi(bits);
      if (prefix > width) return invalid;
    }
    proxies.blocks_.push_back({address->bytes, (address->v4 ? 96 : 0) + prefix});
  }
  return proxies;
}

namespace {

// A hop as some proxies write it, with a port ("192.0.2.7:5678", "[2001:db8::7]:5678") or in
// brackets: the address alone. A bare IPv6 address has several colons and is left as it is.
std::string_view WithoutPort(std::string_view hop) {
  const auto is_port = [](std::string_view digits) {
    return !digits.empty() && digits.size() <= 5 &&
           std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (hop.starts_with('[')) {
    const std::size_t close = hop.find(']');
    if (close == std::string_view::npos) return hop;
    const std::string_view rest = hop.substr(close + 1);
    if (rest.empty() || (rest.front() == ':' && is_port(rest.substr(1)))) {
      return hop.substr(1, close - 1);
    }
    return hop;
  }
  const std::size_t colon = hop.find(':');
  if (colon != std::string_view::npos && hop.find(':', colon + 1) == std::string_view::npos &&
      is_port(hop.substr(colon + 1))) {
    return hop.substr(0, colon);
  }
  return hop;
}

}  // namespace

bool TrustedProxies::Trusts(std::string_view address) const {
  const auto parsed = ParseAddress(address);
  if (!parsed) return false;
  return std::any_of(blocks_.begin(), blocks_.end(), [&parsed](const Block& block) {
    return SamePrefix(block.bytes, parsed->bytes, block.prefix_bits);
  });
}

std::string TrustedProxies::ClientAddress(
    std::string_view peer, const std::vector<std::string_view>& forwarded_for) const {
  if (blocks_.empty() || !Trusts(peer)) return std::string(peer);
  std::vector<std::string_view> hops;
  for (const std::string_view line : forwarded_for) {
    for (std::size_t start = 0; start <= line.size();) {
      const std::size_t comma = std::min(line.find(',', start), line.size());
      hops.push_back(WithoutPort(TrimAsciiWhitespace(line.substr(start, comma - start))));
      start = comma + 1;
    }
  }
  std::string_view client = peer;
  for (auto hop = hops.rbegin(); hop != hops.rend() && Trusts(client); ++hop) {
    if (!ParseAddress(*hop)) break;
    client = *hop;
  }
  return Canonical(client);
}

}  // namespace fr::http
