#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/ip_block.hpp"
#include "common/result.hpp"

namespace fr::http {

// The reverse proxies (`--trusted-proxy`, CIDR blocks) whose X-Forwarded-For the service
// believes, and the client address that follows from it. Without any, the header is ignored:
// anyone can send it. Thread-safe after construction.
class TrustedProxies {
 public:
  TrustedProxies() = default;

  // Blocks as "192.0.2.0/24", "2001:db8::/32" or one address. IPv4-mapped IPv6 addresses match
  // IPv4 blocks. Errors: kInvalidArgument naming the entry that is not an address or block.
  static Result<TrustedProxies> Parse(const std::vector<std::string>& blocks);

  // The address the request came from, for throttling, rate limits, audit entries and the access
  // log: `peer` (the connection's address) unless it is a trusted proxy; then the
  // X-Forwarded-For hops (`forwarded_for`, the header's lines in order, each a comma-separated
  // list) are walked from the right while the address reached so far is trusted, and the first
  // hop that is not (the last untrusted hop) is the client. A hop that is not an IP address
  // stops the walk at the proxy that wrote it, so a forged value never becomes the client.
  std::string ClientAddress(std::string_view peer,
                            const std::vector<std::string_view>& forwarded_for) const;

  bool empty() const { return blocks_.empty(); }

 private:
  bool Trusts(std::string_view address) const;

  std::vector<IpBlock> blocks_;
};

}  // namespace fr::http
