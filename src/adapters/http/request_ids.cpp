#include "adapters/http/request_ids.hpp"

#include <array>
#include <string_view>

#include "common/text.hpp"

namespace fr::http {
namespace {

std::string RandomPrefix(SecureRandom& random) {
  std::array<std::uint8_t, RequestIds::kPrefixDigits / 2> bytes{};
  random.Fill(bytes);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

}  // namespace

RequestIds::RequestIds(SecureRandom& random) : RequestIds(RandomPrefix(random), 0) {}

RequestIds::RequestIds(std::string prefix, std::uint64_t first)
    : prefix_(std::move(prefix)), next_(first) {}

std::string RequestIds::Next() {
  constexpr std::string_view kHexDigits = "0123456789abcdef";
  std::uint64_t number = next_.fetch_add(1, std::memory_order_relaxed);
  std::string id(prefix_.size() + kCounterDigits, '0');
  prefix_.copy(id.data(), prefix_.size());
  for (std::size_t at = id.size(); at > prefix_.size(); number >>= 4) {
    id[--at] = kHexDigits[number & 0xf];
  }
  return id;
}

}  // namespace fr::http
