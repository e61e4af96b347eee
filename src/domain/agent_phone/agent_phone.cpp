#include "domain/agent_phone/agent_phone.hpp"

#include "common/validation.hpp"
#include "domain/numbers/number_rules.hpp"

namespace fr {

const char* PhoneVerificationName(PhoneVerification verification) {
  switch (verification) {
    case PhoneVerification::kPending:
      return "pending";
    case PhoneVerification::kVerified:
      return "verified";
    case PhoneVerification::kFailed:
      return "failed";
  }
  return "pending";
}

std::optional<PhoneVerification> ParsePhoneVerification(std::string_view name) {
  for (const auto verification :
       {PhoneVerification::kPending, PhoneVerification::kVerified, PhoneVerification::kFailed}) {
    if (name == PhoneVerificationName(verification)) return verification;
  }
  return std::nullopt;
}

Result<AgentPhone> ValidateAgentPhone(const AgentPhoneDraft& draft, const NumberingPlan& plan) {
  std::vector<FieldError> errors;
  auto name = CheckText("name", draft.name, 1, 100, errors);
  auto number = CheckAgentNumber(plan, "phone", draft.phone, errors);
  if (!errors.empty()) return Error::InvalidArgument("The agent phone is invalid.", std::move(errors));
  return AgentPhone{AgentPhoneId{},   draft.user_id,
                    std::move(*name), std::move(number->international),
                    draft.is_active,  PhoneVerification::kPending};
}

}  // namespace fr
