#include "adapters/telephony/engine/voicemail_take.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <numbers>
#include <utility>

namespace fr::telephony {
namespace {

constexpr std::int64_t kSampleRate = 8000;
// A packet is speech when its mean absolute level is above about -46 dBFS: line noise and
// comfort noise stay below it, a voice at any sane distance from the phone does not.
constexpr std::int64_t kSpeechLevel = 160;

bool IsSpeech(const std::vector<std::int16_t>& samples) {
  if (samples.empty()) return false;
  std::int64_t sum = 0;
  for (const std::int16_t sample : samples) sum += std::abs(static_cast<int>(sample));
  return sum / static_cast<std::int64_t>(samples.size()) > kSpeechLevel;
}

}  // namespace

VoicemailTake::VoicemailTake(VoicemailAudioStore& store, std::string file,
                             std::chrono::milliseconds silence)
    : store_(store), file_(std::move(file)), silence_samples_(silence.count() * kSampleRate / 1000) {}

void VoicemailTake::Hear(std::vector<std::int16_t> samples) {
  const bool speech = IsSpeech(samples);
  std::lock_guard lock(mu_);
  heard_.insert(heard_.end(), samples.begin(), samples.end());
  quiet_samples_ = speech ? 0 : quiet_samples_ + static_cast<std::int64_t>(samples.size());
  heard_since_tick_ = true;
  heard_any_ = true;
}

bool VoicemailTake::Tick(std::chrono::milliseconds tick) {
  std::lock_guard lock(mu_);
  if (!heard_since_tick_) quiet_samples_ += tick.count() * kSampleRate / 1000;
  heard_since_tick_ = false;
  return quiet_samples_ >= silence_samples_;
}

Status VoicemailTake::Open() {
  std::lock_guard write(write_mu_);
  FR_ASSIGN_OR_RETURN(recording_, store_.Create(file_));
  return Ok();
}

Status VoicemailTake::Flush() {
  std::lock_guard write(write_mu_);
  if (!recording_) return Ok();  // not open (yet): the samples wait in the buffer
  std::vector<std::int16_t> samples;
  {
    std::lock_guard lock(mu_);
    samples.swap(heard_);
  }
  if (samples.empty()) return Ok();
  return recording_->Append(samples);
}

Result<std::optional<std::chrono::milliseconds>> VoicemailTake::Finish() {
  const Status flushed = Flush();
  std::lock_guard write(write_mu_);
  if (!recording_) return Error::FailedPrecondition("the recording was never opened");
  bool heard_any = false;
  {
    std::lock_guard lock(mu_);
    heard_any = heard_any_;
  }
  if (!flushed.ok() || !heard_any) {
    recording_->Abandon();
    recording_.reset();
    if (!flushed.ok()) return flushed.error();
    return std::optional<std::chrono::milliseconds>();
  }
  auto committed = recording_->Commit();
  if (!committed.ok()) recording_->Abandon();
  recording_.reset();
  if (!committed.ok()) return committed.error();
  return std::optional(*committed);
}

void VoicemailTake::Abandon() {
  std::lock_guard write(write_mu_);
  if (recording_) recording_->Abandon();
  recording_.reset();
}

std::shared_ptr<const std::vector<std::int16_t>> VoicemailBeep() {
  static const auto beep = [] {
    constexpr int kSamples = 3200;  // 400 ms
    constexpr int kFade = 160;      // 20 ms: no click at either end
    auto samples = std::make_shared<std::vector<std::int16_t>>(kSamples);
    for (int i = 0; i < kSamples; ++i) {
      const double envelope = std::min({1.0, i / double(kFade), (kSamples - 1 - i) / double(kFade)});
      (*samples)[i] = static_cast<std::int16_t>(
          12000 * envelope * std::sin(2 * std::numbers::pi * 1000.0 * i / kSampleRate));
    }
    return std::shared_ptr<const std::vector<std::int16_t>>(std::move(samples));
  }();
  return beep;
}

}  // namespace fr::telephony
