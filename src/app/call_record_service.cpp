#include "app/call_record_service.hpp"

#include <map>

#include "domain/numbers/number_rules.hpp"
#include "identity/authorization.hpp"

namespace fr {
namespace {

constexpr std::int64_t kPurgeChunk = 1000;  // calls per transaction: short write locks

Error NoSuchHotline() { return Error::NotFound("No such hotline."); }

}  // namespace

Result<Hotline> CallRecordService::ReadableHotline(const Principal& principal,
                                                  HotlineId hotline) {
  FR_ASSIGN_OR_RETURN(auto found, hotlines_.Find(hotline));
  if (!found || !IsOrganizationMember(principal, found->organization_id)) return NoSuchHotline();
  if (!CanRead(CallRecordAccess(principal, found->organization_id))) {
    return Error::PermissionDenied(
        "Only admins of the organization may read call logs and telephone records: they hold "
        "callers' phone numbers.");
  }
  return std::move(*found);
}

Status CallRecordService::MaskAgentNumbers(const Principal& principal, const Hotline& hotline,
                                           std::vector<TelephoneRecord>& records) {
  const OrganizationId organization = hotline.organization_id;
  const auto is_fallback_number = [&hotline](const std::string& number) {
    // Compared with today's settings: a leg to a number the hotline no longer forwards to
    // stays masked, failing closed.
    return !number.empty() &&
           (number == hotline.no_answer.forward_to || number == hotline.closed.forward_to);
  };
  std::map<std::int64_t, bool> may_see;  // by agent user id: one membership read per agent
  for (TelephoneRecord& record : records) {
    if (record.direction != LegDirection::kOutbound) continue;
    bool visible = false;  // a leg to a phone whose owner is unknown is masked: fail closed
    if (!record.agent) {
      visible = is_fallback_number(record.to);
    } else {
      const UserId agent = record.agent->user;
      auto known = may_see.find(agent.value);
      if (known == may_see.end()) {
        // Read now, not cached across requests: withdrawn consent hides past calls at once.
        FR_ASSIGN_OR_RETURN(const auto membership,
                            organizations_.FindMembership(organization, agent));
        known = may_see
                    .emplace(agent.value,
                             MaySeeAgentNumber(principal, agent, organization, membership))
                    .first;
      }
      visible = known->second;
    }
    if (!visible) record.to = MaskedNumber(plan_, record.to);
  }
  return Ok();
}

Result<CallLogPage> CallRecordService::ListCallLogs(const Principal& principal, HotlineId hotline,
                                                    std::int64_t limit, std::int64_t offset,
                                                    const CallLogFilter& filter) {
  FR_RETURN_IF_ERROR(ReadableHotline(principal, hotline));
  return call_logs_.ListCallLogs(hotline, filter, limit, offset);
}

Result<CallLog> CallRecordService::GetCallLog(const Principal& principal, HotlineId hotline,
                                              CallLogId id) {
  FR_RETURN_IF_ERROR(ReadableHotline(principal, hotline));
  FR_ASSIGN_OR_RETURN(auto log, call_logs_.FindCallLog(hotline, id));
  if (!log) return Error::NotFound("No such call log for this hotline.");
  return std::move(*log);
}

Result<TelephoneRecordPage> CallRecordService::ListTelephoneRecords(const Principal& principal,
                                                                    HotlineId hotline,
                                                                    std::int64_t limit,
                                                                    std::int64_t offset) {
  FR_ASSIGN_OR_RETURN(const Hotline readable, ReadableHotline(principal, hotline));
  FR_ASSIGN_OR_RETURN(auto page, call_logs_.ListTelephoneRecords(hotline, limit, offset));
  FR_RETURN_IF_ERROR(MaskAgentNumbers(principal, readable, page.records));
  return page;
}

Result<CallLogPage> CallRecordService::ListCallLogsBefore(const Principal& principal,
                                                          HotlineId hotline,
                                                          std::optional<std::int64_t> before,
                                                          std::int64_t limit) {
  FR_RETURN_IF_ERROR(ReadableHotline(principal, hotline));
  return call_logs_.ListCallLogsBefore(hotline, before, limit);
}

Result<TelephoneRecordPage> CallRecordService::ListTelephoneRecordsBefore(
    const Principal& principal, HotlineId hotline, std::optional<std::int64_t> before,
    std::int64_t limit) {
  FR_ASSIGN_OR_RETURN(const Hotline readable, ReadableHotline(principal, hotline));
  FR_ASSIGN_OR_RETURN(auto page, call_logs_.ListTelephoneRecordsBefore(hotline, before, limit));
  FR_RETURN_IF_ERROR(MaskAgentNumbers(principal, readable, page.records));
  return page;
}

Result<std::int64_t> CallRecordService::PurgeExpired() {
  const Timestamp now = clock_.Now();
  std::int64_t purged = 0;
  // Organisations that keep less than the server first; then the server's own limit.
  while (true) {
    FR_ASSIGN_OR_RETURN(const std::int64_t chunk,
                        call_logs_.PurgeByOrganizationRetention(now, kPurgeChunk));
    purged += chunk;
    if (chunk < kPurgeChunk) break;
  }
  if (retention_.days == 0) return purged;
  const Timestamp cutoff = now - std::chrono::days(retention_.days);
  while (true) {
    FR_ASSIGN_OR_RETURN(const std::int64_t chunk,
                        call_logs_.PurgeEndedBefore(cutoff, kPurgeChunk));
    purged += chunk;
    if (chunk < kPurgeChunk) return purged;
  }
}

}  // namespace fr
