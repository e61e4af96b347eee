#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace fr {

// An IP address as 16 bytes, IPv4 as IPv4-mapped IPv6 (::ffff:192.0.2.1), so that one
// comparison serves both families.
struct IpAddress {
  std::array<std::uint8_t, 16> bytes{};
  bool v4 = false;  // written as IPv4
};

// An IP literal ("192.0.2.1", "2001:db8::1"); nullopt for anything else: names, brackets,
// ports, zone ids.
std::optional<IpAddress> ParseIpAddress(std::string_view text);

// A CIDR block of addresses. An IPv4 block also holds the IPv4-mapped IPv6 forms of its
// addresses.
class IpBlock {
 public:
  // "192.0.2.0/24", "2001:db8::/32", or one address. Errors: kInvalidArgument "'<text>' is not
  // an IP address or CIDR block".
  static Result<IpBlock> Parse(std::string_view text);
  // Each of `texts` as Parse reads it. Errors: Parse's, for the first entry that is not a block.
  static Result<std::vector<IpBlock>> ParseAll(const std::vector<std::string>& texts);

  bool Contains(const IpAddress& address) const;

 private:
  std::array<std::uint8_t, 16> bytes_{};
  int prefix_bits_ = 0;  // of the 128
};

// True when one of `blocks` holds `address`.
bool AnyContains(const std::vector<IpBlock>& blocks, const IpAddress& address);

}  // namespace fr
