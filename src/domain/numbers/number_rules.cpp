#include "domain/numbers/number_rules.hpp"

namespace fr {

std::optional<PhoneNumber> CheckAgentNumber(const NumberingPlan& plan, std::string_view field,
                                            std::string_view text,
                                            std::vector<FieldError>& errors) {
  PhoneNumberProblem problem = PhoneNumberProblem::kInvalid;
  auto number = plan.Parse(text, &problem);
  if (!number) {
    errors.push_back(
        {std::string(field),
         problem == PhoneNumberProblem::kMalformed
             ? "must be an international number starting with + or 00, e.g. 004924155660"
             : "is not a valid phone number"});
    return std::nullopt;
  }
  if (number->type == NumberType::kPremiumRate) {
    errors.push_back({std::string(field),
                      "is a premium-rate number; calls to it are refused (toll-fraud guard)"});
    return std::nullopt;
  }
  if (number->type == NumberType::kSharedCost) {
    errors.push_back({std::string(field),
                      "is a shared-cost number; calls to it are refused (toll-fraud guard)"});
    return std::nullopt;
  }
  return number;
}

}  // namespace fr
