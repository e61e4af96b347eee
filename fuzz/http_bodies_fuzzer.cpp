// The JSON request bodies of the HTTP API, from bytes to the command an app service takes: the
// decoders of request_bodies.hpp (ParseJsonObject and FieldReader underneath), then the domain
// validation the service runs first, then the problem answer a refused body gets. Every body is
// given to every decoder, for a create and for an update. Properties: a refused body is a 400
// with a JSON problem; what validation accepts keeps the domain's rules.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "adapters/http/problem.hpp"
#include "adapters/http/request_bodies.hpp"
#include "adapters/phone/libphonenumber_plan.hpp"
#include "fuzz_check.hpp"

namespace {

constexpr std::int64_t kPathId = 7;

bool IsInternationalNumber(std::string_view number) {
  if (number.size() < 3 || number.substr(0, 2) != "00") return false;
  return number.find_first_not_of("0123456789") == std::string_view::npos;
}

template <typename T>
void CheckRefusal(const fr::Result<T>& result) {
  if (result.ok()) return;
  FR_FUZZ_CHECK(result.error().code == fr::ErrorCode::kInvalidArgument);
  const fr::http::Response response = fr::http::ErrorResponse(result.error(), "fuzz-request");
  FR_FUZZ_CHECK(response.status == 400);
  FR_FUZZ_CHECK(nlohmann::json::accept(response.body));
}

void DecodeAgentPhone(std::string_view body, std::optional<std::int64_t> path_id,
                      const fr::NumberingPlan& plan) {
  const auto draft = fr::http::DecodeAgentPhoneDraft(body, path_id, plan);
  CheckRefusal(draft);
  if (!draft.ok()) return;
  const auto phone = fr::ValidateAgentPhone(*draft, plan);
  CheckRefusal(phone);
  if (phone.ok()) FR_FUZZ_CHECK(IsInternationalNumber(phone->phone) && !phone->name.empty());
}

void DecodeHotline(std::string_view body, std::optional<std::int64_t> path_id,
                   const fr::NumberingPlan& plan) {
  const auto draft = fr::http::DecodeHotlineDraft(body, path_id, plan);
  CheckRefusal(draft);
  if (!draft.ok()) return;
  const auto hotline = fr::ValidateHotline(*draft, plan);
  CheckRefusal(hotline);
  if (!hotline.ok()) return;
  FR_FUZZ_CHECK(!hotline->name.empty());
  FR_FUZZ_CHECK(hotline->agents.size() <= fr::kMaxAgentsPerHotline);
  FR_FUZZ_CHECK(hotline->channels_inbound >= 1 && hotline->channels_inbound <= fr::kMaxChannels);
  FR_FUZZ_CHECK(hotline->channels_outbound >= 1 && hotline->channels_outbound <= fr::kMaxChannels);
  for (const fr::Fallback* fallback : {&hotline->no_answer, &hotline->closed}) {
    FR_FUZZ_CHECK(fallback->max_seconds >= fr::kMinVoicemailSeconds &&
                  fallback->max_seconds <= fr::kMaxVoicemailSeconds);
    FR_FUZZ_CHECK(fallback->forward_to.empty() || IsInternationalNumber(fallback->forward_to));
    FR_FUZZ_CHECK(fallback->action != fr::FallbackAction::kForward ||
                  !fallback->forward_to.empty());
  }
}

void DecodeSipCustomer(std::string_view body, const fr::NumberingPlan& plan) {
  const auto customer = fr::http::DecodeSipCustomer(body, plan);
  CheckRefusal(customer);
  if (!customer.ok()) return;
  FR_FUZZ_CHECK(customer->street_housenumber >= 1);
  FR_FUZZ_CHECK(customer->country.size() == 2 && plan.IsKnownRegion(customer->country));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const fr::LibphonenumberPlan plan;
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  for (const std::optional<std::int64_t> path_id :
       {std::optional<std::int64_t>(), std::optional(kPathId)}) {
    DecodeAgentPhone(body, path_id, plan);
    DecodeHotline(body, path_id, plan);
  }
  DecodeSipCustomer(body, plan);
  CheckRefusal(fr::http::DecodeAdminAccessConsent(body));
  return 0;
}
