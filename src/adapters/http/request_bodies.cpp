#include "adapters/http/request_bodies.hpp"

#include <array>
#include <utility>
#include <vector>

#include "adapters/http/json_io.hpp"
#include "common/text.hpp"

namespace fr::http {
namespace {

// The body's `names`, each a required string, in that order.
template <std::size_t N>
Result<std::array<std::string, N>> RequiredStrings(std::string_view body,
                                                   const std::array<const char*, N>& names) {
  FR_ASSIGN_OR_RETURN(const Json object, ParseJsonObject(body));
  FieldReader reader(object);
  std::array<std::optional<std::string>, N> read;
  for (std::size_t i = 0; i < N; ++i) read[i] = reader.String(names[i], true);
  FR_RETURN_IF_ERROR(reader.Finish());
  std::array<std::string, N> fields;
  for (std::size_t i = 0; i < N; ++i) fields[i] = std::move(*read[i]);
  return fields;
}

// The optional `schedule` object: timeZone, weekly ranges, closedDates (decision 0042). A
// range or date of the wrong type keeps its place (empty), so that errors name its index.
std::optional<ScheduleDraft> DecodeSchedule(FieldReader& reader) {
  const Json* object = reader.Object("schedule", false);
  if (object == nullptr) return std::nullopt;
  FieldReader fields(*object);
  ScheduleDraft draft;
  draft.time_zone = fields.String("timeZone", true).value_or("");
  if (const Json* weekly = fields.Array("weekly", true)) {
    for (std::size_t i = 0; i < weekly->size(); ++i) {
      const std::string name = "weekly[" + std::to_string(i) + "]";
      const Json& item = (*weekly)[i];
      if (!item.is_object()) {
        fields.AddError(name, "must be an object with day, from and to");
        draft.weekly.push_back({});
        continue;
      }
      FieldReader range(item);
      draft.weekly.push_back({range.String("day", true).value_or(""),
                              range.String("from", true).value_or(""),
                              range.String("to", true).value_or("")});
      fields.AddNestedErrors(name, range.errors());
    }
  }
  if (const Json* dates = fields.Array("closedDates", false)) {
    for (std::size_t i = 0; i < dates->size(); ++i) {
      const Json& item = (*dates)[i];
      if (!item.is_string()) {
        fields.AddError("closedDates[" + std::to_string(i) + "]", "must be a string");
        draft.closed_dates.push_back("");
        continue;
      }
      draft.closed_dates.push_back(item.get<std::string>());
    }
  }
  reader.AddNestedErrors("schedule", fields.errors());
  return draft;
}

// The optional fallback object `key` ("noAnswer", "closed"): an action and its fields. The
// range of maxSeconds is the domain's check (ValidateHotline), so only its type is read here.
FallbackDraft DecodeFallback(FieldReader& reader, std::string_view key) {
  FallbackDraft draft;
  const Json* object = reader.Object(key, false);
  if (object == nullptr) return draft;
  FieldReader fields(*object);
  draft.action = fields.String("action", true).value_or("message");
  draft.tts_voicemail = fields.String("ttsVoicemail", false).value_or("");
  draft.max_seconds = static_cast<int>(
      fields.Int64("maxSeconds", false, INT32_MIN, INT32_MAX).value_or(kDefaultVoicemailSeconds));
  draft.forward_to = fields.String("forwardTo", false).value_or("");
  reader.AddNestedErrors(std::string(key), fields.errors());
  return draft;
}

}  // namespace

Result<AgentPhoneDraft> DecodeAgentPhoneDraft(std::string_view body,
                                              std::optional<std::int64_t> path_id,
                                              const NumberingPlan& plan) {
  FR_ASSIGN_OR_RETURN(const Json object, ParseJsonObject(body));
  FieldReader reader(object);
  AgentPhoneDraft draft;
  draft.is_active = reader.Bool("isActive", true).value_or(false);
  draft.name = reader.String("name", true).value_or("");
  draft.phone = reader.String("phone", true).value_or("");
  draft.user_id = UserId(reader.Int64("userID", true, 1, INT64_MAX).value_or(0));
  if (path_id) CheckBodyId(reader, *path_id);
  if (reader.errors().empty()) return draft;
  std::vector<FieldError> errors = std::move(reader.errors());
  if (const auto validated = ValidateAgentPhone(draft, plan); !validated.ok()) {
    MergeFieldErrors(errors, validated.error().field_errors);
  }
  return Error::InvalidArgument("The agent phone is invalid.", std::move(errors));
}

Result<HotlineDraft> DecodeHotlineDraft(std::string_view body,
                                        std::optional<std::int64_t> path_id,
                                        const NumberingPlan& plan) {
  FR_ASSIGN_OR_RETURN(const Json object, ParseJsonObject(body));
  FieldReader reader(object);
  HotlineDraft draft;
  draft.agents = reader.Int64Array("agents", true).value_or(std::vector<std::int64_t>{});
  draft.channels_inbound = static_cast<int>(
      reader.Int64("channelsInbound", false, 1, kMaxChannels).value_or(kDefaultChannels));
  draft.channels_outbound = static_cast<int>(
      reader.Int64("channelsOutbound", false, 1, kMaxChannels).value_or(kDefaultChannels));
  draft.confirm_answer = reader.Bool("confirmAnswer", false).value_or(true);
  draft.is_active = reader.Bool("isActive", true).value_or(true);
  draft.name = reader.String("name", true).value_or("");
  draft.organization_id =
      OrganizationId(reader.Int64("organizationID", true, 1, INT64_MAX).value_or(0));
  draft.tts_inbound = reader.String("ttsInbound", false).value_or("");
  draft.tts_outbound = reader.String("ttsOutbound", false).value_or("");
  draft.tts_closed = reader.String("ttsClosed", false).value_or("");
  draft.language = reader.String("language", false).value_or("");
  draft.reject_anonymous = reader.Bool("rejectAnonymous", false).value_or(false);
  draft.schedule = DecodeSchedule(reader);
  draft.no_answer = DecodeFallback(reader, "noAnswer");
  draft.closed = DecodeFallback(reader, "closed");
  if (path_id) CheckBodyId(reader, *path_id);
  if (reader.errors().empty()) return draft;
  std::vector<FieldError> errors = std::move(reader.errors());
  if (const auto validated = ValidateHotline(draft, plan); !validated.ok()) {
    MergeFieldErrors(errors, validated.error().field_errors);
  }
  return Error::InvalidArgument("The hotline is invalid.", std::move(errors));
}

Result<BlockedCallerDraft> DecodeBlockedCallerDraft(std::string_view body,
                                                    const NumberingPlan& plan) {
  FR_ASSIGN_OR_RETURN(const Json object, ParseJsonObject(body));
  FieldReader reader(object);
  BlockedCallerDraft draft;
  draft.number = reader.String("number", true).value_or("");
  draft.note = reader.String("note", false).value_or("");
  if (const auto expires = reader.String("expiresAt", false)) {
    draft.expires_at = ParseTimestamp(*expires);
    if (!draft.expires_at) {
      reader.AddError("expiresAt", "must be an RFC 3339 date-time such as 2026-12-24T18:00:00Z");
    }
  }
  if (reader.errors().empty()) return draft;
  std::vector<FieldError> errors = std::move(reader.errors());
  // The number and note are checked now too; the expiry only by the service, which knows the
  // time (Timestamp::min() here never makes it "in the past").
  const auto validated =
      ValidateBlockedCaller(draft, OrganizationId(1), plan, Timestamp::min());
  if (!validated.ok()) MergeFieldErrors(errors, validated.error().field_errors);
  return Error::InvalidArgument("The blocked caller is invalid.", std::move(errors));
}

Result<SipCustomer> DecodeSipCustomer(std::string_view body, const NumberingPlan& plan) {
  FR_ASSIGN_OR_RETURN(const Json object, ParseJsonObject(body));
  FieldReader reader(object);
  SipCustomer draft;
  draft.city = reader.String("city", true).value_or("");
  draft.city_code = reader.String("cityCode", true).value_or("");
  draft.country = reader.String("country", true).value_or("");
  draft.name = reader.String("name", true).value_or("");
  draft.organization_id =
      OrganizationId(reader.Int64("organizationID", true, INT64_MIN, INT64_MAX).value_or(0));
  draft.street = reader.String("street", true).value_or("");
  draft.street_housenumber =
      reader.Int64("streetHousenumber", true, INT64_MIN, INT64_MAX).value_or(0);
  auto validated = ValidateSipCustomer(draft, plan);
  if (reader.errors().empty()) return validated;
  std::vector<FieldError> errors = std::move(reader.errors());
  if (!validated.ok()) MergeFieldErrors(errors, validated.error().field_errors);
  return Error::InvalidArgument("The SIP customer account is invalid.", std::move(errors));
}

Result<WebhookDraft> DecodeWebhookDraft(std::string_view body, OrganizationId organization,
                                        std::optional<std::int64_t> path_id) {
  FR_ASSIGN_OR_RETURN(const Json object, ParseJsonObject(body));
  FieldReader reader(object);
  WebhookDraft draft;
  draft.organization_id = organization;
  draft.event_types = reader.StringArray("eventTypes", true).value_or(std::vector<std::string>{});
  draft.include_caller_number = reader.Bool("includeCallerNumber", false).value_or(false);
  draft.is_active = reader.Bool("isActive", false).value_or(true);
  draft.url = reader.String("url", true).value_or("");
  if (const auto body_organization = reader.Int64("organizationID", false, 0, INT64_MAX);
      body_organization && *body_organization != 0 &&
      *body_organization != organization.value) {
    reader.AddError("organizationID", "must be absent or the organization of the path");
  }
  if (path_id) CheckBodyId(reader, *path_id);
  if (reader.errors().empty()) return draft;
  std::vector<FieldError> errors = std::move(reader.errors());
  if (const auto validated = ValidateWebhook(draft); !validated.ok()) {
    MergeFieldErrors(errors, validated.error().field_errors);
  }
  return Error::InvalidArgument("The webhook is invalid.", std::move(errors));
}

Result<bool> DecodeAdminAccessConsent(std::string_view body) {
  FR_ASSIGN_OR_RETURN(const Json object, ParseJsonObject(body));
  FieldReader reader(object);
  const auto allow = reader.Bool("allowAdminAccess", true);
  FR_RETURN_IF_ERROR(reader.Finish());
  return *allow;
}

Result<SignInBody> DecodeSignIn(std::string_view body) {
  FR_ASSIGN_OR_RETURN(auto fields, RequiredStrings<2>(body, {"email", "password"}));
  return SignInBody{std::move(fields[0]), std::move(fields[1])};
}

Result<SetPasswordBody> DecodeSetPassword(std::string_view body) {
  FR_ASSIGN_OR_RETURN(auto fields, RequiredStrings<2>(body, {"invite", "password"}));
  return SetPasswordBody{std::move(fields[0]), std::move(fields[1])};
}

Result<std::optional<std::string>> DecodeInviteRequest(std::string_view body) {
  if (TrimAsciiWhitespace(body).empty()) return std::optional<std::string>();
  FR_ASSIGN_OR_RETURN(const Json object, ParseJsonObject(body));
  FieldReader reader(object);
  auto email = reader.String("email", false);
  FR_RETURN_IF_ERROR(reader.Finish());
  return email;
}

Result<std::optional<int>> DecodeCallRetention(std::string_view body) {
  FR_ASSIGN_OR_RETURN(const Json object, ParseJsonObject(body));
  const auto found = object.find("callRetentionDays");
  if (found != object.end() && found->is_null()) return std::optional<int>();
  FieldReader reader(object);
  const auto days = reader.Int64("callRetentionDays", true, 1, INT32_MAX);
  FR_RETURN_IF_ERROR(reader.Finish());
  return std::optional<int>(static_cast<int>(*days));
}

Result<std::string> DecodeEraseCaller(std::string_view body) {
  FR_ASSIGN_OR_RETURN(auto fields, RequiredStrings<1>(body, {"number"}));
  return std::move(fields[0]);
}

Result<PromptPreviewRequest> DecodePromptPreview(std::string_view body) {
  FR_ASSIGN_OR_RETURN(const Json object, ParseJsonObject(body));
  FieldReader reader(object);
  auto text = reader.String("text", true);
  auto language = reader.String("language", false);
  FR_RETURN_IF_ERROR(reader.Finish());
  return PromptPreviewRequest{std::move(*text), std::move(language)};
}

}  // namespace fr::http
