#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "adapters/telephony/engine/address_allow_list.hpp"
#include "adapters/telephony/engine/call_counters.hpp"
#include "adapters/telephony/engine/call_media.hpp"
#include "adapters/telephony/engine/call_model.hpp"
#include "adapters/telephony/engine/call_recorder.hpp"
#include "adapters/telephony/engine/call_router.hpp"
#include "adapters/telephony/engine/call_signalling.hpp"
#include "adapters/telephony/engine/control_loop.hpp"
#include "app/speech_synthesizer.hpp"
#include "domain/hotline/language.hpp"
#include "common/clock.hpp"
#include "domain/call_log/call_events.hpp"
#include "domain/node/calls_in_progress.hpp"
#include "domain/voicemail/voicemail_audio.hpp"

namespace fr::telephony {

// What the call control decides with, besides the hotline's own settings.
// The built-in sentences (nobody available, press 1, already taken, closed) come in the
// hotline's language (decision 0043).
struct CallControlConfig {
  std::chrono::milliseconds ring_timeout{30000};
  std::chrono::milliseconds max_call_duration{std::chrono::hours(4)};
  // The voice and the sentences' language of hotlines that name no language (--tts-voice).
  std::string tts_voice = "en";
  std::string default_language = "en";
  AddressAllowList allow;      // sources allowed to send calls in; others get 403
  // Hotlines with confirmAnswer: the time to press 1 after the prompt.
  std::chrono::milliseconds confirm_timeout{10000};
  // A voicemail ends after this long without speech (issue 15: 5 s).
  std::chrono::milliseconds voicemail_silence{5000};
  // This node's id: the prefix of its recordings' file names (decision 0055).
  std::string node;
};

// Everything the call control talks to. All outlive it.
struct CallControlPorts {
  CallSignalling& signalling;
  CallMedia& media;
  CallRouter& router;
  SpeechSynthesizer& speech;
  CallEventSink& events;
  const Clock& clock;
  // The channels in use and the phones in a call, of every node (decision 0039): channel
  // limits hold across nodes, and a phone in a call is not rung. Used on routing_work only,
  // but for MarkInCall and Release when it never blocks (MayBlock).
  CallsInProgress& calls_in_progress;
  ControlLoop& loop;         // the control thread: events, results and timers come back here
  WorkQueue& routing_work;   // CallRouter calls run here
  WorkQueue& speech_work;    // syntheses run here
  VoicemailAudioStore& voicemail_audio;  // the voicemails' files; used on recording_work only
  WorkQueue& recording_work;  // voicemail files are written here, in the order posted
  SecureRandom& random;       // voicemail file names
};

// The state machine of every hotline call (decision 0016; the phase × event table is in
// call_model.hpp): admission of inbound calls, the greeting, ringing the agents' phones,
// the first answer wins (or the first agent to press 1), the outbound text, the bridge, the
// farewell, and every ending with its outcome, each step reported through CallRecorder.
//
// Threading: no threads of its own. Every method runs on the control thread (the one that runs
// `ports.loop`); blocking work goes to the work queues, and its results and the media callbacks
// come back through `loop.Post`. Tests run the loop, the queues and the timers on their thread.
class CallControl {
 public:
  // `counters` (thread-safe) outlives the control; it counts calls and refusals.
  CallControl(CallControlConfig config, CallControlPorts ports, CallCounters& counters);
  CallControl(const CallControl&) = delete;
  CallControl& operator=(const CallControl&) = delete;

  // Takes one signalling event (see CallSignalling for their order).
  void On(const SignallingEvent& event);

  // Closes the log of every call still open as failed, "The service stopped during the call."
  // (bridged calls stay answered). For shutdown, after the signalling ended every leg.
  void CloseAll();

  // The drain of a graceful stop (decision 0033): from now on a new call from an allowed
  // source is refused with 503 (403 stays 403 for the others); calls in progress go on.
  // `on_idle` runs once, as soon as no call is in progress or being routed (at once if none).
  void Drain(std::function<void()> on_idle);

