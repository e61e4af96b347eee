#include "adapters/tts/resampler.hpp"

#include <spdlog/spdlog.h>
#include <speex/speex_resampler.h>

#include <memory>

namespace fr::tts {

namespace {

// 0..10. 7 costs about 2 ms per second of speech (3: 0.6 ms), but prompts are synthesised once
// and cached, so a flatter passband and less aliasing are worth it.
constexpr int kResamplerQuality = 7;

struct ResamplerDeleter {
  void operator()(SpeexResamplerState* state) const { speex_resampler_destroy(state); }
};
using ResamplerPtr = std::unique_ptr<SpeexResamplerState, ResamplerDeleter>;

Error ResamplerError(const char* operation, int code) {
  spdlog::error("tts: speexdsp {} failed: {}", operation, speex_resampler_strerror(code));
  return Error::Internal("audio resampling failed");
}

Result<ResamplerPtr> MakeResampler(int input_rate, int output_rate) {
  int code = RESAMPLER_ERR_SUCCESS;
  ResamplerPtr resampler(speex_resampler_init(1, static_cast<spx_uint32_t>(input_rate),
                                              static_cast<spx_uint32_t>(output_rate),
                                              kResamplerQuality, &code));
  if (!resampler) return ResamplerError("init", code);
  // Without this the output would start with the filter's delay as silence.
  speex_resampler_skip_zeros(resampler.get());
  return resampler;
}

// Runs all of `input` through the resampler, appending to `output`, which grows as needed
// (speexdsp stops when the output buffer is full, so it is called until the input is used up).
Status Feed(SpeexResamplerState* resampler, std::span<const std::int16_t> input,
            std::vector<std::int16_t>& output, std::size_t& written) {
  constexpr std::size_t kMinimumRoom = 256;
  while (!input.empty()) {
    if (output.size() - written < kMinimumRoom) output.resize(output.size() * 2 + kMinimumRoom);
    auto consumed = static_cast<spx_uint32_t>(input.size());
    auto produced = static_cast<spx_uint32_t>(output.size() - written);
    const int code = speex_resampler_process_int(resampler, 0, input.data(), &consumed,
                                                 output.data() + written, &produced);
    if (code != RESAMPLER_ERR_SUCCESS) return ResamplerError("process", code);
    if (consumed == 0 && produced == 0) return ResamplerError("process", RESAMPLER_ERR_OVERFLOW);
    written += produced;
    input = input.subspan(consumed);
  }
  return Ok();
}

}  // namespace

Result<std::vector<std::int16_t>> Resample(std::span<const std::int16_t> input, int input_rate,
                                           int output_rate) {
  if (input_rate <= 0 || output_rate <= 0) {
    return Error::InvalidArgument("sample rates must be positive");
  }
  if (input_rate == output_rate || input.empty()) {
    return std::vector<std::int16_t>(input.begin(), input.end());
  }
  FR_ASSIGN_OR_RETURN(ResamplerPtr resampler, MakeResampler(input_rate, output_rate));

  // Room for the whole result, the flushed filter tail included, so that the buffer is
  // allocated once and not doubled near the end.
  constexpr std::size_t kTailRoom = 1024;
  std::vector<std::int16_t> output(input.size() * static_cast<std::size_t>(output_rate) /
                                       static_cast<std::size_t>(input_rate) +
                                   kTailRoom);
  std::size_t written = 0;
  FR_RETURN_IF_ERROR(Feed(resampler.get(), input, output, written));
  // The filter still holds the last input_latency samples: push zeros through to flush them.
  const std::vector<std::int16_t> flush(speex_resampler_get_input_latency(resampler.get()), 0);
  FR_RETURN_IF_ERROR(Feed(resampler.get(), flush, output, written));
  output.resize(written);
  output.shrink_to_fit();  // cached for long: keep what is used, not what was reserved
  return output;
}

}  // namespace fr::tts
