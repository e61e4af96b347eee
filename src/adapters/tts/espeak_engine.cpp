#include "adapters/tts/espeak_engine.hpp"

#include <espeak-ng/espeak_ng.h>
#include <espeak-ng/speak_lib.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <string>
#include <filesystem>
#include <mutex>
#include <new>
#include <utility>

namespace fr::tts {

namespace {

static_assert(sizeof(short) == sizeof(std::int16_t), "espeak-ng hands out samples as short");

constexpr std::size_t kMaxVoiceNameLength = 40;  // espeak-ng's own voice name buffers hold 40

// What this process knows about espeak-ng's globals. Every espeak-ng call happens under `mutex`.
struct EspeakState {
  std::mutex mutex;
  bool initialized = false;
  std::string data_path;
  int sample_rate = 0;
  std::string selected_voice;  // empty: unknown, select again before synthesis
};

EspeakState& State() {
  // Never destroyed: threads may still synthesise while static destructors run at exit.
  static auto* state = new EspeakState;
  return *state;
}

// Translates an espeak-ng failure: the library's message is logged, never returned.
Error EspeakError(const char* operation, espeak_ng_STATUS status,
                  espeak_ng_ERROR_CONTEXT context = nullptr) {
  std::array<char, 512> message{};
  espeak_ng_GetStatusCodeMessage(status, message.data(), message.size());
  spdlog::error("tts: espeak-ng {} failed: {}", operation, message.data());
  if (context != nullptr) espeak_ng_ClearErrorContext(&context);
  return Error::Internal("speech synthesis failed");
}

Error UnknownVoice(const std::string& voice) {
  return Error::InvalidArgument("unknown voice \"" + voice + "\"");
}

// Where the synthesis callback appends; it travels as the user_data of every event.
struct SampleSink {
  std::vector<std::int16_t> samples;
  bool out_of_memory = false;
};

// espeak-ng's synchronous callback: called repeatedly during espeak_ng_Synthesize.
int CollectSamples(short* wav, int count, espeak_EVENT* events) {
  if (events == nullptr || wav == nullptr || count <= 0) return 0;
  auto* sink = static_cast<SampleSink*>(events->user_data);
  try {
    sink->samples.insert(sink->samples.end(), wav, wav + count);
  } catch (const std::bad_alloc&) {
    // An exception must not unwind through espeak-ng's C frames: stop the synthesis instead.
    sink->out_of_memory = true;
    return 1;
  }
  return 0;
}

// espeak-ng reads U+0001 as the start of an embedded command (change voice, speak punctuation),
// which would let callers reach the library's globals; other control characters have no place in
// a prompt either. UTF-8 continuation bytes are >= 0x80, so this never splits a character.
std::string AsPlainText(std::string_view text) {
  std::string plain(text);
  std::replace_if(
      plain.begin(), plain.end(),
      [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == '\x7f'; }, ' ');
  return plain;
}

Status RequireInitializedLocked(const EspeakState& state) {
  if (!state.initialized) return Error::FailedPrecondition("espeak-ng is not initialised");
  return Ok();
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A language tag that names no voice file ("de-AT", "zh"): the voice espeak-ng picks for that
// language (decision 0043), provided it speaks the tag's language and is not a fallback.
espeak_ng_STATUS SelectVoiceByLanguageLocked(const std::string& tag) {
  const std::string language = Lower(tag);
  espeak_VOICE wanted{};
  wanted.languages = language.c_str();
  const espeak_ng_STATUS status = espeak_ng_SetVoiceByProperties(&wanted);
  if (status != ENS_OK) return status;
  const espeak_VOICE* chosen = espeak_GetCurrentVoice();
  const std::string primary = language.substr(0, language.find('-'));
  // `languages` holds, for each language the voice speaks, a priority byte and the language,
  // NUL-terminated; an empty entry ends the list ("\x05cmn\0\x05zh\0\0").
  for (const char* entry = chosen && chosen->languages ? chosen->languages : ""; *entry != '\0';
       entry += std::strlen(entry + 1) + 2) {
    const std::string spoken = Lower(entry + 1);
    if (spoken.substr(0, spoken.find('-')) == primary) return ENS_OK;
  }
  return ENS_VOICE_NOT_FOUND;
}

// Loading a voice reads files (and, for a new language, a dictionary), so it is skipped when the
// voice is already the selected one.
Status SelectVoiceLocked(EspeakState& state, const std::string& voice) {
  if (!IsWellFormedVoiceName(voice)) return UnknownVoice(voice);
  if (state.selected_voice == voice) return Ok();
  state.selected_voice.clear();
  espeak_ng_STATUS status = espeak_ng_SetVoiceByName(voice.c_str());
  if (status == ENS_VOICE_NOT_FOUND && voice.find('+') == std::string::npos) {
    status = SelectVoiceByLanguageLocked(voice);
  }
  if (status == ENS_VOICE_NOT_FOUND) return UnknownVoice(voice);
  if (status != ENS_OK) return EspeakError("voice selection", status);
  state.selected_voice = voice;
  return Ok();
}

Status InitializeLocked(EspeakState& state, const std::string& data_path) {
  // espeak-ng silently falls back to its default data when the given path is not a directory;
  // a misconfiguration should fail instead.
  std::error_code ignored;
  if (!data_path.empty() && !std::filesystem::is_directory(data_path, ignored)) {
    return Error::InvalidArgument("espeak-ng data path \"" + data_path + "\" is not a directory");
  }
  espeak_ng_InitializePath(data_path.empty() ? nullptr : data_path.c_str());
  espeak_ng_ERROR_CONTEXT context = nullptr;
  espeak_ng_STATUS status = espeak_ng_Initialize(&context);
  if (status != ENS_OK) return EspeakError("initialisation", status, context);
  status = espeak_ng_InitializeOutput(ENOUTPUT_MODE_SYNCHRONOUS, 0, nullptr);
  if (status != ENS_OK) return EspeakError("output initialisation", status);
  espeak_SetSynthCallback(CollectSamples);
  state.sample_rate = espeak_ng_GetSampleRate();
  state.data_path = data_path;
  state.initialized = true;
  return Ok();
}

}  // namespace

Status InitializeEspeak(const std::string& data_path) {
  EspeakState& state = State();
  std::lock_guard lock(state.mutex);
  if (!state.initialized) return InitializeLocked(state, data_path);
  if (state.data_path != data_path) {
    return Error::FailedPrecondition("espeak-ng is already initialised with another data path");
  }
  return Ok();
}

bool IsWellFormedVoiceName(std::string_view voice) {
  if (voice.empty() || voice.size() > kMaxVoiceNameLength) return false;
  return std::all_of(voice.begin(), voice.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '+';
  });
}

Status CheckEspeakVoice(const std::string& voice) {
  EspeakState& state = State();
  std::lock_guard lock(state.mutex);
  FR_RETURN_IF_ERROR(RequireInitializedLocked(state));
  return SelectVoiceLocked(state, voice);
}

Result<NativeSpeech> SynthesizeWithEspeak(std::string_view text, const std::string& voice,
                                          int words_per_minute) {
  const std::string plain = AsPlainText(text);
  SampleSink sink;
  EspeakState& state = State();
  std::lock_guard lock(state.mutex);
  FR_RETURN_IF_ERROR(RequireInitializedLocked(state));
  FR_RETURN_IF_ERROR(SelectVoiceLocked(state, voice));
  // Set on every call: several synthesizers with different rates share the one library.
  espeak_ng_STATUS status = espeak_ng_SetParameter(espeakRATE, words_per_minute, 0);
  if (status != ENS_OK) return EspeakError("rate setting", status);
  // Flags: UTF-8 only. Not espeakSSML (user text must not be markup), not espeakPHONEMES (no
  // [[phoneme]] input), not espeakENDPAUSE (pauses between repetitions are the player's job).
  status = espeak_ng_Synthesize(plain.c_str(), plain.size() + 1, 0, POS_CHARACTER, 0,
                                espeakCHARS_UTF8, nullptr, &sink);
  if (sink.out_of_memory) throw std::bad_alloc();
  if (status != ENS_OK) return EspeakError("synthesis", status);
  return NativeSpeech{std::move(sink.samples), state.sample_rate};
}

}  // namespace fr::tts
