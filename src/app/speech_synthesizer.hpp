#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/result.hpp"

namespace fr {

// Speech as the telephone carries it: 8 kHz, mono, signed 16-bit linear samples.
struct Audio {
  static constexpr int kSampleRate = 8000;
  std::vector<std::int16_t> samples;
};

// Port: text-to-speech for prompts. Thread-safe. Synthesis may take a while (tens of ms per
// sentence), so callers must not call it from the SIP or media threads.
class SpeechSynthesizer {
 public:
  virtual ~SpeechSynthesizer() = default;
  // `text` spoken with `voice` (an espeak-ng voice name such as "en" or "de"; empty: the
  // configured default). The same text and voice give the same, shared audio (cached).
  // Errors: kInvalidArgument (empty text, unknown voice); kInternal (the synthesiser failed).
  virtual Result<std::shared_ptr<const Audio>> Synthesize(const std::string& text,
                                                          const std::string& voice) = 0;
};

}  // namespace fr
