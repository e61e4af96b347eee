#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace fr {

// What kind of line a number reaches; decides whether calling it may cost the organisation
// more than a normal call.
enum class NumberType {
  kFixedLine,
  kMobile,
  kFixedLineOrMobile,
  kTollFree,
  kPremiumRate,
  kSharedCost,
  kVoip,
  kPersonalNumber,
  kPager,
  kUan,
  kVoicemail,
  kUnknown,
};

// A valid phone number in the specification's form: "00", country code, national number,
// digits only (e.g. "004924155660").
struct PhoneNumber {
  std::string international;  // "004924155660"
  std::string region;         // ISO 3166-1 alpha-2 of the number, e.g. "DE" ("001" non-geographic)
  NumberType type = NumberType::kUnknown;
  std::size_t country_code_digits = 0;      // "49" → 2
  std::size_t destination_code_digits = 0;  // the area or network code after it ("170" → 3)
};

// Why a string is not a usable phone number.
enum class PhoneNumberProblem {
  kMalformed,         // characters other than digits and + ( ) - . space, or no "+"/"00" prefix
  kInvalid,           // not a number that exists in the numbering plan
};

// Port: the numbering-plan knowledge (libphonenumber in production). Thread-safe.
class NumberingPlan {
 public:
  virtual ~NumberingPlan() = default;
  // Parses an international number written "+<cc>…" or "00<cc>…" (spaces, dashes, dots and
  // parentheses allowed). Returns the number, or the problem.
  virtual std::optional<PhoneNumber> Parse(std::string_view text,
                                           PhoneNumberProblem* problem) const = 0;
  // Parses a number written in the national form of `region` ("0241 55660000" in "DE"), or in
  // international form. nullopt when it is not a valid number there. It reads callers' and
  // dialled numbers on every call, so it leaves destination_code_digits 0 (only the masking of
  // a stored number needs it; Parse fills it).
  virtual std::optional<PhoneNumber> ParseNational(std::string_view text,
                                                   std::string_view region) const = 0;
  // True when `region` (upper-case ISO 3166-1 alpha-2) is a region the plan knows.
  virtual bool IsKnownRegion(std::string_view region) const = 0;
};

}  // namespace fr
