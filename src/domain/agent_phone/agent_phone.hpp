#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/ids.hpp"
#include "common/result.hpp"
#include "domain/numbers/phone_number.hpp"

namespace fr {

// Whether a phone's number is proven to reach its owner (issue 15 §6, decision 0069): a new
// phone, or one whose number changed, is pending until its owner types the code of a
// verification call; with --require-verified-phones only verified phones ring for hotlines.
enum class PhoneVerification { kPending, kVerified, kFailed };

// "pending", "verified", "failed": the API's and the database's names.
const char* PhoneVerificationName(PhoneVerification verification);
std::optional<PhoneVerification> ParsePhoneVerification(std::string_view name);

// A personal number on which a user takes hotline calls; only active phones are rung (and,
// when verification is required, only verified ones).
struct AgentPhone {
  AgentPhoneId id;
  UserId user_id;
  std::string name;   // 1..100 code points, trimmed
  std::string phone;  // "00…" form, valid, not premium-rate or shared-cost
  bool is_active = true;
  // Read-only for clients: set by storage (pending on create and on a number change) and by
  // the verification call.
  PhoneVerification verification = PhoneVerification::kPending;
};

inline constexpr int kMaxAgentPhonesPerUser = 20;

// What a client sent for a create or a full update, before validation.
struct AgentPhoneDraft {
  UserId user_id;
  std::string name;
  std::string phone;
  bool is_active = true;
};

// Validates and normalises a draft: name length, phone number rules (NumberingPlan).
// Errors: kInvalidArgument with one FieldError per bad field.
Result<AgentPhone> ValidateAgentPhone(const AgentPhoneDraft& draft, const NumberingPlan& plan);

}  // namespace fr
