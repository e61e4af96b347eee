#include "adapters/phone/libphonenumber_plan.hpp"

#include <phonenumbers/phonenumberutil.h>

namespace fr {
namespace {

using i18n::phonenumbers::PhoneNumberUtil;

NumberType TypeOf(PhoneNumberUtil::PhoneNumberType type) {
  switch (type) {
    case PhoneNumberUtil::FIXED_LINE: return NumberType::kFixedLine;
    case PhoneNumberUtil::MOBILE: return NumberType::kMobile;
    case PhoneNumberUtil::FIXED_LINE_OR_MOBILE: return NumberType::kFixedLineOrMobile;
    case PhoneNumberUtil::TOLL_FREE: return NumberType::kTollFree;
    case PhoneNumberUtil::PREMIUM_RATE: return NumberType::kPremiumRate;
    case PhoneNumberUtil::SHARED_COST: return NumberType::kSharedCost;
    case PhoneNumberUtil::VOIP: return NumberType::kVoip;
    case PhoneNumberUtil::PERSONAL_NUMBER: return NumberType::kPersonalNumber;
    case PhoneNumberUtil::PAGER: return NumberType::kPager;
    case PhoneNumberUtil::UAN: return NumberType::kUan;
    case PhoneNumberUtil::VOICEMAIL: return NumberType::kVoicemail;
    default: return NumberType::kUnknown;
  }
}

// "+49 (241) 556-60" / "0049 241.55660" → "+4924155660"; nullopt when anything else appears,
// including the letters libphonenumber would happily read as vanity digits.
std::optional<std::string> Canonical(std::string_view text) {
  std::string digits;
  bool plus = false;
  for (const char ch : text) {
    if (ch >= '0' && ch <= '9') {
      digits.push_back(ch);
    } else if (ch == '+' && digits.empty() && !plus) {
      plus = true;
    } else if (ch != ' ' && ch != '-' && ch != '.' && ch != '(' && ch != ')') {
      return std::nullopt;
    }
  }
  if (!plus) {
    if (!digits.starts_with("00")) return std::nullopt;
    digits.erase(0, 2);
  }
  if (digits.empty() || digits.size() > 17) return std::nullopt;
  return "+" + digits;
}

// Whether ParseIn works out PhoneNumber::destination_code_digits, its dearest part (libphonenumber
// formats the number and splits it with regular expressions, about half of a parse): only a
// stored number that is masked for display needs it, never a caller's number (decision 0090).
enum class DestinationCode { kWanted, kNotWanted };

// `text` read by libphonenumber in `region` ("ZZ": international only), if valid.
std::optional<PhoneNumber> ParseIn(const std::string& text, const std::string& region,
                                   DestinationCode destination_code) {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  i18n::phonenumbers::PhoneNumber parsed;
  if (util.Parse(text, region, &parsed) != PhoneNumberUtil::NO_PARSING_ERROR) return std::nullopt;
  // IsValidNumber is exactly "the number's type is known" (both match the national number
  // against the patterns of the region the country code gives); asked once, not twice.
  const PhoneNumberUtil::PhoneNumberType type = util.GetNumberType(parsed);
  if (type == PhoneNumberUtil::UNKNOWN) return std::nullopt;
  std::string e164;
  util.Format(parsed, PhoneNumberUtil::E164, &e164);
  PhoneNumber number;
  number.international = "00" + e164.substr(1);
  util.GetRegionCodeForNumber(parsed, &number.region);
  number.type = TypeOf(type);
  number.country_code_digits = std::to_string(parsed.country_code()).size();
  if (destination_code == DestinationCode::kWanted) {
    number.destination_code_digits =
        static_cast<std::size_t>(std::max(0, util.GetLengthOfNationalDestinationCode(parsed)));
  }
  return number;
}

}  // namespace

LibphonenumberPlan::LibphonenumberPlan() {
  std::set<std::string> regions;
  PhoneNumberUtil::GetInstance()->GetSupportedRegions(&regions);
  regions_.insert(regions.begin(), regions.end());
}

std::optional<PhoneNumber> LibphonenumberPlan::Parse(std::string_view text,
                                                     PhoneNumberProblem* problem) const {
  const auto canonical = Canonical(text);
  if (!canonical) {
    if (problem) *problem = PhoneNumberProblem::kMalformed;
    return std::nullopt;
  }
  auto number = ParseIn(*canonical, "ZZ", DestinationCode::kWanted);
  if (!number && problem) *problem = PhoneNumberProblem::kInvalid;
  return number;
}

std::optional<PhoneNumber> LibphonenumberPlan::ParseNational(std::string_view text,
                                                             std::string_view region) const {
  if (const auto canonical = Canonical(text)) {
    if (auto international = ParseIn(*canonical, "ZZ", DestinationCode::kNotWanted)) {
      return international;
    }
  }
  std::string digits;
  for (const char ch : text) {
    if (ch >= '0' && ch <= '9') {
      digits.push_back(ch);
    } else if (ch != ' ' && ch != '-' && ch != '.' && ch != '(' && ch != ')') {
      return std::nullopt;
    }
  }
  if (digits.empty() || digits.size() > 17 || !IsKnownRegion(region)) return std::nullopt;
  return ParseIn(digits, std::string(region), DestinationCode::kNotWanted);
}

bool LibphonenumberPlan::IsKnownRegion(std::string_view region) const {
  return regions_.find(region) != regions_.end();
}

}  // namespace fr
