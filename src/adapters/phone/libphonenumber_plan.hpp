#pragma once

#include <set>
#include <string>

#include "domain/numbers/phone_number.hpp"

namespace fr {

// NumberingPlan on Google's libphonenumber (its metadata decides validity and number types).
class LibphonenumberPlan final : public NumberingPlan {
 public:
  LibphonenumberPlan();
  std::optional<PhoneNumber> Parse(std::string_view text,
                                   PhoneNumberProblem* problem) const override;
  std::optional<PhoneNumber> ParseNational(std::string_view text,
                                           std::string_view region) const override;
  bool IsKnownRegion(std::string_view region) const override;

 private:
  std::set<std::string, std::less<>> regions_;
};

}  // namespace fr
