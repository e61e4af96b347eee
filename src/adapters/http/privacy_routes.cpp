#include <spdlog/spdlog.h>

#include "adapters/http/export_runner.hpp"
#include "adapters/http/json_io.hpp"
#include "adapters/http/request_bodies.hpp"
#include "adapters/http/resource_json.hpp"
#include "adapters/http/routes.hpp"
#include "domain/audit/audit.hpp"

namespace fr::http {
namespace {

// JSON Lines: one object per line, {"data": …, "type": "callLog"}, each object written as its
// own endpoint writes it (decision 0047).
constexpr const char* kJsonLines = "application/x-ndjson";

// Writes the export to a streamed response in chunks of about `chunk_bytes`, each sent before
// the next is made (ResponseStream::WriteAndWait): what an export holds in memory is one chunk
// and the page being read, whatever the organisation's size (decision 0047).
// The error line's detail: a requester whose right ended must not be told to ask again.
const char* PartWayDetail(const Error& error) {
  if (error.code == ErrorCode::kPermissionDenied) {
    return "The export stopped part-way and is incomplete: its token was revoked or expired, or "
           "its user is no longer an admin of the organization.";
  }
  return "The export stopped part-way and is incomplete; ask again.";
}

class JsonLinesSink final : public ExportSink {
 public:
  JsonLinesSink(std::shared_ptr<ResponseStream> stream, const ExportRunner& runner)
      : stream_(std::move(stream)), runner_(runner) {
    out_.reserve(runner_.options().chunk_bytes + 4096);
  }

  bool Gone() const override { return gone_; }

  // Sends what is left. When the export failed part-way (`status`), a last line
  // {"data":{"detail":…,"requestID":…},"type":"error"} says the export is incomplete: the 200
  // and the first lines went out already.
  void Finish(const Status& status, const std::string& request_id) {
    if (!status.ok() && !gone_) {
      spdlog::warn("export {}: stopped part-way: {}", request_id, status.error().detail);
      Line("error", {{"detail", PartWayDetail(status.error())}, {"requestID", request_id}});
    }
    Flush();
  }

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
    Written();
  }
  template <typename Write>
  void Text(const char* type, Write&& write) {
    JsonWriter writer(out_);
    writer.BeginObject().Key("data");
    write(writer);
    writer.Member("type", type).EndObject();
    out_ += '\n';
    Written();
  }
  void Written() {
    if (out_.size() >= runner_.options().chunk_bytes) Flush();
  }
  void Flush() {
    if (gone_ || runner_.stopping()) {
      gone_ = true;
      out_.clear();
      return;
    }
    if (out_.empty()) return;
    std::string chunk;
    chunk.reserve(runner_.options().chunk_bytes + 4096);
    chunk.swap(out_);
    gone_ = !stream_->WriteAndWait(std::move(chunk), runner_.options().write_timeout);
  }

  const std::shared_ptr<ResponseStream> stream_;
  const ExportRunner& runner_;
  std::string out_;  // lines not yet sent
  bool gone_ = false;
};

struct PrivacyApi {
  PrivacyService& privacy;
  ExportService& exports;
  ExportRunner& runner;
};

// A 200 of JSON Lines whose body `export_to` writes on one of the runner's threads, once the
// headers went out. Errors: 429 when the runner runs as many exports as it may.
HandlerResult StreamedExport(PrivacyApi& api, const RequestContext& context,
                             std::function<Status(ExportSink&)> export_to) {
  const Principal& principal = *context.principal;
  const std::string requester = principal.IsUser()
                                    ? "user " + std::to_string(principal.user_id.value)
                                    : "token " + std::to_string(principal.token_id.value);
  auto slot = api.runner.Reserve(requester);
  if (!slot) {
    return HandlerError(TooManyRequestsProblem(
        "An export of yours is still running, or as many exports as this server runs at once "
        "are running; try again in a minute."));
  }
  // The request's actor goes along: the export's own audit entry names who asked (decision 0058).
  std::optional<AuditActor> actor;
  if (const AuditActor* current = AuditScope::Current()) actor = *current;
  Response response;
  response.content_type = kJsonLines;
  response.stream = [&runner = api.runner, slot = std::move(slot),
                     export_to = std::move(export_to), request_id = context.request.request_id,
                     actor](std::shared_ptr<ResponseStream> stream) mutable {
    runner.Run(std::move(slot), [&runner, stream = std::move(stream),
                                 export_to = std::move(export_to), request_id, actor]() mutable {
      std::optional<AuditScope> scope;
      if (actor) scope.emplace(*actor);
      JsonLinesSink sink(std::move(stream), runner);
      const Status exported = export_to(sink);
      sink.Finish(exported, request_id);
    });
  };
  return response;
}

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

// The checks come first, so that a refusal is a problem answer, not a 200 that ends at once.
HandlerResult ExportOrganization(PrivacyApi& api, const RequestContext& context) {
  FR_ASSIGN_OR_RETURN(const std::int64_t id, PathId(context, "organizationID"));
  const OrganizationId organization(id);
  FR_RETURN_IF_ERROR(api.exports.MayExportOrganization(*context.principal, organization));
  return StreamedExport(api, context,
                        [&exports = api.exports, principal = *context.principal,
                         organization](ExportSink& sink) {
                          return exports.ExportOrganization(principal, organization, sink);
                        });
}

HandlerResult ExportMine(PrivacyApi& api, const RequestContext& context) {
  FR_RETURN_IF_ERROR(api.exports.MayExportMine(*context.principal));
  return StreamedExport(api, context,
                        [&exports = api.exports, principal = *context.principal](ExportSink& sink) {
                          return exports.ExportMine(principal, sink);
                        });
}

}  // namespace

void AddPrivacyRoutes(Router& router, PrivacyService& privacy, ExportService& exports,
                      ExportRunner& runner) {
  auto api = std::make_shared<PrivacyApi>(PrivacyApi{privacy, exports, runner});
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
