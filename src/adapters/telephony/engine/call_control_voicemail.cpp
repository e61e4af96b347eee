// CallControl, part five: what a caller gets when nobody takes the call, or outside the opening
// hours (decision 0054): a message, or a voicemail (decision 0055).
#include <spdlog/spdlog.h>

#include <array>
#include <cstring>

#include "adapters/telephony/engine/call_control.hpp"
#include "adapters/telephony/engine/voicemail_take.hpp"
#include "domain/voicemail/voicemail.hpp"

namespace fr::telephony {
namespace {

constexpr std::chrono::milliseconds kVoicemailTick{1000};

std::string Seconds(std::chrono::milliseconds duration) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", static_cast<double>(duration.count()) / 1000.0);
  return text;
}

}  // namespace

void CallControl::NobodyAnswered(Call& call, std::string detail) {
  if (call.forwarding) {
    // The fallback number did not take the call either: the message, and the end.
    Farewell(call, call.outcome, std::move(detail), call.forward_text);
    return;
  }
  const Fallback fallback = call.hotline.no_answer;
  TakeFallback(call, fallback, CallOutcome::kMissed, std::move(detail), std::nullopt);
}

void CallControl::TakeFallback(Call& call, const Fallback& fallback, CallOutcome outcome,
                               std::string detail, std::optional<std::string> text) {
  switch (fallback.action) {
    case FallbackAction::kVoicemail:
      StartVoicemail(call, fallback, outcome, std::move(detail));
      return;
    case FallbackAction::kForward:
      StartForward(call, fallback, outcome, std::move(detail), std::move(text));
      return;
    case FallbackAction::kMessage:
      Farewell(call, outcome, std::move(detail), std::move(text));
      return;
  }
}

void CallControl::StartVoicemail(Call& call, const Fallback& fallback, CallOutcome outcome,
                                 std::string detail) {
  if (call.inbound_ended) return;
  call.phase = Phase::kVoicemail;
  // Until a message is kept the call is what it would be without voicemail.
  call.outcome = outcome;
  call.voicemail_outcome =
      outcome == CallOutcome::kClosed ? CallOutcome::kClosed : CallOutcome::kVoicemail;
  call.voicemail_max_seconds = fallback.max_seconds;
  call.end_detail = std::move(detail);
  call.ring_timer.reset();
  HangUpAgents(call);
  std::string prompt = fallback.tts_voicemail.empty()
                           ? Sentence(call, BuiltInSentence::kLeaveMessage)
                           : fallback.tts_voicemail;
  Say(call, call.caller_stream, std::move(prompt), [this](Call& c, bool) {
    if (c.phase != Phase::kVoicemail || c.inbound_ended) return;
    media_.Play(c.caller_stream, VoicemailBeep(), [this, id = c.id] {
      loop_.Post([this, id] {
        if (Call* beeped = Find(id)) BeginRecording(*beeped);
      });
    });
  });
}

void CallControl::StartForward(Call& call, const Fallback& fallback, CallOutcome outcome,
                               std::string detail, std::optional<std::string> text) {
  if (call.inbound_ended) return;
  HangUpAgents(call);
  call.forwarding = true;
  call.forward_dialing = true;
  call.forward_text = std::move(text);
  call.outcome = outcome;
  call.end_detail = std::move(detail);
  call.winner.reset();
  call.ring_timer.reset();
  call.phase = Phase::kRinging;
  media_.PlayRingback(call.caller_stream);
  routing_work_.Post([this, id = call.id, hotline = call.hotline, number = fallback.forward_to] {
    PhoneToDial phone{AgentTarget{UserId(), AgentPhoneId(), number, std::nullopt}};
    const auto channel = calls_in_progress_.Claim(hotline.id, LegDirection::kOutbound,
                                                  hotline.channels_outbound, std::nullopt);
    if (!channel.ok()) {
      phone.no_channel = "The calls in progress could not be read.";
    } else if (*channel) {
      phone.channel = *channel;
    } else {
      phone.no_channel = "All " + std::to_string(hotline.channels_outbound) +
                         " outbound channels of the hotline are in use.";
    }
    loop_.Post([this, id, phone = std::move(phone)] {
      Call* forwarded = Find(id);
      if (forwarded && forwarded->phase == Phase::kRinging && forwarded->forwarding) {
        DialForward(*forwarded, phone);
      } else if (phone.channel) {
        ReleaseChannel(*phone.channel);
      }
    });
  });
}

