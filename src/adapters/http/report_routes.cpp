#include <charconv>

#include "adapters/http/json_io.hpp"
#include "adapters/http/routes.hpp"

namespace fr::http {
namespace {

// The report's query: from and to (required), bucket (day) and timeZone (UTC). Errors:
// kInvalidArgument naming every bad parameter at once.
Result<ReportPeriod> ReadPeriod(const Request& request) {
  std::vector<FieldError> errors;
  ReportPeriod period;
  if (const auto zone = request.Query("timeZone")) period.time_zone = std::string(*zone);
  const bool zone_known = IsKnownTimeZone(period.time_zone);
  if (!zone_known) {
    errors.push_back({"timeZone", "must be an IANA time zone such as Europe/Berlin"});
  }
  if (const auto bucket = request.Query("bucket")) {
    const auto parsed = ParseReportBucket(*bucket);
    if (parsed) period.bucket = *parsed;
    if (!parsed) errors.push_back({"bucket", "must be hour, day or week"});
  }
  const auto bound = [&](const char* name, Timestamp& into) {
    const auto text = request.Query(name);
    if (!text) {
      errors.push_back({name, "is required: a date YYYY-MM-DD or an RFC 3339 date-time"});
      return;
    }
    if (!zone_known) return;  // a date means nothing without its zone
    const auto parsed = ParseReportTime(*text, period.time_zone);
    if (parsed) into = *parsed;
    if (!parsed) errors.push_back({name, "must be a date YYYY-MM-DD or an RFC 3339 date-time"});
  };
  bound("from", period.from);
  bound("to", period.to);
  if (!errors.empty()) return Error::InvalidArgument("The query parameters are invalid.", errors);
  return period;
}

Json Seconds(const std::optional<std::int64_t>& ms) {
  return ms ? Json(static_cast<double>(*ms) / 1000.0) : Json(nullptr);
}

Json BucketJson(const ReportBucketRange& range, const CallBucketTotals& totals) {
  Json outcomes = Json::object();
  for (std::size_t i = 0; i < kReportedOutcomes; ++i) {
    outcomes[CallOutcomeName(static_cast<CallOutcome>(i))] = totals.by_outcome[i];
  }
  outcomes["in_progress"] = totals.in_progress;
  const auto rate = AnswerRate(totals);
  return Json{{"start", FormatTimestamp(range.start)},
              {"end", FormatTimestamp(range.end)},
              {"localStart", range.local_start},
              {"calls", TotalCalls(totals)},
              {"outcomes", std::move(outcomes)},
              {"answerRate", rate ? Json(*rate) : Json(nullptr)},
              {"medianSecondsToAnswer", Seconds(totals.median_ms_to_answer)},
              {"p90SecondsToAnswer", Seconds(totals.p90_ms_to_answer)},
              {"medianTalkSeconds", Seconds(totals.median_talk_ms)}};
}

Json ReportJson(HotlineId hotline, const CallReport& report) {
  Json buckets = Json::array();
  for (std::size_t i = 0; i < report.buckets.size(); ++i) {
    buckets.push_back(BucketJson(report.buckets[i], report.totals[i]));
  }
  Json agents = Json::array();
  for (const AgentCallTotals& agent : report.agents) {
    agents.push_back({{"userID", agent.user.value},
                      {"answered", agent.answered},
                      {"declined", agent.declined},
                      {"notAnswered", agent.not_answered},
                      {"notConfirmed", agent.not_confirmed}});
  }
  return Json{{"hotlineID", hotline.value},
              {"from", FormatTimestamp(report.period.from)},
              {"to", FormatTimestamp(report.period.to)},
              {"bucket", ReportBucketName(report.period.bucket)},
              {"timeZone", report.period.time_zone},
              {"buckets", std::move(buckets)},
              {"agents", std::move(agents)}};
}

// ---- CSV (RFC 4180): one table, a row per bucket and then a row per agent ----

constexpr const char* kCsvHeader =
    "section,start,end,localStart,userID,calls,answered,missed,abandoned,rejected_busy,failed,"
    "blocked,closed,voicemail,forwarded,in_progress,answerRate,medianSecondsToAnswer,"
    "p90SecondsToAnswer,"
    "medianTalkSeconds,declined,notAnswered,notConfirmed";

// A field, quoted when it holds a comma, a quote or a line break (its quotes doubled).
void AppendField(std::string& line, std::string_view field) {
  if (!line.empty()) line += ',';
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) {
    line += field;
    return;
  }
  line += '"';
  for (const char c : field) {
    if (c == '"') line += '"';
    line += c;
  }
  line += '"';
}

// Milliseconds as seconds with no more digits than needed: 9500 → "9.5".
std::string SecondsText(const std::optional<std::int64_t>& ms) {
  if (!ms) return "";
  std::string text = std::to_string(*ms / 1000);
  const std::int64_t fraction = *ms % 1000;
  if (fraction == 0) return text;
  std::string digits = std::to_string(1000 + (fraction < 0 ? -fraction : fraction)).substr(1);
  while (digits.back() == '0') digits.pop_back();
  return text + "." + digits;
}

std::string RateText(const std::optional<double>& rate) {
  if (!rate) return "";
  char buffer[32];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, *rate).ptr;
  return std::string(buffer, end);
}

