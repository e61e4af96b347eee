#include "domain/numbers/number_rules.hpp"

#include <algorithm>

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

std::string MaskedNumber(const NumberingPlan& plan, std::string_view number) {
  constexpr std::size_t kMinimumHidden = 4;
  constexpr std::size_t kShownAtEnd = 2;
  const auto parsed = plan.Parse(number, nullptr);
  const std::string digits =
      parsed ? parsed->international.substr(2)
             : std::string(number.starts_with("00") ? number.substr(2) : number);
  std::size_t shown_at_start = 0;
  std::size_t shown_at_end = kShownAtEnd;
  if (parsed) {
    shown_at_start = parsed->country_code_digits + parsed->destination_code_digits;
    if (digits.size() < shown_at_start + kShownAtEnd + kMinimumHidden) {
      shown_at_start = parsed->country_code_digits;
    }
  }
  if (digits.size() < shown_at_start + kShownAtEnd + kMinimumHidden) shown_at_end = 0;
  shown_at_start = std::min(shown_at_start, digits.size());
  const std::size_t hidden = digits.size() - shown_at_start - shown_at_end;
  return "00" + digits.substr(0, shown_at_start) + std::string(hidden, '*') +
         digits.substr(digits.size() - shown_at_end);
}

}  // namespace fr