void CallControl::DialForward(Call& call, const PhoneToDial& phone) {
  call.forward_dialing = false;
  const std::size_t legs = call.agents.size();
  Dial(call, phone);
  if (call.agents.size() == legs) {
    NobodyAnswered(call, "The fallback number could not be called.");
    return;
  }
  call.ring_timer =
      loop_.StartTimer(config_.ring_timeout, [this, id = call.id] { OnRingTimeout(id); });
}

void CallControl::BeginRecording(Call& call) {
  if (call.phase != Phase::kVoicemail || call.inbound_ended || call.voicemail) return;
  std::array<std::uint8_t, 8> bytes{};
  random_.Fill(bytes);
  std::uint64_t random = 0;
  std::memcpy(&random, bytes.data(), bytes.size());
  auto take = std::make_shared<VoicemailTake>(
      voicemail_audio_, VoicemailFileName(config_.node, random), config_.voicemail_silence);
  call.voicemail = take;
  call.voicemail_recording = true;
  // The row first (queued to the log in order), then the file: a crash in between leaves a row
  // without a file, which the next start removes (VoicemailService::RecoverAfterCrash).
  recorder_.VoicemailStarted(call, take->file());
  media_.OnAudio(call.caller_stream, [take](std::vector<std::int16_t> samples) {
    take->Hear(std::move(samples));
  });
  media_.OnDigit(call.caller_stream, [this, id = call.id](char key) {
    loop_.Post([this, id, key] {
      Call* pressed = Find(id);
      if (pressed && key == '#') StopVoicemail(*pressed, "The caller pressed #.");
    });
  });
  recording_work_.Post([this, id = call.id, take] {
    const Status opened = take->Open();
    loop_.Post([this, id, opened] { RecordingOpened(id, opened); });
  });
  call.voicemail_limit =
      loop_.StartTimer(std::chrono::seconds(call.voicemail_max_seconds), [this, id = call.id] {
        if (Call* full = Find(id)) StopVoicemail(*full, "The recording reached its maximum length.");
      });
  call.voicemail_tick = loop_.StartTimer(kVoicemailTick, [this, id = call.id] { VoicemailTick(id); });
}

void CallControl::RecordingOpened(std::uint64_t id, const Status& opened) {
  if (opened.ok()) return;
  spdlog::error("call {}: cannot record the voicemail: {}", id, opened.error().detail);
  if (Call* call = Find(id)) StopVoicemail(*call, "The recording could not be written.");
}

void CallControl::VoicemailTick(std::uint64_t id) {
  Call* call = Find(id);
  if (!call || !call->voicemail_recording) return;
  if (call->voicemail->Tick(kVoicemailTick)) {
    StopVoicemail(*call, "The caller was silent.");
    return;
  }
  recording_work_.Post([take = call->voicemail] {
    if (const Status flushed = take->Flush(); !flushed.ok()) {
      spdlog::error("voicemail {}: {}", take->file(), flushed.error().detail);
    }
  });
  call->voicemail_tick = loop_.StartTimer(kVoicemailTick, [this, id] { VoicemailTick(id); });
}

void CallControl::StopVoicemail(Call& call, std::string why) {
  if (!call.voicemail_recording) return;
  call.voicemail_recording = false;
  call.voicemail_limit.reset();
  call.voicemail_tick.reset();
  media_.OnAudio(call.caller_stream, nullptr);
  media_.OnDigit(call.caller_stream, nullptr);
  HangUpCaller(call);
  recording_work_.Post([this, id = call.id, take = call.voicemail, why = std::move(why)] {
    const auto saved = take->Finish();
    loop_.Post([this, id, saved, why] { VoicemailSaved(id, saved, why); });
  });
}

void CallControl::VoicemailSaved(std::uint64_t id,
                                 const Result<std::optional<std::chrono::milliseconds>>& saved,
                                 const std::string& why) {
  Call* call = Find(id);
  if (!call || !call->voicemail) return;  // the service stopped: the next start recovers it
  const std::string file = call->voicemail->file();
  call->voicemail.reset();
  if (!saved.ok()) {
    spdlog::error("call {}: the voicemail could not be kept: {}", id, saved.error().detail);
  }
  const std::optional<std::chrono::milliseconds> duration =
      saved.ok() ? *saved : std::optional<std::chrono::milliseconds>();
  recorder_.VoicemailFinished(*call, file, duration);
  if (duration) {
    call->outcome = call->voicemail_outcome;
    recorder_.Note(*call, CallEntryType::kVoicemailRecorded, std::nullopt,
                   "A message of " + Seconds(*duration) + " s was kept. " + why);
  }
  FinishIfDone(*call);
}

}  // namespace fr::telephony
