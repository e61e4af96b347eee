#include "adapters/telephony/engine/address_allow_list.hpp"

#include <asio/ip/address.hpp>
#include <optional>

namespace fr::telephony {
namespace {

// `text` as 16 bytes (IPv4 mapped into IPv6), and how many leading bits an IPv4 prefix adds.
std::optional<std::pair<std::array<std::uint8_t, 16>, int>> Bytes(std::string_view text) {
  asio::error_code error;
  const asio::ip::address address = asio::ip::make_address(std::string(text), error);
  if (error) return std::nullopt;
  if (address.is_v4()) {
    const auto v4 = address.to_v4().to_bytes();
    std::array<std::uint8_t, 16> bytes{};
    bytes[10] = bytes[11] = 0xff;
    std::copy(v4.begin(), v4.end(), bytes.begin() + 12);
    return std::make_pair(bytes, 96);
  }
  return std::make_pair(address.to_v6().to_bytes(), 0);
}

bool SamePrefix(const std::array<std::uint8_t, 16>& a, const std::array<std::uint8_t, 16>& b,
                int bits) {
  for (int i = 0; i < 16 && bits > 0; ++i, bits -= 8) {
    const std::uint8_t mask = bits >= 8 ? 0xff : static_cast<std::uint8_t>(0xff << (8 - bits));
    if ((a[i] & mask) != (b[i] & mask)) return false;
  }
  return true;
}

}  // namespace

bool IsSpecificIpAddress(std::string_view text) {
  asio::error_code error;
  const asio::ip::address address = asio::ip::make_address(std::string(text), error);
  return !error && !address.is_unspecified();
}

Result<AddressAllowList> AddressAllowList::Parse(const std::vector<std::string>& blocks) {
  AddressAllowList list;
  for (const std::string& entry : blocks) {
    const auto slash = entry.find('/');
    const auto address = Bytes(std::string_view(entry).substr(0, slash));
    const Error invalid = Error::InvalidArgument("'" + entry + "' is not an IP address or CIDR block");
    if (!address) return invalid;
    const int width = address->second == 96 ? 32 : 128;
    int prefix = width;
    if (slash != std::string::npos) {
      const std::string bits = entry.substr(slash + 1);
      if (bits.empty() || bits.size() > 3 || bits.find_first_not_of("0123456789") != std::string::npos) {
        return invalid;
      }
      prefix = std::stoi(bits);
      if (prefix > width) return invalid;
    }
    list.blocks_.push_back({address->first, address->second + prefix});
  }
  return list;
}

bool AddressAllowList::Allows(std::string_view address) const {
  const auto bytes = Bytes(address);
  if (!bytes) return false;
  for (const Block& block : blocks_) {
    if (SamePrefix(block.bytes, bytes->first, block.prefix_bits)) return true;
  }
  return false;
}

}  // namespace fr::telephony
