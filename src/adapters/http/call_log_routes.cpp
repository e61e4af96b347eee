#include "adapters/http/json_io.hpp"
#include "adapters/http/json_writer.hpp"
#include "adapters/http/resource_json.hpp"
#include "adapters/http/routes.hpp"

namespace fr::http {
namespace {

// Call logs, entries and records are written straight as text (JsonWriter): a page holds fifty
// of them (issue #12). Members go in sorted order, as a Json object would write them.

void WriteEntry(JsonWriter& writer, const CallEntry& entry) {
  writer.BeginObject();
  if (entry.agent_phone) writer.Member("agentPhoneID", entry.agent_phone->value);
  if (entry.detail) writer.Member("detail", *entry.detail);
  writer.Member("time", FormatTimestamp(entry.time)).Member("type", CallEntryTypeName(entry.type));
  if (entry.user) writer.Member("userID", entry.user->value);
  writer.EndObject();
}

}  // namespace

void WriteCallLog(JsonWriter& writer, const CallLog& log, bool with_entries) {
  writer.BeginObject().Key("answeredBy");
  if (log.answered_by) {
    writer.BeginObject()
        .Member("agentPhoneID", log.answered_by->agent_phone.value)
        .Member("userID", log.answered_by->user.value)
        .EndObject();
  } else {
    writer.Null();
  }
  writer.Member("caller", log.caller)
      .Member("durationSeconds", DurationSeconds(log))
      .Member("endTime", log.end_time, FormatTimestamp);
  if (with_entries) {
    writer.Key("entries").BeginArray();
    for (const CallEntry& entry : log.entries) WriteEntry(writer, entry);
    writer.EndArray();
  }
  writer.Member("hotlineID", log.hotline.value)
      .Member("id", log.id.value)
      .Member("outcome", log.outcome, CallOutcomeName)
      .Member("startTime", FormatTimestamp(log.start_time));
  if (log.voicemail) writer.Member("voicemailID", log.voicemail->value);
  writer.EndObject();
}

namespace {

std::int64_t AgentPhoneOf(const AgentPhoneRef& agent) { return agent.agent_phone.value; }
std::int64_t UserOf(const AgentPhoneRef& agent) { return agent.user.value; }

}  // namespace

void WriteRecord(JsonWriter& writer, const TelephoneRecord& record) {
  writer.BeginObject()
      .Member("agentPhoneID", record.agent, AgentPhoneOf)
      .Member("answerTime", record.answer_time, FormatTimestamp)
      .Member("billableSeconds", BillableSeconds(record))
      .Member("callLogID", record.call_log.value)
      .Member("direction", LegDirectionName(record.direction))
      .Member("disposition", record.disposition, LegDispositionName)
      .Member("endTime", record.end_time, FormatTimestamp)
      .Member("from", record.from)
      .Member("hotlineID", record.hotline.value)
      .Member("id", record.id.value)
      .Member("jitterMs", record.quality, &LegQuality::jitter_ms)
      .Member("packetLoss", record.quality, &LegQuality::packet_loss)
      .Member("sipStatus", record.sip_status)
      .Member("startTime", FormatTimestamp(record.start_time))
      .Member("to", record.to)
      .Member("userID", record.agent, UserOf)
      .EndObject();
}

namespace {

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

// Our extension of the call-log list: `outcome` (a CallOutcome name), `from` and `to` (RFC 3339,
// the call's start; `to` exclusive). Errors: kInvalidArgument, every bad parameter at once.
Result<CallLogFilter> ReadCallLogFilter(const Request& request) {
  CallLogFilter filter;
  std::vector<FieldError> errors;
  if (const auto outcome = request.Query("outcome")) {
    filter.outcome = ParseCallOutcome(*outcome);
    if (!filter.outcome) errors.push_back({"outcome", "is not a call outcome"});
  }
  for (const auto& [name, bound] : {std::pair{"from", &filter.from}, std::pair{"to", &filter.to}}) {
    if (const auto raw = request.Query(name)) {
      *bound = ParseTimestamp(*raw);
      if (!*bound) errors.push_back({name, "must be an RFC 3339 time (2026-01-31T12:00:00Z)"});
    }
  }
  if (!errors.empty()) return Error::InvalidArgument("The query parameters are invalid.", errors);
  return filter;
}

HandlerResult ListCallLogs(CallRecordService& records, const RequestContext& context) {
  FR_ASSIGN_OR_RETURN(const PageQuery query, ReadPageQuery(context));
  FR_ASSIGN_OR_RETURN(const CallLogFilter filter, ReadCallLogFilter(context.request));
  FR_ASSIGN_OR_RETURN(const auto page, records.ListCallLogs(*context.principal, query.hotline,
                                                            query.limit, query.offset, filter));
  return JsonTextResponse(200, PageJson("callLogs", page.call_logs, "totalCallLogs", page.total,
                                        [](JsonWriter& writer, const CallLog& log) {
                                          WriteCallLog(writer, log, false);
                                        }));
}

HandlerResult GetCallLog(CallRecordService& records, const RequestContext& context) {
  FR_ASSIGN_OR_RETURN(const std::int64_t hotline, PathId(context, "hotlineID"));
  FR_ASSIGN_OR_RETURN(const std::int64_t log_id, PathId(context, "logID"));
  FR_ASSIGN_OR_RETURN(const CallLog log, records.GetCallLog(*context.principal, HotlineId(hotline),
                                                            CallLogId(log_id)));
  std::string body;
  JsonWriter writer(body);
  WriteCallLog(writer, log, true);
  return JsonTextResponse(200, std::move(body));
}

HandlerResult ListTelephoneRecords(CallRecordService& records, const RequestContext& context) {
  FR_ASSIGN_OR_RETURN(const PageQuery query, ReadPageQuery(context));
  FR_ASSIGN_OR_RETURN(
      const auto page,
      records.ListTelephoneRecords(*context.principal, query.hotline, query.limit, query.offset));
  return JsonTextResponse(
      200, PageJson("records", page.records, "totalRecords", page.total, WriteRecord));
}

}  // namespace

void AddCallLogRoutes(Router& router, CallRecordService& records) {
  using Function = HandlerResult (*)(CallRecordService&, const RequestContext&);
  const auto bind = [&records](Function handler) {
    return [&records, handler](const RequestContext& context) { return handler(records, context); };
  };
  router.Add({"GET", "/v1/hotlines/{hotlineID}/call-logs", AuthPolicy::kTokenRequired,
              bind(ListCallLogs)});
  router.Add({"GET", "/v1/hotlines/{hotlineID}/call-logs/{logID}", AuthPolicy::kTokenRequired,
              bind(GetCallLog)});
  router.Add({"GET", "/v1/hotlines/{hotlineID}/telephone-records", AuthPolicy::kTokenRequired,
              bind(ListTelephoneRecords)});
}

}  // namespace fr::http
