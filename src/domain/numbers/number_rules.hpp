#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "domain/numbers/phone_number.hpp"

namespace fr {

// The number an agent may be called on: valid, and not premium-rate or shared-cost, because
// every call to an agent is paid by the organisation (the toll-fraud guard). On failure appends
// a FieldError for `field` that names the reason and returns nullopt.
std::optional<PhoneNumber> CheckAgentNumber(const NumberingPlan& plan, std::string_view field,
                                            std::string_view text,
                                            std::vector<FieldError>& errors);

// `number` ("00…") as shown to a reader who may not see it: "00", the country code and the area
// or network code, then one '*' per hidden digit, then the last two digits
// ("00491701234567" → "0049170*****67"). At least four digits are always hidden; a string the
// plan cannot read keeps only "00" and its last two digits.
std::string MaskedNumber(const NumberingPlan& plan, std::string_view number);

}  // namespace fr
