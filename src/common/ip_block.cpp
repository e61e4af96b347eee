#include "common/ip_block.hpp"

#include <arpa/inet.h>

#include <algorithm>

namespace fr {

std::optional<IpAddress> ParseIpAddress(std::string_view text) {
  // inet_pton reads a NUL-terminated string: the text is copied, so that "1.2.3.4junk" stays
  // invalid whatever follows the view.
  const std::string literal(text);
  IpAddress address;
  std::array<std::uint8_t, 4> v4{};
  if (::inet_pton(AF_INET, literal.c_str(), v4.data()) == 1) {
    address.bytes[10] = address.bytes[11] = 0xff;
    std::copy(v4.begin(), v4.end(), address.bytes.begin() + 12);
    address.v4 = true;
    return address;
  }
  if (::inet_pton(AF_INET6, literal.c_str(), address.bytes.data()) == 1) return address;
  return std::nullopt;
}

Result<IpBlock> IpBlock::Parse(std::string_view text) {
  const Error invalid =
      Error::InvalidArgument("'" + std::string(text) + "' is not an IP address or CIDR block");
  const auto slash = text.find('/');
  const auto address = ParseIpAddress(text.substr(0, slash));
  if (!address) return invalid;
  const int width = address->v4 ? 32 : 128;
  int prefix = width;
  if (slash != std::string_view::npos) {
    const std::string_view bits = text.substr(slash + 1);
    if (bits.empty() || bits.size() > 3 ||
        bits.find_first_not_of("0123456789") != std::string_view::npos) {
      return invalid;
    }
    prefix = std::stoi(std::string(bits));
    if (prefix > width) return invalid;
  }
  IpBlock block;
  block.bytes_ = address->bytes;
  block.prefix_bits_ = (address->v4 ? 96 : 0) + prefix;
  return block;
}

Result<std::vector<IpBlock>> IpBlock::ParseAll(const std::vector<std::string>& texts) {
  std::vector<IpBlock> blocks;
  blocks.reserve(texts.size());
  for (const std::string& text : texts) {
    FR_ASSIGN_OR_RETURN(IpBlock block, Parse(text));
    blocks.push_back(block);
  }
  return blocks;
}

bool IpBlock::Contains(const IpAddress& address) const {
  int bits = prefix_bits_;
  for (int i = 0; i < 16 && bits > 0; ++i, bits -= 8) {
    const std::uint8_t mask = bits >= 8 ? 0xff : static_cast<std::uint8_t>(0xff << (8 - bits));
    if ((bytes_[i] & mask) != (address.bytes[i] & mask)) return false;
  }
  return true;
}

bool AnyContains(const std::vector<IpBlock>& blocks, const IpAddress& address) {
  return std::any_of(blocks.begin(), blocks.end(),
                     [&address](const IpBlock& block) { return block.Contains(address); });
}

}  // namespace fr
