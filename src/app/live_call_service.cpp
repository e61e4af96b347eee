#include "app/live_call_service.hpp"

#include <algorithm>

#include "identity/authorization.hpp"

namespace fr {

Result<std::vector<LiveCall>> LiveCallService::List(const Principal& principal, HotlineId hotline) {
  FR_ASSIGN_OR_RETURN(const auto found, hotlines_.Find(hotline));
  if (!found || !IsOrganizationMember(principal, found->organization_id)) {
    return Error::NotFound("No such hotline.");
  }
  // Whoever may read call logs sees every call with its caller; a member, their own calls.
  const bool sees_all = CanRead(CallRecordAccess(principal, found->organization_id));
  FR_ASSIGN_OR_RETURN(const auto open, source_.OpenCalls(hotline, kMaxCalls));
  std::vector<LiveCall> calls;
  for (const OpenCallRecord& record : open) {
    LiveCall call = DescribeLiveCall(record, found->confirm_answer);
    if (!sees_all) {
      const bool theirs = principal.IsUser() && std::find(call.agents.begin(), call.agents.end(),
                                                          principal.user_id) != call.agents.end();
      if (!theirs) continue;
      call.caller.reset();
    }
    calls.push_back(std::move(call));
  }
  return calls;
}

}  // namespace fr
