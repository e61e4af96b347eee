#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/ip_block.hpp"
#include "common/result.hpp"

namespace fr::telephony {

// True for an IP literal ("192.0.2.1", "::1") that names one host: not a name, not 0.0.0.0 or ::.
bool IsSpecificIpAddress(std::string_view text);

// The source addresses allowed to send calls in: a list of CIDR blocks ("192.0.2.0/24",
// "2001:db8::/32", or one address). IPv4-mapped IPv6 sources match IPv4 blocks.
class AddressAllowList {
 public:
  // Errors: kInvalidArgument naming the entry that is not an address or CIDR block.
  static Result<AddressAllowList> Parse(const std::vector<std::string>& blocks);

  // True when `address` (an IP literal) lies in one of the blocks. Thread-safe.
  bool Allows(std::string_view address) const;

 private:
  std::vector<IpBlock> blocks_;
};

}  // namespace fr::telephony
