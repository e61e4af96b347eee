#include "adapters/http/json_io.hpp"
#include "adapters/http/resource_json.hpp"
#include "adapters/http/routes.hpp"

namespace fr::http {

Json AuditEntryJson(const AuditEntry& entry) {
  const auto id = [](const auto& optional) {
    return optional ? Json(optional->value) : Json(nullptr);
  };
  const auto number = [](const std::optional<std::int64_t>& optional) {
    return optional ? Json(*optional) : Json(nullptr);
  };
  return {{"actorTokenID", id(entry.actor.token)},
          {"actorUserID", id(entry.actor.user)},
          {"agentPhoneID", id(entry.subject.agent_phone)},
          {"count", number(entry.subject.count)},
          {"hotlineID", id(entry.subject.hotline)},
          {"id", entry.id.value},
          {"memberUserID", id(entry.subject.member)},
          {"organizationID", entry.organization.value},
          {"requestID", entry.actor.request_id},
          {"role", entry.subject.role ? Json(*entry.subject.role) : Json(nullptr)},
          {"sourceAddress", entry.actor.source_address},
          {"time", FormatTimestamp(entry.occurred_at)},
          {"tokenID", id(entry.subject.token)},
          {"type", AuditTypeName(entry.type)},
          {"webhookID", number(entry.subject.webhook)}};
}

namespace {

std::vector<std::string_view> SplitAtCommas(std::string_view text) {
  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    const std::size_t comma = text.find(',', start);
    parts.push_back(text.substr(start, comma - start));
    if (comma == std::string_view::npos) return parts;
    start = comma + 1;
  }
}

struct AuditQuery {
  AuditFilter filter;
  std::int64_t limit = 10;
  std::int64_t offset = 0;
};

// `type` (names separated by commas), `from`, `to` (RFC 3339), `limit`, `offset`. Errors:
// kInvalidArgument, every bad parameter at once.
Result<AuditQuery> ReadAuditQuery(const Request& request) {
  AuditQuery query;
  std::vector<FieldError> errors;
  const auto limit = QueryInt(request, "limit", 1, 50, 10);
  const auto offset = QueryInt(request, "offset", 0, INT64_MAX, 0);
  CollectFieldErrors(limit, errors);
  CollectFieldErrors(offset, errors);
  if (const auto types = request.Query("type")) {
    for (const std::string_view name : SplitAtCommas(*types)) {
      if (const auto type = AuditTypeFromName(name)) {
        query.filter.types.push_back(*type);
      } else {
        errors.push_back({"type", "'" + std::string(name) + "' is not an audit entry type"});
      }
    }
  }
  for (const auto& [name, bound] :
       {std::pair{"from", &query.filter.from}, std::pair{"to", &query.filter.to}}) {
    if (const auto raw = request.Query(name)) {
      *bound = ParseTimestamp(*raw);
      if (!*bound) errors.push_back({name, "must be an RFC 3339 time (2026-01-31T12:00:00Z)"});
    }
  }
  if (!errors.empty()) return Error::InvalidArgument("The query parameters are invalid.", errors);
  query.limit = *limit;
  query.offset = *offset;
  return query;
}

// An entry as a member sees one about their own phones (MyAuditEntry): no source address or
// request id, which only the organisation's admins see.
Json MyAuditEntryJson(const AuditEntry& entry) {
  Json json = AuditEntryJson(entry);
  json.erase("sourceAddress");
  json.erase("requestID");
  return json;
}

Response PageResponse(const AuditPage& page, Json (*entry_json)(const AuditEntry&)) {
  Json entries = Json::array();
  for (const AuditEntry& entry : page.entries) entries.push_back(entry_json(entry));
  return JsonResponse(200, {{"entries", std::move(entries)}, {"totalEntries", page.total}});
}

HandlerResult ListForOrganization(AuditLogService& audit, const RequestContext& context) {
  FR_ASSIGN_OR_RETURN(const std::int64_t id, PathId(context, "organizationID"));
  FR_ASSIGN_OR_RETURN(const AuditQuery query, ReadAuditQuery(context.request));
  FR_ASSIGN_OR_RETURN(const AuditPage page,
                      audit.ListForOrganization(*context.principal, OrganizationId(id),
                                                query.filter, query.limit, query.offset));
  return PageResponse(page, AuditEntryJson);
}

HandlerResult ListAboutMe(AuditLogService& audit, const RequestContext& context) {
  FR_ASSIGN_OR_RETURN(const AuditQuery query, ReadAuditQuery(context.request));
  FR_ASSIGN_OR_RETURN(const AuditPage page, audit.ListAboutMe(*context.principal, query.filter,
                                                              query.limit, query.offset));
  return PageResponse(page, MyAuditEntryJson);
}

}  // namespace

void AddAuditLogRoutes(Router& router, AuditLogService& audit) {
  const auto bind = [&audit](HandlerResult (*handler)(AuditLogService&, const RequestContext&)) {
    return [&audit, handler](const RequestContext& context) { return handler(audit, context); };
  };
  // GET only: no route changes or deletes an entry, so other methods answer 405.
  router.Add({"GET", "/v1/organizations/{organizationID}/audit-log", AuthPolicy::kTokenRequired,
              bind(ListForOrganization)});
  router.Add({"GET", "/v1/me/audit-log", AuthPolicy::kTokenRequired, bind(ListAboutMe)});
}

}  // namespace fr::http