std::string ReportCsv(const CallReport& report) {
  std::string csv = std::string(kCsvHeader) + "\r\n";
  const auto emit = [&csv](const std::vector<std::string>& fields) {
    std::string line;
    for (const std::string& field : fields) AppendField(line, field);
    csv += line + "\r\n";
  };
  for (std::size_t i = 0; i < report.buckets.size(); ++i) {
    const ReportBucketRange& range = report.buckets[i];
    const CallBucketTotals& totals = report.totals[i];
    std::vector<std::string> fields = {
        "bucket", FormatTimestamp(range.start),      FormatTimestamp(range.end), range.local_start,
        "",       std::to_string(TotalCalls(totals))};
    for (const std::int64_t calls : totals.by_outcome) fields.push_back(std::to_string(calls));
    fields.push_back(std::to_string(totals.in_progress));
    fields.push_back(RateText(AnswerRate(totals)));
    fields.push_back(SecondsText(totals.median_ms_to_answer));
    fields.push_back(SecondsText(totals.p90_ms_to_answer));
    fields.push_back(SecondsText(totals.median_talk_ms));
    fields.insert(fields.end(), {"", "", ""});
    emit(fields);
  }
  for (const AgentCallTotals& agent : report.agents) {
    std::vector<std::string> fields = {"agent",
                                       FormatTimestamp(report.period.from),
                                       FormatTimestamp(report.period.to),
                                       "",
                                       std::to_string(agent.user.value),
                                       "",
                                       std::to_string(agent.answered)};
    fields.insert(fields.end(), kReportedOutcomes + 4, "");  // missed … medianTalkSeconds
    fields.push_back(std::to_string(agent.declined));
    fields.push_back(std::to_string(agent.not_answered));
    fields.push_back(std::to_string(agent.not_confirmed));
    emit(fields);
  }
  return csv;
}

Result<CallReport> ReadReport(CallReportService& reports, const RequestContext& context,
                              HotlineId& hotline) {
  FR_ASSIGN_OR_RETURN(const std::int64_t id, PathId(context, "hotlineID"));
  hotline = HotlineId(id);
  FR_ASSIGN_OR_RETURN(const ReportPeriod period, ReadPeriod(context.request));
  return reports.Report(*context.principal, hotline, period);
}

HandlerResult GetReport(CallReportService& reports, const RequestContext& context) {
  HotlineId hotline;
  FR_ASSIGN_OR_RETURN(const CallReport report, ReadReport(reports, context, hotline));
  return JsonResponse(200, ReportJson(hotline, report));
}

HandlerResult GetReportCsv(CallReportService& reports, const RequestContext& context) {
  HotlineId hotline;
  FR_ASSIGN_OR_RETURN(const CallReport report, ReadReport(reports, context, hotline));
  Response response;
  response.content_type = "text/csv; charset=utf-8; header=present";
  response.body = ReportCsv(report);
  return std::move(response).WithHeader(
      "Content-Disposition",
      "attachment; filename=\"hotline-" + std::to_string(hotline.value) + "-calls.csv\"");
}

}  // namespace

void AddReportRoutes(Router& router, CallReportService& reports) {
  router.Add({"GET", "/v1/hotlines/{hotlineID}/reports/calls", AuthPolicy::kTokenRequired,
              [&reports](const RequestContext& context) { return GetReport(reports, context); }});
  router.Add(
      {"GET", "/v1/hotlines/{hotlineID}/reports/calls.csv", AuthPolicy::kTokenRequired,
       [&reports](const RequestContext& context) { return GetReportCsv(reports, context); }});
}

}  // namespace fr::http
