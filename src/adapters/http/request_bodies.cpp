#include "adapters/http/request_bodies.hpp"

#include <utility>
#include <vector>

#include "adapters/http/json_io.hpp"

namespace fr::http {

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
                                        std::optional<std::int64_t> path_id) {
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
  if (path_id) CheckBodyId(reader, *path_id);
  if (reader.errors().empty()) return draft;
  std::vector<FieldError> errors = std::move(reader.errors());
  if (const auto validated = ValidateHotline(draft); !validated.ok()) {
    MergeFieldErrors(errors, validated.error().field_errors);
  }
  return Error::InvalidArgument("The hotline is invalid.", std::move(errors));
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

Result<bool> DecodeAdminAccessConsent(std::string_view body) {
  FR_ASSIGN_OR_RETURN(const Json object, ParseJsonObject(body));
  FieldReader reader(object);
  const auto allow = reader.Bool("allowAdminAccess", true);
  FR_RETURN_IF_ERROR(reader.Finish());
  return *allow;
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
  FR_ASSIGN_OR_RETURN(const Json object, ParseJsonObject(body));
  FieldReader reader(object);
  auto number = reader.String("number", true);
  FR_RETURN_IF_ERROR(reader.Finish());
  return std::move(*number);
}

}  // namespace fr::http
