#include "adapters/http/json_io.hpp"
#include "adapters/http/request_bodies.hpp"
#include "adapters/http/resource_json.hpp"
#include "adapters/http/routes.hpp"

namespace fr::http {
namespace {

// JSON Lines: one object per line, {"data": …, "type": "callLog"}, each object written as its
// own endpoint writes it (decision 0047).
constexpr const char* kJsonLines = "application/x-ndjson";

class JsonLinesSink final : public ExportSink {
 public:
  explicit JsonLinesSink(std::string& out) : out_(out) {}

  void WriteOrganization(const Organization& organization) override {
    Line("organization", OrganizationJson(organization, std::nullopt));
  }
  void WriteHotline(const Hotline& hotline) override {
    Text("hotline", [&](JsonWriter& writer) { http::WriteHotline(writer, hotline); });
  }
  void WriteMember(const ExportedMember& member) override {
    Json phones = nullptr;  // withheld: the member does not consent
    if (member.agent_phones) {
      phones = Json::array();
      for (const AgentPhone& phone : *member.agent_phones) phones.push_back(AgentPhoneJson(phone));
    }
    Line("member", {{"agentPhones", std::move(phones)},
                    {"allowAdminAccess", member.membership.allow_admin_access},
                    {"name", member.name},
                    {"role", RoleName(member.membership.role)},
                    {"userID", member.membership.user_id.value}});
  }
  void WriteCallLog(const CallLog& log) override {
    Text("callLog", [&](JsonWriter& writer) { http::WriteCallLog(writer, log, true); });
  }
  void WriteTelephoneRecord(const TelephoneRecord& record) override {
    Text("telephoneRecord", [&](JsonWriter& writer) { WriteRecord(writer, record); });
  }
  void WriteVoicemail(const Voicemail& voicemail) override {
    Text("voicemail", [&](JsonWriter& writer) { http::WriteVoicemail(writer, voicemail); });
  }
  void WriteUser(const User& user) override {
    Line("user", {{"createdAt", FormatTimestamp(user.created_at)},
                  {"id", user.id.value},
                  {"name", user.name}});
  }
  void WriteMembership(const MembershipView& membership) override {
    Line("membership", MembershipJson(membership));
  }
  void WriteAgentPhone(const AgentPhone& phone) override {
    Line("agentPhone", AgentPhoneJson(phone));
  }
  void WriteToken(const Token& token) override {
    const auto at = [](const std::optional<Timestamp>& time) {
      return time ? Json(FormatTimestamp(*time)) : Json(nullptr);
    };
    // Never the secret's hash: it is a credential's verifier.
    Line("token", {{"createdAt", FormatTimestamp(token.created_at)},
                   {"expiresAt", at(token.expires_at)},
                   {"id", token.id.value},
                   {"kind", TokenKindName(token.kind)},
                   {"lastUsedAt", at(token.last_used_at)},
                   {"name", token.name},
                   {"revokedAt", at(token.revoked_at)}});
  }

  void WriteAuditEntry(const AuditEntry& entry) override {
    Line("auditEntry", AuditEntryJson(entry));
  }

  static Json OrganizationJson(const Organization& organization, std::optional<int> max_days) {
    Json json = {{"callRetentionDays", organization.call_retention_days
                                           ? Json(*organization.call_retention_days)
                                           : Json(nullptr)},
                 {"createdAt", FormatTimestamp(organization.created_at)},
                 {"id", organization.id.value},
                 {"name", organization.name}};
    if (max_days) json["maxCallRetentionDays"] = *max_days;
    return json;
  }

 private:
  void Line(const char* type, const Json& data) {
    out_ += Json{{"data", data}, {"type", type}}.dump();
    out_ += '\n';
  }
  template <typename Write>
  void Text(const char* type, Write&& write) {
    JsonWriter writer(out_);
    writer.BeginObject().Key("data");
    write(writer);
    writer.Member("type", type).EndObject();
    out_ += '\n';
  }

