#include "adapters/http/json_io.hpp"
#include "adapters/http/routes.hpp"

namespace fr::http {
namespace {

// 8 kHz, 16-bit, mono PCM in a RIFF/WAVE container: what every browser's <audio> plays.
std::string WavOf(const Audio& audio) {
  const auto data_bytes = static_cast<std::uint32_t>(audio.samples.size() * 2);
  std::string wav;
  wav.reserve(44 + data_bytes);
  const auto put32 = [&wav](std::uint32_t value) {
    for (int shift = 0; shift < 32; shift += 8) wav.push_back(static_cast<char>(value >> shift));
  };
  const auto put16 = [&wav](std::uint16_t value) {
    wav.push_back(static_cast<char>(value & 0xff));
    wav.push_back(static_cast<char>(value >> 8));
  };
  wav += "RIFF";
  put32(36 + data_bytes);
  wav += "WAVEfmt ";
  put32(16);
  put16(1);  // PCM
  put16(1);  // mono
  put32(Audio::kSampleRate);
  put32(Audio::kSampleRate * 2);  // bytes per second
  put16(2);                       // bytes per frame
  put16(16);                      // bits per sample
  wav += "data";
  put32(data_bytes);
  for (const std::int16_t sample : audio.samples) put16(static_cast<std::uint16_t>(sample));
  return wav;
}

Result<PromptPreviewRequest> DecodePreview(std::string_view body) {
  FR_ASSIGN_OR_RETURN(const Json object, ParseJsonObject(body));
  FieldReader reader(object);
  auto text = reader.String("text", true);
  auto language = reader.String("language", false);
  FR_RETURN_IF_ERROR(reader.Finish());
  return PromptPreviewRequest{std::move(*text), std::move(language)};
}

HandlerResult PostPreview(PromptPreviewService& previews, const RequestContext& context) {
  FR_RETURN_IF_ERROR(RequireJsonBody(context.request));
  FR_ASSIGN_OR_RETURN(const PromptPreviewRequest request, DecodePreview(context.request.body));
  FR_ASSIGN_OR_RETURN(const auto audio, previews.Preview(*context.principal, request));
  return Response{200, "audio/wav", WavOf(*audio), {}};
}

}  // namespace

void AddPromptPreviewRoutes(Router& router, PromptPreviewService& previews) {
  router.Add(
      {"POST", "/v1/tts/preview", AuthPolicy::kTokenRequired,
       [&previews](const RequestContext& context) { return PostPreview(previews, context); }});
}

}  // namespace fr::http
