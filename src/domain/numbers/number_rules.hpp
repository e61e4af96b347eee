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

}  // namespace fr
