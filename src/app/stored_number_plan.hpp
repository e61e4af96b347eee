#pragma once

#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "domain/numbers/phone_number.hpp"

namespace fr {

// The numbering plan with Parse's answers remembered, for the numbers the service itself stores
// and reads on every call: its hotline numbers and its agents' phone numbers. libphonenumber
// takes about 80 µs per number (regular expressions over its metadata), and the routing of one
// call parses four or five of them (decision 0090). Parse is a pure function of the text for the
// life of the process (the metadata is compiled in), so a remembered answer is the answer a new
// parse would give: a change to a hotline or a phone still applies to the next call.
// Never give it a caller's number: it keeps every text it parsed until it holds `capacity` of
// them, then forgets them all. ParseNational and IsKnownRegion are passed through unremembered.
// Thread-safe.
class StoredNumberPlan final : public NumberingPlan {
 public:
  static constexpr std::size_t kDefaultCapacity = 4096;

  explicit StoredNumberPlan(const NumberingPlan& plan, std::size_t capacity = kDefaultCapacity)
      : plan_(plan), capacity_(capacity) {}

  std::optional<PhoneNumber> Parse(std::string_view text,
                                   PhoneNumberProblem* problem) const override;
  std::optional<PhoneNumber> ParseNational(std::string_view text,
                                           std::string_view region) const override {
    return plan_.ParseNational(text, region);
  }
  bool IsKnownRegion(std::string_view region) const override { return plan_.IsKnownRegion(region); }

  // For a text that may or may not be one of the service's numbers (the number a caller
  // dialled): Parse's answer if it is remembered, otherwise the plan's, not remembered. Once the
  // text turned out to be a stored number (a hotline has it), Remember keeps the answer.
  std::optional<PhoneNumber> ParseUnremembered(std::string_view text) const;
  void Remember(std::string_view text, const PhoneNumber& number) const;

 private:
  struct Answer {
    std::optional<PhoneNumber> number;
    PhoneNumberProblem problem = PhoneNumberProblem::kInvalid;
  };
  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const {
      return std::hash<std::string_view>{}(text);
    }
  };

  std::optional<Answer> Remembered(std::string_view text) const;
  void Keep(std::string_view text, Answer answer) const;

  const NumberingPlan& plan_;
  const std::size_t capacity_;
  mutable std::mutex mu_;
  mutable std::unordered_map<std::string, Answer, TextHash, std::equal_to<>>
      answers_;  // Guarded by mu_.
};

}  // namespace fr
