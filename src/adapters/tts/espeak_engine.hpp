#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace fr::tts {

// The one door to espeak-ng. The library keeps all its state in process-wide globals and is not
// thread-safe, so these functions share one mutex: concurrent calls run one after another.

// Speech as espeak-ng produces it, at its own sample rate (22050 Hz for its voices).
struct NativeSpeech {
  std::vector<std::int16_t> samples;
  int sample_rate = 0;
};

// Initialises espeak-ng for synchronous synthesis, once per process: later calls return at once.
// `data_path` is the directory holding espeak-ng-data; empty: the ESPEAK_DATA_PATH environment
// variable, else the package's compiled-in default. espeak-ng holds one data path, so a later
// call naming a different one fails. Errors: kFailedPrecondition (a different data path);
// kInternal (espeak-ng could not start, e.g. its data is missing; the reason is logged).
Status InitializeEspeak(const std::string& data_path);

// True when `voice` is a syntactically acceptable espeak-ng voice name: 1..40 ASCII letters,
// digits, '-', '_' or '+' (a variant, as in "en+f3"). Names with path separators are refused
// because espeak-ng looks voices up as files.
bool IsWellFormedVoiceName(std::string_view voice);

// Succeeds when espeak-ng knows `voice`. Requires InitializeEspeak.
// Errors: kInvalidArgument (malformed or unknown voice); kFailedPrecondition (not initialised).
Status CheckEspeakVoice(const std::string& voice);

// Speaks `text` (UTF-8, plain text: no SSML, no phoneme input; control characters, which include
// espeak-ng's embedded-command escape, are read as spaces) with `voice` at `words_per_minute`.
// Requires InitializeEspeak. Blocks for the whole synthesis and waits for other calls.
// Errors: kInvalidArgument (malformed or unknown voice); kFailedPrecondition (not
// initialised); kInternal (espeak-ng failed; the reason is logged). Throws std::bad_alloc, like
// any allocation, when memory runs out.
Result<NativeSpeech> SynthesizeWithEspeak(std::string_view text, const std::string& voice,
                                          int words_per_minute);

}  // namespace fr::tts
