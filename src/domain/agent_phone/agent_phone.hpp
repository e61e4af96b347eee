#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "common/ids.hpp"
#include "domain/numbers/phone_number.hpp"

namespace fr {

// A personal number on which a user takes hotline calls; only active phones are rung.
struct AgentPhone {
  AgentPhoneId id;
  UserId user_id;
  std::string name;   // 1..100 code points, trimmed
  std::string phone;  // "00…" form, valid, not premium-rate or shared-cost
  bool is_active = true;
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