 private:
  // call_control.cpp: inbound calls, admission, the greeting, shared helpers.
  void Handle(const sip::IncomingCall& incoming);
  void Routed(const sip::IncomingCall& incoming, Result<Hotline> hotline,
              const std::optional<std::string>& caller, const CallAdmission& admission,
              const Result<std::optional<ChannelClaimId>>& channel);
  void Admit(const sip::IncomingCall& incoming, Hotline hotline,
             const std::optional<std::string>& caller, const CallAdmission& admission,
             ChannelClaimId channel);
  // `closed`: outside the opening hours, the caller hears the closed text and we hang up.
  void Start(const sip::IncomingCall& incoming, Hotline hotline,
             const std::optional<std::string>& caller, media::StreamId caller_stream,
             ChannelClaimId channel, const std::optional<std::string>& closed);
  // Gives a channel back, off the control thread; a failure is logged (the node's lease
  // releases it at the latest).
  void ReleaseChannel(ChannelClaimId channel);
  // Runs `work`, which writes calls_in_progress_, on routing_work, or in place when that
  // never blocks (CallsInProgress::MayBlock, decision 0092).
  void WriteCallsInProgress(std::function<void()> work);
  void LogForeignInvite(const std::string& source);
  void RejectUnroutable(LegId leg, const Error& error);
  void Refuse(LegId leg, int status, const char* reason);
  // Refuses a routed call whose refusal is the hotline's business: its whole log, its counts.
  void RefuseWithLog(LegId leg, const Hotline& hotline, const std::optional<std::string>& caller,
                     CallEntryType why, const std::string& detail, LegDisposition disposition,
                     int status, const char* reason, CallOutcome outcome);
  // Runs the drain's on_idle once nothing is left to wait for.
  void CheckIdle();
  // Plays `text` in the call's voice (its hotline's language, else --tts-voice).
  void Say(Call& call, media::StreamId stream, std::string text,
           std::function<void(Call&, bool played)> then);
  // A built-in sentence in the hotline's language; English, and a warning once per language,
  // for a language without a translation.
  std::string Sentence(const Call& call, BuiltInSentence sentence);
  void Played(std::uint64_t id, media::StreamId stream,
              const Result<std::shared_ptr<const Audio>>& audio,
              const std::function<void(Call&, bool)>& then);
  Result<std::pair<media::StreamId, std::uint16_t>> OpenStream(const std::string& address,
                                                               std::uint16_t port, int codec,
                                                               int telephone_event_type);
  std::string LocalSdp(std::uint16_t port, int codec, int telephone_event_type);
  Call* Find(std::uint64_t id);
  Call* CallOf(LegId leg);

  // call_control_agents.cpp: ringing, answers, the bridge.
  // What the routing thread found for one phone of a ringing call.
  struct PhoneToDial {
    AgentTarget target;
    bool in_call = false;                  // in another call of this service: not rung
    std::optional<ChannelClaimId> channel;  // the outbound channel claimed for it
    std::string no_channel;                 // without a channel (and not refused): why
  };
  void StartRinging(Call& call);
  // On routing_work: the phones to ring, each checked and given a channel. Blocks.
  Result<std::vector<PhoneToDial>> PhonesToDial(const Hotline& hotline);
  void RingAgents(Call& call, const Result<std::vector<PhoneToDial>>& phones);
  void Dial(Call& call, const PhoneToDial& phone);
  std::optional<std::string> NotDialled(const Call& call, const PhoneToDial& phone) const;
  void Handle(const sip::LegRinging& ringing);
  void Handle(const sip::LegAnswered& answered);
  bool UseAnswer(Call& call, AgentLeg& agent, const std::string& remote_sdp);
  void Handle(const sip::LegMediaChanged& changed);
  void Won(Call& call, AgentLeg& agent);
  void Bridge(Call& call);
  void OnRingTimeout(std::uint64_t id);

  // call_control_confirm.cpp: confirmAnswer, the agent presses 1 to take the call.
  void AskToConfirm(Call& call, AgentLeg& agent);
  void StartConfirmTimer(Call& call, AgentLeg& agent);
  void Handle(const sip::LegDigit& digit);
  void Pressed(Call& call, AgentLeg& agent, char key);
  void Confirmed(Call& call, AgentLeg& agent);
  void NotConfirmed(Call& call, AgentLeg& agent, std::string why);
  // Someone else took the call, or it ends: a confirming agent is released (it is not
  // "not confirmed"); `tell` plays the taken message before the BYE.
  void ReleaseConfirming(Call& call, AgentLeg& agent, bool tell);