  std::string& out_;
};

Response JsonLinesResponse(std::string body) {
  Response response = JsonTextResponse(200, std::move(body));
  response.content_type = kJsonLines;
  return response;
}

struct PrivacyApi {
  PrivacyService& privacy;
  ExportService& exports;
};

HandlerResult GetOrganization(PrivacyApi& api, const RequestContext& context) {
  FR_ASSIGN_OR_RETURN(const std::int64_t id, PathId(context, "organizationID"));
  FR_ASSIGN_OR_RETURN(const Organization organization,
                      api.privacy.GetOrganization(*context.principal, OrganizationId(id)));
  return JsonResponse(
      200, JsonLinesSink::OrganizationJson(organization, api.privacy.MaxCallRetentionDays()));
}

HandlerResult PatchOrganization(PrivacyApi& api, const RequestContext& context) {
  FR_ASSIGN_OR_RETURN(const std::int64_t id, PathId(context, "organizationID"));
  FR_RETURN_IF_ERROR(RequireJsonBody(context.request));
  FR_ASSIGN_OR_RETURN(const auto days, DecodeCallRetention(context.request.body));
  FR_ASSIGN_OR_RETURN(
      const Organization organization,
      api.privacy.SetCallRetentionDays(*context.principal, OrganizationId(id), days));
  return JsonResponse(
      200, JsonLinesSink::OrganizationJson(organization, api.privacy.MaxCallRetentionDays()));
}

HandlerResult EraseCaller(PrivacyApi& api, const RequestContext& context) {
  FR_ASSIGN_OR_RETURN(const std::int64_t id, PathId(context, "organizationID"));
  FR_RETURN_IF_ERROR(RequireJsonBody(context.request));
  FR_ASSIGN_OR_RETURN(const std::string number, DecodeEraseCaller(context.request.body));
  FR_ASSIGN_OR_RETURN(const CallerErasure erased,
                      api.privacy.EraseCaller(*context.principal, OrganizationId(id), number));
  // The number is not echoed: the answer must not be one more copy of it.
  return JsonResponse(200, {{"callLogEntries", erased.call_log_entries},
                            {"callLogs", erased.call_logs},
                            {"telephoneRecords", erased.telephone_records}});
}

HandlerResult ExportOrganization(PrivacyApi& api, const RequestContext& context) {
  FR_ASSIGN_OR_RETURN(const std::int64_t id, PathId(context, "organizationID"));
  std::string body;
  JsonLinesSink sink(body);
  FR_RETURN_IF_ERROR(api.exports.ExportOrganization(*context.principal, OrganizationId(id), sink));
  return JsonLinesResponse(std::move(body));
}

HandlerResult ExportMine(PrivacyApi& api, const RequestContext& context) {
  std::string body;
  JsonLinesSink sink(body);
  FR_RETURN_IF_ERROR(api.exports.ExportMine(*context.principal, sink));
  return JsonLinesResponse(std::move(body));
}

}  // namespace

void AddPrivacyRoutes(Router& router, PrivacyService& privacy, ExportService& exports) {
  auto api = std::make_shared<PrivacyApi>(PrivacyApi{privacy, exports});
  using Function = HandlerResult (*)(PrivacyApi&, const RequestContext&);
  const auto bind = [api](Function handler) {
    return [api, handler](const RequestContext& context) { return handler(*api, context); };
  };
  router.Add({"GET", "/v1/organizations/{organizationID}", AuthPolicy::kTokenRequired,
              bind(GetOrganization)});
  router.Add({"PATCH", "/v1/organizations/{organizationID}", AuthPolicy::kTokenRequired,
              bind(PatchOrganization)});
  router.Add({"POST", "/v1/organizations/{organizationID}/privacy/erase-caller",
              AuthPolicy::kTokenRequired, bind(EraseCaller)});
  router.Add({"GET", "/v1/organizations/{organizationID}/export", AuthPolicy::kTokenRequired,
              bind(ExportOrganization)});
  router.Add({"GET", "/v1/me/export", AuthPolicy::kTokenRequired, bind(ExportMine)});
}

}  // namespace fr::http
