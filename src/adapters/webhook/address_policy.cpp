#include "adapters/webhook/address_policy.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <array>
#include <cstdint>
#include <cstring>

namespace fr::webhook {
namespace {

std::optional<std::string> ForbiddenIpv4(std::uint32_t host_order) {
  const auto in = [host_order](std::uint32_t network, int prefix) {
    const std::uint32_t mask = prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - prefix);
    return (host_order & mask) == network;
  };
  if (in(0x00000000, 8)) return "unspecified";
  if (in(0x7f000000, 8)) return "loopback";
  if (in(0x0a000000, 8) || in(0xac100000, 12) || in(0xc0a80000, 16)) return "private";
  if (in(0xa9fe0000, 16)) return "link-local";
  if (in(0x64400000, 10)) return "shared";
  if (in(0xc0000000, 24) || in(0xc6120000, 15) || in(0xf0000000, 4)) return "reserved";
  if (in(0xe0000000, 4)) return "multicast";
  return std::nullopt;
}

std::uint32_t Ipv4At(const std::uint8_t* bytes) {
  return static_cast<std::uint32_t>(bytes[0]) << 24 | static_cast<std::uint32_t>(bytes[1]) << 16 |
         static_cast<std::uint32_t>(bytes[2]) << 8 | bytes[3];
}

std::optional<std::string> ForbiddenIpv6(const std::uint8_t* a) {
  static constexpr std::array<std::uint8_t, 16> kZero{};
  const auto starts = [a](std::initializer_list<std::uint8_t> prefix) {
    return std::memcmp(a, prefix.begin(), prefix.size()) == 0;
  };
  if (std::memcmp(a, kZero.data(), 15) == 0) {
    if (a[15] == 0) return "unspecified";
    if (a[15] == 1) return "loopback";
  }
  // ::ffff:a.b.c.d (mapped), ::a.b.c.d (compatible), 64:ff9b::a.b.c.d (NAT64).
  if (std::memcmp(a, kZero.data(), 10) == 0 && a[10] == 0xff && a[11] == 0xff) {
    return ForbiddenIpv4(Ipv4At(a + 12));
  }
  if (std::memcmp(a, kZero.data(), 12) == 0) return ForbiddenIpv4(Ipv4At(a + 12));
  if (starts({0x00, 0x64, 0xff, 0x9b}) && std::memcmp(a + 4, kZero.data(), 8) == 0) {
    return ForbiddenIpv4(Ipv4At(a + 12));
  }
  if (starts({0x20, 0x02})) return ForbiddenIpv4(Ipv4At(a + 2));   // 6to4
  if ((a[0] & 0xfe) == 0xfc) return "private";                     // fc00::/7 (fd00:ec2::254 too)
  if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) return "link-local";  // fe80::/10
  if (a[0] == 0xfe && (a[1] & 0xc0) == 0xc0) return "private";     // fec0::/10, site-local
  if (a[0] == 0xff) return "multicast";
  if (starts({0x20, 0x01, 0x0d, 0xb8})) return "reserved";  // documentation
  return std::nullopt;
}

}  // namespace

std::optional<std::string> ForbiddenAddressKind(const sockaddr* address) {
  if (address->sa_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(address);
    return ForbiddenIpv4(ntohl(v4->sin_addr.s_addr));
  }
  if (address->sa_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(address);
    return ForbiddenIpv6(v6->sin6_addr.s6_addr);
  }
  return "reserved";  // neither IPv4 nor IPv6: nothing a webhook should use
}

std::string AddressText(const sockaddr* address) {
  char text[INET6_ADDRSTRLEN] = {};
  if (address->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(address)->sin_addr, text, sizeof text);
  } else if (address->sa_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr, text,
              sizeof text);
  }
  return text;
}

}  // namespace fr::webhook