  // call_control_endings.cpp: every way a leg or a call ends.
  void Handle(const sip::LegEnded& ended);
  void InboundEnded(Call& call, const sip::LegEnded& ended);
  void AgentEnded(Call& call, AgentLeg& agent, const sip::LegEnded& ended);
  void CloseAgentRecord(Call& call, AgentLeg& agent, const sip::LegEnded& ended);
  // Closes an ended leg's stream, whose audio goes `direction`, without waiting for the media
  // thread (decision 0092): `closed` runs later on the control thread with what RTCP showed of
  // it, and the call is not finished before that. Both that and what became of its RTP are
  // counted for /metrics.
  void CloseStream(Call& call, media::StreamId stream, AudioDirection direction,
                   std::function<void(std::optional<LegQuality>)> closed);
  // Finishes the call once every leg ended, every stream's close reported and no voicemail is
  // being kept.
  void FinishIfDone(Call& call);
  // The call's one line in the service log at its end (decision 0034): no numbers in it.
  void LogEnd(const Call& call) const;
  // The caller hears `text` (by default that nobody can take the call), then we hang up.
  void Farewell(Call& call, CallOutcome outcome, std::string detail,
                std::optional<std::string> text = std::nullopt);
  void HangUpAgents(Call& call);
  // BYE or CANCEL to one agent's leg, noting when: the leg's end for billing.
  void HangUp(AgentLeg& agent);
  void HangUpCaller(Call& call);
  void Finish(Call& call);
  void WatchMedia(Call& call, media::StreamId stream);

  // call_control_voicemail.cpp: the fallbacks of noAnswer and closed (decision 0054).
  // Nobody takes the call: the hotline's noAnswer action; `detail` says why.
  void NobodyAnswered(Call& call, std::string detail);
  // `fallback` for a call nobody takes: `outcome` (missed, closed) unless a voicemail is kept;
  // `text`: the message action's sentence (nullopt: nobody available).
  void TakeFallback(Call& call, const Fallback& fallback, CallOutcome outcome,
                    std::string detail, std::optional<std::string> text);
  void StartVoicemail(Call& call, const Fallback& fallback, CallOutcome outcome,
                      std::string detail);
  void StartForward(Call& call, const Fallback& fallback, CallOutcome outcome,
                    std::string detail, std::optional<std::string> text);
  void DialForward(Call& call, const PhoneToDial& phone);
  void BeginRecording(Call& call);
  void RecordingOpened(std::uint64_t id, const Status& opened);
  void VoicemailTick(std::uint64_t id);
  // Ends the recording (idempotent); `why` goes into the voicemail_recorded entry.
  void StopVoicemail(Call& call, std::string why);
  void VoicemailSaved(std::uint64_t id,
                      const Result<std::optional<std::chrono::milliseconds>>& saved,
                      const std::string& why);
  void LimitDuration(Call& call);
  void EndNow(Call& call, std::string why);

  const CallControlConfig config_;
  CallSignalling& signalling_;
  CallMedia& media_;
  CallRouter& router_;
  SpeechSynthesizer& speech_;
  ControlLoop& loop_;
  WorkQueue& routing_work_;
  WorkQueue& speech_work_;
  VoicemailAudioStore& voicemail_audio_;
  WorkQueue& recording_work_;
  SecureRandom& random_;
  CallRecorder recorder_;
  CallsInProgress& calls_in_progress_;
  CallCounters& counters_;

  // Control thread only.
  std::unordered_map<std::uint64_t, std::unique_ptr<Call>> calls_;
  std::unordered_map<LegId, std::uint64_t> call_by_leg_;
  std::unordered_set<LegId> routing_legs_;  // inbound legs whose number is being looked up
  std::uint64_t last_call_id_ = 0;
  std::uint64_t last_sdp_session_ = 0;
  bool draining_ = false;
  std::function<void()> on_idle_;  // the drain's, until it ran
  std::optional<std::chrono::steady_clock::time_point> last_foreign_invite_log_;
  std::uint64_t foreign_invites_unlogged_ = 0;
  std::unordered_set<std::string> untranslated_languages_;  // warned about once
};

}  // namespace fr::telephony
