#include "app/number_inventory_service.hpp"

#include "common/text.hpp"
#include "common/validation.hpp"

namespace fr {

Result<std::int64_t> NumberInventoryService::AddBlock(const std::string& country,
                                                      const std::string& city,
                                                      const std::string& from,
                                                      const std::string& to) {
  std::vector<FieldError> errors;
  const auto checked_city = CheckText("city", city, 1, 100, errors);
  if (!plan_.IsKnownRegion(country)) errors.push_back({"country", "is not a known country code"});
  const auto first = plan_.Parse(from, nullptr);
  const auto last = plan_.Parse(to, nullptr);
  if (!first) errors.push_back({"from", "is not a valid phone number"});
  if (!last) errors.push_back({"to", "is not a valid phone number"});
  if (!errors.empty()) return Error::InvalidArgument("The number block is invalid.", errors);

  const std::string& low = first->international;
  const std::string& high = last->international;
  const auto low_value = ParseNonNegativeInt(low);
  const auto high_value = ParseNonNegativeInt(high);
  if (low.size() != high.size() || !low_value || !high_value || *low_value > *high_value ||
      *high_value - *low_value >= kMaxBlockSize) {
    return Error::InvalidArgument(
        "The number block is invalid.",
        {{"to", "must have as many digits as --from, not be below it, and the block must hold "
                "at most 10000 numbers"}});
  }
  std::vector<std::string> numbers;
  for (std::int64_t value = *low_value; value <= *high_value; ++value) {
    std::string digits = std::to_string(value);
    digits.insert(0, low.size() - digits.size(), '0');
    const auto number = plan_.Parse(digits, nullptr);
    if (!number || number->region != country) {
      return Error::InvalidArgument(
          "The number block is invalid.",
          {{"from", digits + " is not a valid number in " + country}});
    }
    numbers.push_back(number->international);
  }
  const Status added = inventory_.Add(numbers, country, *checked_city);
  if (!added.ok() && added.error().code == ErrorCode::kAlreadyExists) {
    return Error::AlreadyExists("Some of these numbers are in the inventory already.");
  }
  FR_RETURN_IF_ERROR(added);
  return static_cast<std::int64_t>(numbers.size());
}

}  // namespace fr
