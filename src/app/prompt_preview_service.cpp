#include "app/prompt_preview_service.hpp"

#include <algorithm>

#include "common/validation.hpp"
#include "domain/hotline/hotline.hpp"
#include "domain/hotline/language.hpp"

namespace fr {
namespace {

bool AdministersAnOrganization(const Principal& principal) {
  if (principal.kind == TokenKind::kOrganization) return true;
  return std::any_of(principal.memberships.begin(), principal.memberships.end(),
                     [](const Membership& membership) { return membership.role == Role::kAdmin; });
}

// One allowance per person: a user's tokens and sessions share it, an organisation token has
// its organisation's.
std::string AllowanceKey(const Principal& principal) {
  if (principal.IsUser()) return "user:" + std::to_string(principal.user_id.value);
  return "organization:" + std::to_string(principal.organization_id.value);
}

}  // namespace

PromptPreviewService::PromptPreviewService(SpeechSynthesizer* speech, const Clock& clock,
                                           PromptPreviewPolicy policy)
    : speech_(speech), clock_(clock), used_(policy.previews_per_window, policy.window) {}

Result<std::shared_ptr<const Audio>> PromptPreviewService::Preview(
    const Principal& principal, const PromptPreviewRequest& request) {
  if (!AdministersAnOrganization(principal)) {
    return Error::PermissionDenied(
        "Only an organization's admins write prompts, so only they can listen to them here.");
  }
  std::vector<FieldError> errors;
  auto text = CheckText("text", request.text, 1, kMaxTtsLength, errors, TextKind::kSpeech);
  std::string voice;  // empty: the service's --tts-voice, as for a hotline without a language
  if (request.language && !request.language->empty()) {
    if (auto tag = CanonicalLanguageTag(*request.language)) {
      voice = std::move(*tag);
    } else {
      errors.push_back({"language", "is not a language the speech synthesizer speaks"});
    }
  }
  if (!errors.empty()) return Error::InvalidArgument("The preview is invalid.", std::move(errors));
  if (speech_ == nullptr) {
    return Error::Unavailable(
        "This server has no speech synthesizer running, so prompts cannot be previewed.");
  }
  const std::string key = AllowanceKey(principal);
  const Timestamp now = clock_.Now();
  if (!used_.RecordUnlessBlocked(key, now)) {
    return Error::TooManyRequests(
        "Too many previews in the last minutes; listen again a little later.");
  }
  return speech_->Synthesize(*text, voice);
}

}  // namespace fr
