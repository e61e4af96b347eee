#include "adapters/http/json_io.hpp"
#include "adapters/http/request_bodies.hpp"
#include "adapters/http/routes.hpp"
#include "common/wav_header.hpp"

namespace fr::http {
namespace {

// The service's WAV (common/wav_header.hpp): what every browser's <audio> plays.
std::string WavOf(const Audio& audio) {
  const auto data_bytes = static_cast<std::uint32_t>(audio.samples.size() * 2);
  const auto header = WavHeader(data_bytes);
  std::string wav(header.begin(), header.end());
  wav.reserve(header.size() + data_bytes);
  for (const std::int16_t sample : audio.samples) {
    const auto bits = static_cast<std::uint16_t>(sample);
    wav.push_back(static_cast<char>(bits & 0xff));
    wav.push_back(static_cast<char>(bits >> 8));
  }
  return wav;
}

HandlerResult PostPreview(PromptPreviewService& previews, const RequestContext& context) {
  FR_RETURN_IF_ERROR(RequireJsonBody(context.request));
  FR_ASSIGN_OR_RETURN(const PromptPreviewRequest request,
                      DecodePromptPreview(context.request.body));
  FR_ASSIGN_OR_RETURN(const auto audio, previews.Preview(*context.principal, request));
  Response response;
  response.content_type = "audio/wav";
  response.body = WavOf(*audio);
  return response;
}

}  // namespace

void AddPromptPreviewRoutes(Router& router, PromptPreviewService& previews) {
  router.Add(
      {"POST", "/v1/tts/preview", AuthPolicy::kTokenRequired,
       [&previews](const RequestContext& context) { return PostPreview(previews, context); }});
}

}  // namespace fr::http
