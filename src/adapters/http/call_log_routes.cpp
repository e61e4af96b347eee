#include "adapters/http/json_io.hpp"
#include "adapters/http/routes.hpp"

namespace fr::http {
namespace {

template <typename T, typename Convert>
Json OrNull(const std::optional<T>& value, Convert convert) {
  return value ? Json(convert(*value)) : Json(nullptr);
}

Json TimeOrNull(const std::optional<Timestamp>& time) { return OrNull(time, FormatTimestamp); }

Json CallLogSummaryJson(const CallLog& log) {
  Json answered_by = nullptr;
  if (log.answered_by) {
    answered_by = {{"agentPhoneID", log.answered_by->agent_phone.value},
                   {"userID", log.answered_by->user.value}};
  }
  return {{"answeredBy", std::move(answered_by)},
          {"caller", OrNull(log.caller, [](const std::string& caller) { return caller; })},
          {"durationSeconds", OrNull(DurationSeconds(log), [](std::int64_t s) { return s; })},
          {"endTime", TimeOrNull(log.end_time)},
          {"hotlineID", log.hotline.value},
          {"id", log.id.value},
          {"outcome", OrNull(log.outcome, CallOutcomeName)},
          {"startTime", FormatTimestamp(log.start_time)}};
}

Json EntryJson(const CallEntry& entry) {
  Json json = {{"time", FormatTimestamp(entry.time)}, {"type", CallEntryTypeName(entry.type)}};
  if (entry.user) json["userID"] = entry.user->value;
  if (entry.agent_phone) json["agentPhoneID"] = entry.agent_phone->value;
  if (entry.detail) json["detail"] = *entry.detail;
  return json;
}

Json RecordJson(const TelephoneRecord& record) {
  return {{"answerTime", TimeOrNull(record.answer_time)},
          {"billableSeconds", OrNull(BillableSeconds(record), [](std::int64_t s) { return s; })},
          {"callLogID", record.call_log.value},
          {"direction", LegDirectionName(record.direction)},
          {"disposition", OrNull(record.disposition, LegDispositionName)},
          {"endTime", TimeOrNull(record.end_time)},
          {"from", OrNull(record.from, [](const std::string& from) { return from; })},
          {"hotlineID", record.hotline.value},
          {"id", record.id.value},
          {"sipStatus", OrNull(record.sip_status, [](int status) { return status; })},
          {"packetLoss", OrNull(record.quality, [](const LegQuality& q) { return q.packet_loss; })},
          {"jitterMs", OrNull(record.quality, [](const LegQuality& q) { return q.jitter_ms; })},
          {"startTime", FormatTimestamp(record.start_time)},
          {"to", record.to},
          {"userID", OrNull(record.agent, [](const AgentPhoneRef& agent) { return agent.user.value; })},
          {"agentPhoneID", OrNull(record.agent, [](const AgentPhoneRef& agent) {
             return agent.agent_phone.value;
           })}};
}

struct PageQuery {
  HotlineId hotline;
  std::int64_t limit = 10;
  std::int64_t offset = 0;
};

// The hotline path id and the limit/offset parameters. Errors: kInvalidArgument, every bad
// parameter at once.
Result<PageQuery> ReadPageQuery(const RequestContext& context) {
  FR_ASSIGN_OR_RETURN(const std::int64_t hotline, PathId(context, "hotlineID"));
  const auto limit = QueryInt(context.request, "limit", 1, 50, 10);
  const auto offset = QueryInt(context.request, "offset", 0, INT64_MAX, 0);
  std::vector<FieldError> errors;
  CollectFieldErrors(limit, errors);
  CollectFieldErrors(offset, errors);
  if (!errors.empty()) return Error::InvalidArgument("The query parameters are invalid.", errors);
  return PageQuery{HotlineId(hotline), *limit, *offset};
}

HandlerResult ListCallLogs(CallRecordService& records, const RequestContext& context) {
  FR_ASSIGN_OR_RETURN(const PageQuery query, ReadPageQuery(context));
  FR_ASSIGN_OR_RETURN(const auto page, records.ListCallLogs(*context.principal, query.hotline,
                                                            query.limit, query.offset));
  Json items = Json::array();
  for (const CallLog& log : page.call_logs) items.push_back(CallLogSummaryJson(log));
  return JsonResponse(200, {{"callLogs", std::move(items)}, {"totalCallLogs", page.total}});
}

HandlerResult GetCallLog(CallRecordService& records, const RequestContext& context) {
  FR_ASSIGN_OR_RETURN(const std::int64_t hotline, PathId(context, "hotlineID"));
  FR_ASSIGN_OR_RETURN(const std::int64_t log_id, PathId(context, "logID"));
  FR_ASSIGN_OR_RETURN(const CallLog log, records.GetCallLog(*context.principal, HotlineId(hotline),
                                                            CallLogId(log_id)));
  Json json = CallLogSummaryJson(log);
  Json entries = Json::array();
  for (const CallEntry& entry : log.entries) entries.push_back(EntryJson(entry));
  json["entries"] = std::move(entries);
  return JsonResponse(200, json);
}

HandlerResult ListTelephoneRecords(CallRecordService& records, const RequestContext& context) {
  FR_ASSIGN_OR_RETURN(const PageQuery query, ReadPageQuery(context));
  FR_ASSIGN_OR_RETURN(
      const auto page,
      records.ListTelephoneRecords(*context.principal, query.hotline, query.limit, query.offset));
  Json items = Json::array();
  for (const TelephoneRecord& record : page.records) items.push_back(RecordJson(record));
  return JsonResponse(200, {{"records", std::move(items)}, {"totalRecords", page.total}});
}

}  // namespace

void AddCallLogRoutes(Router& router, CallRecordService& records) {
  using Function = HandlerResult (*)(CallRecordService&, const RequestContext&);
  const auto bind = [&records](Function handler) {
    return [&records, handler](const RequestContext& context) {
      return handler(records, context);
    };
  };
  router.Add({"GET", "/v1/hotlines/{hotlineID}/call-logs", AuthPolicy::kTokenRequired,
              bind(ListCallLogs)});
  router.Add({"GET", "/v1/hotlines/{hotlineID}/call-logs/{logID}", AuthPolicy::kTokenRequired,
              bind(GetCallLog)});
  router.Add({"GET", "/v1/hotlines/{hotlineID}/telephone-records", AuthPolicy::kTokenRequired,
              bind(ListTelephoneRecords)});
}

}  // namespace fr::http
