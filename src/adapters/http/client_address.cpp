#include "adapters/http/client_address.hpp"

#include <algorithm>
#include <asio/ip/address.hpp>
#include <optional>

#include "common/text.hpp"

namespace fr::http {
namespace {

// An IP literal; "[2001:db8::1]" too, as some proxies write IPv6 hops.
std::optional<IpAddress> ParseHop(std::string_view text) {
  if (text.size() > 2 && text.front() == '[' && text.back() == ']') {
    text = text.substr(1, text.size() - 2);
  }
  return ParseIpAddress(text);
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
  auto parsed = IpBlock::ParseAll(blocks);
  if (!parsed.ok()) return Error::InvalidArgument("--trusted-proxy: " + parsed.error().detail);
  TrustedProxies proxies;
  proxies.blocks_ = std::move(parsed).value();
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
  const auto parsed = ParseHop(address);
  return parsed && AnyContains(blocks_, *parsed);
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
    if (!ParseHop(*hop)) break;
    client = *hop;
  }
  return Canonical(client);
}

}  // namespace fr::http
