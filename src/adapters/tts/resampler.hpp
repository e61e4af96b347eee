#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "common/result.hpp"

namespace fr::tts {

// Converts mono signed 16-bit audio from `input_rate` to `output_rate` Hz with speexdsp. The
// output is aligned with the input (the filter's delay is removed and its tail flushed), so it
// lasts as long as the input; samples saturate rather than wrap. Thread-safe (no shared state).
// Errors: kInvalidArgument (a rate that is not positive); kInternal (speexdsp failed).
Result<std::vector<std::int16_t>> Resample(std::span<const std::int16_t> input, int input_rate,
                                           int output_rate);

}  // namespace fr::tts
