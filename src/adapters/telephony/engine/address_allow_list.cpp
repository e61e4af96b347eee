#include "adapters/telephony/engine/address_allow_list.hpp"

#include <asio/ip/address.hpp>

namespace fr::telephony {

bool IsSpecificIpAddress(std::string_view text) {
  asio::error_code error;
  const asio::ip::address address = asio::ip::make_address(std::string(text), error);
  return !error && !address.is_unspecified();
}

Result<AddressAllowList> AddressAllowList::Parse(const std::vector<std::string>& blocks) {
  AddressAllowList list;
  FR_ASSIGN_OR_RETURN(list.blocks_, IpBlock::ParseAll(blocks));
  return list;
}

bool AddressAllowList::Allows(std::string_view address) const {
  const auto parsed = ParseIpAddress(address);
  return parsed && AnyContains(blocks_, *parsed);
}

}  // namespace fr::telephony
