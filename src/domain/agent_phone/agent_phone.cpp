#include "domain/agent_phone/agent_phone.hpp"

#include "common/validation.hpp"
#include "domain/numbers/number_rules.hpp"

namespace fr {

Result<AgentPhone> ValidateAgentPhone(const AgentPhoneDraft& draft, const NumberingPlan& plan) {
  std::vector<FieldError> errors;
  auto name = CheckText("name", draft.name, 1, 100, errors);
  auto number = CheckAgentNumber(plan, "phone", draft.phone, errors);
  if (!errors.empty()) return Error::InvalidArgument("The agent phone is invalid.", std::move(errors));
  return AgentPhone{AgentPhoneId{}, draft.user_id, std::move(*name), std::move(number->international),
                    draft.is_active};
}

}  // namespace fr
