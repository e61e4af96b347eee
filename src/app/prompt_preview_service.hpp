#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "app/login_throttle.hpp"
#include "app/speech_synthesizer.hpp"
#include "common/clock.hpp"
#include "common/result.hpp"
#include "identity/principal.hpp"

namespace fr {

// How many previews one user (all of their tokens and sessions together) or one organisation
// token may have synthesised in a sliding window (decision 0072). 0: no limit.
struct PromptPreviewPolicy {
  int previews_per_window = 20;
  std::chrono::minutes window{10};
};

// What POST /v1/tts/preview asks for: a prompt text and, optionally, a hotline language.
struct PromptPreviewRequest {
  std::string text;
  std::optional<std::string> language;  // a BCP 47 tag; nullopt or empty: the service's voice
};

// Lets hotline admins hear a greeting or announcement before callers do (decision 0072): the
// same synthesiser, cache, text rules and voices as the calls, so that what the console plays is
// what the phone says. Thread-safe.
class PromptPreviewService {
 public:
  // `speech` may be null: the server runs without a synthesiser, and every preview is
  // kUnavailable.
  PromptPreviewService(SpeechSynthesizer* speech, const Clock& clock,
                       PromptPreviewPolicy policy = {});

  // The prompt as 8 kHz audio. Who may: an admin of at least one organisation, or an
  // organisation token (only they can write a greeting). Errors: kPermissionDenied (a member
  // who administers nothing), kInvalidArgument (`text`: 1..300 code points of speech text;
  // `language`: a language the synthesiser speaks, decision 0043), kTooManyRequests (the
  // window's previews used up), kUnavailable (no synthesiser), kInternal.
  Result<std::shared_ptr<const Audio>> Preview(const Principal& principal,
                                               const PromptPreviewRequest& request);

 private:
  SpeechSynthesizer* const speech_;
  const Clock& clock_;
  // Counts previews, not failures: a request that passed the checks spends one, cached or not
  // (a free cache hit would let anyone time which texts other hotlines use; decision 0072).
  FailureWindow used_;
};

}  // namespace fr
