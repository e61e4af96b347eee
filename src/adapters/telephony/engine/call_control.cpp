// CallControl, part one: inbound calls from the INVITE to the greeting, and shared helpers.
// Ringing and answers are in call_control_agents.cpp, endings in call_control_endings.cpp.
#include "adapters/telephony/engine/call_control.hpp"

#include <spdlog/spdlog.h>

#include <utility>
#include <variant>

#include "adapters/telephony/sip/sdp.hpp"

namespace fr::telephony {

CallControl::CallControl(CallControlConfig config, CallControlPorts ports,
                         CallCounters& counters)
    : config_(std::move(config)),
      signalling_(ports.signalling),
      media_(ports.media),
      router_(ports.router),
      speech_(ports.speech),
      loop_(ports.loop),
      routing_work_(ports.routing_work),
      speech_work_(ports.speech_work),
      voicemail_audio_(ports.voicemail_audio),
      recording_work_(ports.recording_work),
      random_(ports.random),
      recorder_(ports.events, ports.clock),
      calls_in_progress_(ports.calls_in_progress),
      counters_(counters) {}

void CallControl::On(const SignallingEvent& event) {
  std::visit([this](const auto& e) { Handle(e); }, event);
  CheckIdle();
}

void CallControl::Drain(std::function<void()> on_idle) {
  if (draining_) return;
  draining_ = true;
  on_idle_ = std::move(on_idle);
  CheckIdle();
}

void CallControl::CheckIdle() {
  if (!on_idle_ || !calls_.empty() || !routing_legs_.empty()) return;
  std::exchange(on_idle_, nullptr)();
}

void CallControl::CloseAll() {
  std::vector<std::uint64_t> left;
  for (const auto& [id, call] : calls_) left.push_back(id);
  for (const std::uint64_t id : left) {
    Call& call = *calls_.at(id);
    call.end_detail = "The service stopped during the call.";
    if (Undecided(call.phase)) call.outcome = CallOutcome::kFailed;
    Finish(call);
  }
}

void CallControl::Handle(const sip::IncomingCall& incoming) {
  if (!config_.allow.Allows(incoming.source_ip)) {
    LogForeignInvite(incoming.source_ip);
    Refuse(incoming.leg, 403, "Forbidden");
    return;
  }
  if (draining_) {
    // The SIP layer adds Retry-After to a 503: the trunk tries elsewhere, or here later.
    counters_.RefusedWhileDraining();
    Refuse(incoming.leg, 503, "Service Unavailable");
    return;
  }
  // Routing and the channel count read the database: off this thread, so that slow storage
  // never delays the timers and hang-ups of calls in progress.
  routing_legs_.insert(incoming.leg);
  routing_work_.Post([this, incoming] {
    auto hotline = router_.ResolveInbound(incoming.dialed_user);
    std::optional<std::string> caller;
    CallAdmission admission;
    Result<std::optional<ChannelClaimId>> channel = std::optional<ChannelClaimId>();
    if (hotline.ok()) {
      if (!incoming.caller_withheld) caller = router_.CallerNumber(incoming.caller_user, *hotline);
      admission = router_.Admit(*hotline, caller);
      // A refused caller takes no channel. The caller's number counts as in a call while the
      // call holds its channel: a volunteer who calls the hotline from their own agent phone is
      // not rung for this call or another.
      if (admission.verdict != CallVerdict::kBlocked) {
        channel = calls_in_progress_.Claim(hotline->id, LegDirection::kInbound,
                                           hotline->channels_inbound, caller);
      }
    }
    loop_.Post([this, incoming, hotline = std::move(hotline), caller = std::move(caller),
                admission = std::move(admission), channel = std::move(channel)] {
      // The caller may have given up while we looked the number up.
      if (routing_legs_.erase(incoming.leg) == 0) {
        if (channel.ok() && *channel) ReleaseChannel(**channel);
      } else {
        Routed(incoming, hotline, caller, admission, channel);
      }
      CheckIdle();
    });
  });
}

void CallControl::Routed(const sip::IncomingCall& incoming, Result<Hotline> hotline,
                         const std::optional<std::string>& caller,
                         const CallAdmission& admission,
                         const Result<std::optional<ChannelClaimId>>& channel) {
  if (!hotline.ok()) {
    RejectUnroutable(incoming.leg, hotline.error());
    return;
  }
  for (const std::string& warning : admission.warnings) {
    spdlog::warn("call to hotline {}: {}", hotline->id.value, warning);
  }
  // Decision 0044: busy, as a line that is engaged; nobody rings and nothing is said.
  if (admission.verdict == CallVerdict::kBlocked) {
    RefuseWithLog(incoming.leg, *hotline, caller, CallEntryType::kCallerBlocked,
                  admission.detail, LegDisposition::kBusy, 486, "Busy Here",
                  CallOutcome::kBlocked);
    return;
  }
  if (!channel.ok()) {
    spdlog::error("sip: cannot count the calls in progress: {}", channel.error().detail);
    Refuse(incoming.leg, 503, "Service Unavailable");
    return;
  }
  if (!*channel) {
    RefuseWithLog(incoming.leg, *hotline, caller, CallEntryType::kRejectedChannelLimit,
                  "All " + std::to_string(hotline->channels_inbound) +
                      " inbound channels are in use.",
                  LegDisposition::kBusy, 486, "Busy Here", CallOutcome::kRejectedBusy);
    return;
  }
  Admit(incoming, std::move(*hotline), caller, admission, **channel);
}

// The call holds `channel` from here on: a refusal gives it back.
void CallControl::Admit(const sip::IncomingCall& incoming, Hotline hotline,
                        const std::optional<std::string>& caller, const CallAdmission& admission,
                        ChannelClaimId channel) {
  const auto offer = sip::ParseAudioOffer(incoming.remote_sdp);
  const int codec = offer.ok() ? sip::ChooseCodec(*offer) : -1;
  if (codec < 0) {
    ReleaseChannel(channel);
    RefuseWithLog(incoming.leg, hotline, caller, CallEntryType::kEnded,
                  "The caller offered no G.711 audio (PCMU or PCMA).", LegDisposition::kFailed,
                  488, "Not Acceptable Here", CallOutcome::kFailed);
    return;
  }
  const auto stream = OpenStream(offer->address, offer->port, codec, offer->telephone_event_pt);
  if (!stream.ok()) {
    const bool no_port = stream.error().code == ErrorCode::kResourceExhausted;
    ReleaseChannel(channel);
    RefuseWithLog(incoming.leg, hotline, caller, CallEntryType::kEnded, stream.error().detail,
                  LegDisposition::kFailed, no_port ? 503 : 488,
                  no_port ? "Service Unavailable" : "Not Acceptable Here", CallOutcome::kFailed);
    return;
  }
  if (offer->rtcp_port != 0) media_.SetRemoteRtcpPort(stream->first, offer->rtcp_port);
  // RFC 3264: every offered m-line answered in order, the direction mirrored. The offer parsed
  // above, so the answer can be built; the plain SDP is only a safety net.
  auto answer = sip::BuildAudioAnswer(incoming.remote_sdp, media_.LocalAddress(), stream->second,
                                      codec, offer->telephone_event_pt, ++last_sdp_session_);
  signalling_.Answer(incoming.leg, answer.ok() ? std::move(*answer)
                                               : LocalSdp(stream->second, codec,
                                                          offer->telephone_event_pt));
  std::optional<std::string> closed;
  if (admission.verdict == CallVerdict::kClosed) closed = admission.detail;
  Start(incoming, std::move(hotline), caller, stream->first, channel, closed);
}

// The call is answered: it occupies an inbound channel until its log closes.
void CallControl::Start(const sip::IncomingCall& incoming, Hotline hotline,
                        const std::optional<std::string>& caller, media::StreamId caller_stream,
                        ChannelClaimId channel, const std::optional<std::string>& closed) {
  counters_.Started();
  auto call = std::make_unique<Call>();
  call->id = ++last_call_id_;
  call->hotline = std::move(hotline);
  call->inbound = incoming.leg;
  call->caller_stream = caller_stream;
  call->inbound_claim = channel;
  recorder_.Opened(*call, caller);
  WatchMedia(*call, call->caller_stream);
  LimitDuration(*call);
  call_by_leg_[incoming.leg] = call->id;
  Call& started = *call;
  calls_[call->id] = std::move(call);

  if (closed) {
    // Decisions 0042, 0054: the closed action replaces the greeting and nobody rings.
    const Fallback fallback = started.hotline.closed;
    recorder_.Note(started, CallEntryType::kClosed, std::nullopt,
                   *closed + " Action: " + FallbackActionName(fallback.action) + ".");
    std::string text = started.hotline.tts_closed.empty()
                           ? Sentence(started, BuiltInSentence::kClosed)
                           : started.hotline.tts_closed;
    TakeFallback(started, fallback, CallOutcome::kClosed, *closed, std::move(text));
    return;
  }
  if (started.hotline.tts_inbound.empty()) {
    StartRinging(started);
    return;
  }
  Say(started, started.caller_stream, started.hotline.tts_inbound, [this](Call& c, bool played) {
    if (c.phase != Phase::kGreeting) return;
    if (played) recorder_.Note(c, CallEntryType::kGreetingPlayed);
    StartRinging(c);
  });
}

// SIP scanners send INVITEs by the thousand: one warning a minute, with how many were refused.
void CallControl::LogForeignInvite(const std::string& source) {
  const auto now = std::chrono::steady_clock::now();
  if (last_foreign_invite_log_ && now - *last_foreign_invite_log_ < std::chrono::minutes(1)) {
    ++foreign_invites_unlogged_;
    return;
  }
  spdlog::warn("sip: INVITE from {} refused (403): not an allowed trunk address{}", source,
               foreign_invites_unlogged_ > 0
                   ? " (and " + std::to_string(foreign_invites_unlogged_) + " more in the last minute)"
                   : std::string());
  last_foreign_invite_log_ = now;
  foreign_invites_unlogged_ = 0;
}

void CallControl::ReleaseChannel(ChannelClaimId channel) {
  WriteCallsInProgress([this, channel] {
    if (const Status released = calls_in_progress_.Release(channel); !released.ok()) {
      spdlog::warn("sip: a channel could not be released: {}", released.error().detail);
    }
  });
}

void CallControl::WriteCallsInProgress(std::function<void()> work) {
  if (calls_in_progress_.MayBlock()) {
    routing_work_.Post(std::move(work));
  } else {
    work();  // a lock in memory: cheaper than waking a routing thread for it
  }
}

void CallControl::RejectUnroutable(LegId leg, const Error& error) {
  switch (error.code) {
    case ErrorCode::kNotFound:
      Refuse(leg, 404, "Not Found");
      return;
    case ErrorCode::kFailedPrecondition:
      Refuse(leg, 480, "Temporarily Unavailable");
      return;
    default:
      spdlog::error("sip: cannot route a call: {}", error.detail);
      Refuse(leg, 503, "Service Unavailable");
  }
}

// Answers an INVITE with a final error status and counts it.
void CallControl::Refuse(LegId leg, int status, const char* reason) {
  signalling_.Reject(leg, status, reason);
  counters_.Refused(status);
}

void CallControl::RefuseWithLog(LegId leg, const Hotline& hotline,
                                const std::optional<std::string>& caller, CallEntryType why,
                                const std::string& detail, LegDisposition disposition,
                                int status, const char* reason, CallOutcome outcome) {
  recorder_.Refused(hotline, caller, why, detail, disposition, status, outcome);
  counters_.LegClosed(LegDirection::kInbound, disposition);
  counters_.Ended(outcome, false);
  Refuse(leg, status, reason);
}

// Synthesises `text` off the control thread, plays it into `stream`, then runs `then` on the
// control thread if the call still exists. A synthesis failure skips the playback.
void CallControl::Say(Call& call, media::StreamId stream, std::string text,
                      std::function<void(Call&, bool played)> then) {
  const std::string& voice =
      call.hotline.language.empty() ? config_.tts_voice : call.hotline.language;
  speech_work_.Post([this, id = call.id, stream, text = std::move(text), voice,
                     then = std::move(then)] {
    auto audio = speech_.Synthesize(text, voice);
    loop_.Post([this, id, stream, audio = std::move(audio), then] { Played(id, stream, audio, then); });
  });
}

std::string CallControl::Sentence(const Call& call, BuiltInSentence sentence) {
  const std::string& language =
      call.hotline.language.empty() ? config_.default_language : call.hotline.language;
  const SentenceText text = SentenceIn(sentence, language);
  if (!text.translated && untranslated_languages_.insert(language).second) {
    spdlog::warn("hotline {}: the built-in sentences have no {} translation; they are said in "
                 "English (with the {} voice)",
                 call.hotline.id.value, language, language);
  }
  return std::string(text.text);
}

void CallControl::Played(std::uint64_t id, media::StreamId stream,
                         const Result<std::shared_ptr<const Audio>>& audio,
                         const std::function<void(Call&, bool)>& then) {
  Call* speaking = Find(id);
  if (!speaking) return;
  // Synthesis runs off the loop: an agent may have pressed 1 during it and been bridged. The
  // conversation is not replaced by a prompt that has lost its purpose.
  const bool bridged_stream =
      speaking->phase == Phase::kBridged && speaking->winner &&
      (stream == speaking->caller_stream || stream == speaking->agents[*speaking->winner].stream);
  if (bridged_stream) return;
  if (!audio.ok()) {
    spdlog::warn("call {}: text-to-speech failed: {}", id, audio.error().detail);
    then(*speaking, false);
    return;
  }
  const std::shared_ptr<const Audio>& shared = *audio;
  media_.Play(stream, std::shared_ptr<const std::vector<std::int16_t>>(shared, &shared->samples),
              [this, id, then] {
                loop_.Post([this, id, then] {
                  if (Call* c = Find(id)) then(*c, true);
                });
              });
}

// A media stream towards `address`:`port`; its id and local port.
Result<std::pair<media::StreamId, std::uint16_t>> CallControl::OpenStream(
    const std::string& address, std::uint16_t port, int codec, int telephone_event_type) {
  FR_ASSIGN_OR_RETURN(const media::StreamId stream, media_.OpenStream());
  const auto local_port = media_.LocalPort(stream);
  const Status remote = media_.SetRemote(stream, address, port, static_cast<media::Codec>(codec),
                                         telephone_event_type);
  if (!local_port.ok() || !remote.ok()) {
    media_.Close(stream);
    return Error::InvalidArgument("The caller's media address is not usable.");
  }
  return std::make_pair(stream, *local_port);
}

std::string CallControl::LocalSdp(std::uint16_t port, int codec, int telephone_event_type) {
  return sip::BuildAudioSdp(media_.LocalAddress(), port, codec, telephone_event_type,
                            ++last_sdp_session_);
}

Call* CallControl::Find(std::uint64_t id) {
  const auto found = calls_.find(id);
  return found == calls_.end() ? nullptr : found->second.get();
}

Call* CallControl::CallOf(LegId leg) {
  const auto found = call_by_leg_.find(leg);
  return found == call_by_leg_.end() ? nullptr : Find(found->second);
}

}  // namespace fr::telephony
