#include "domain/blocked_caller/blocked_caller.hpp"

#include "common/validation.hpp"

namespace fr {

Result<BlockedCaller> ValidateBlockedCaller(const BlockedCallerDraft& draft,
                                            OrganizationId organization, const NumberingPlan& plan,
                                            Timestamp now) {
  std::vector<FieldError> errors;
  PhoneNumberProblem problem = PhoneNumberProblem::kMalformed;
  const auto number = plan.Parse(draft.number, &problem);
  if (!number) {
    errors.push_back({"number", problem == PhoneNumberProblem::kMalformed
                                    ? "must be an international number: + or 00, then digits"
                                    : "is not a valid phone number"});
  }
  auto note = CheckText("note", draft.note, 0, kMaxBlockNoteLength, errors);
  if (draft.expires_at && *draft.expires_at <= now) {
    errors.push_back({"expiresAt", "must be in the future"});
  }
  if (!errors.empty()) return Error::InvalidArgument("The blocked caller is invalid.", errors);
  BlockedCaller block;
  block.organization_id = organization;
  block.number = number->international;
  block.note = std::move(*note);
  block.expires_at = draft.expires_at;
  block.created_at = now;
  return block;
}

}  // namespace fr
