#include "adapters/telephony/engine/telephony_engine.hpp"

#include <spdlog/spdlog.h>

#include <asio.hpp>
#include <atomic>
#include <future>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <variant>

#include "adapters/telephony/engine/address_allow_list.hpp"
#include "adapters/telephony/media/media_engine.hpp"
#include "adapters/telephony/sip/sdp.hpp"
#include "adapters/telephony/sip/sip_endpoint.hpp"

namespace fr::telephony {
namespace {

// RFC 4733 payload type we offer agents' phones.
constexpr int kTelephoneEventPayloadType = 101;

// "0049…" (the API's form) → "+49…" (E.164, what SIP trunks expect in user parts).
std::string E164(const std::string& number) {
  return number.starts_with("00") ? "+" + number.substr(2) : number;
}

// A call's phase decides what each event means.
enum class Phase {
  kGreeting,     // the caller hears the hotline's inbound text
  kRinging,      // ringback; the agents' phones ring
  kAgentPrompt,  // an agent answered and hears the outbound text; the caller still hears ringback
  kBridged,      // caller and agent talk
  kFarewell,     // nobody could take the call: the caller hears why, then we hang up
  kEnding,       // the caller is gone or the call is torn down: only leg ends matter now
};

// Before the bridge and before the call started to end: an ending changes its outcome.
bool Undecided(Phase phase) {
  return phase == Phase::kGreeting || phase == Phase::kRinging || phase == Phase::kAgentPrompt;
}

struct AgentLeg {
  AgentTarget target;
  sip::LegId leg = 0;
  media::StreamId stream;
  LegHandle record;
  bool ringing_noted = false;
  bool answered = false;
  bool ended = false;
  bool cancelled_by_us = false;  // we hung it up before it was answered
  bool timed_out = false;        // … because nobody answered in time
};

struct Call {
  std::uint64_t id = 0;
  Hotline hotline;
  sip::LegId inbound = 0;
  media::StreamId caller_stream;
  CallHandle handle;
  LegHandle inbound_record;
  Phase phase = Phase::kGreeting;
  bool inbound_ended = false;
  bool inbound_hangup_sent = false;
  std::vector<AgentLeg> agents;
  std::optional<std::size_t> winner;  // index into agents
  std::unique_ptr<asio::steady_timer> ring_timer;
  std::unique_ptr<asio::steady_timer> duration_timer;
  CallOutcome outcome = CallOutcome::kFailed;
  std::optional<std::string> end_detail;

  AgentLeg* Agent(sip::LegId leg) {
    for (AgentLeg& agent : agents) {
      if (agent.leg == leg) return &agent;
    }
    return nullptr;
  }
  bool AllAgentsEnded() const {
    for (const AgentLeg& agent : agents) {
      if (!agent.ended) return false;
    }
    return true;
  }
};

// How an agent's leg that never answered ended, and the entry that says so.
struct AgentLegOutcome {
  LegDisposition disposition;
  std::optional<CallEntryType> entry;
};

AgentLegOutcome UnansweredAgentLeg(const AgentLeg& agent, const sip::LegEnded& ended) {
  if (agent.timed_out) return {LegDisposition::kNoAnswer, std::nullopt};  // noted at the timeout
  if (agent.cancelled_by_us) return {LegDisposition::kCancelled, std::nullopt};
  switch (ended.cause) {
    case sip::EndCause::kRejected:
      if (ended.status == 486 || ended.status == 600 || ended.status == 603) {
        return {LegDisposition::kBusy, CallEntryType::kAgentDeclined};
      }
      if (ended.status == 408 || ended.status == 480 || ended.status == 487) {
        return {LegDisposition::kNoAnswer, CallEntryType::kAgentNoAnswer};
      }
      return {LegDisposition::kFailed, CallEntryType::kAgentFailed};
    case sip::EndCause::kTimeout:
      return {LegDisposition::kNoAnswer, CallEntryType::kAgentNoAnswer};
    default:
      return {LegDisposition::kFailed, CallEntryType::kAgentFailed};
  }
}

}  // namespace

class TelephonyEngine::Impl {
 public:
  Impl(EngineConfig config, CallRoutingService& routing, CallEventSink& events,
       SpeechSynthesizer& speech, const Clock& clock)
      : config_(std::move(config)),
        routing_(routing),
        events_(events),
        speech_(speech),
        clock_(clock),
        media_(config_.media),
        sip_(SipConfigOf(config_), [this](sip::SipEvent event) {
          asio::post(control_, [this, event = std::move(event)] { Dispatch(event); });
        }) {}

  ~Impl() { Stop(); }

  Result<std::uint16_t> Start() {
    FR_RETURN_IF_ERROR(BuildAllowList());
    FR_RETURN_IF_ERROR(media_.Start());
    control_thread_ = std::thread([this] { control_.run(); });
    auto port = sip_.Start();
    if (!port.ok()) {
      Stop();
      return port.error();
    }
    return *port;
  }

  TelephonyStats Stats() const {
    std::lock_guard lock(stats_mutex_);
    return stats_;
  }

  void Stop() {
    if (stopped_.exchange(true)) return;
    // SIP first: it hangs up every leg and reports each end, which closes the calls' logs.
    sip_.Stop();
    RunOnControl([] {});
    media_.Stop();
    speech_pool_.join();
    routing_pool_.join();
    // Calls whose legs all ended are closed by now; anything left is closed as interrupted.
    RunOnControl([this] {
      std::vector<std::uint64_t> left;
      for (const auto& [id, call] : calls_) left.push_back(id);
      for (const std::uint64_t id : left) {
        Call& call = *calls_.at(id);
        call.end_detail = "The service stopped during the call.";
        if (Undecided(call.phase)) call.outcome = CallOutcome::kFailed;
        Finish(call);
      }
    });
    work_.reset();
    control_.stop();
    if (control_thread_.joinable()) control_thread_.join();
  }

 private:
  static sip::SipConfig SipConfigOf(const EngineConfig& config) {
    sip::SipConfig sip;
    sip.listen_host = config.sip_listen_host;
    sip.listen_port = config.sip_listen_port;
    sip.trunk_host = config.trunk_host;
    sip.trunk_port = config.trunk_port;
    return sip;
  }

  Status BuildAllowList() {
    std::vector<std::string> blocks = config_.trunk_allow;
    if (blocks.empty()) {
      blocks = {"127.0.0.0/8", "::1"};
      if (!config_.trunk_host.empty()) {
        asio::io_context resolver_context;
        asio::ip::udp::resolver resolver(resolver_context);
        asio::error_code error;
        const auto results = resolver.resolve(config_.trunk_host, "", error);
        if (error) {
          return Error::Unavailable("The SIP trunk '" + config_.trunk_host +
                                    "' does not resolve: " + error.message());
        }
        for (const auto& entry : results) blocks.push_back(entry.endpoint().address().to_string());
      }
    }
    FR_ASSIGN_OR_RETURN(allow_, AddressAllowList::Parse(blocks));
    return Ok();
  }

  // Runs `work` on the control thread and waits for it (for Stop only).
  void RunOnControl(std::function<void()> work) {
    if (!control_thread_.joinable()) return;
    std::promise<void> done;
    asio::post(control_, [&] {
      work();
      done.set_value();
    });
    done.get_future().wait();
  }

  void Dispatch(const sip::SipEvent& event) {
    std::visit([this](const auto& e) { On(e); }, event);
  }

  // --- inbound ---------------------------------------------------------------------------

  void On(const sip::IncomingCall& incoming) {
    if (!allow_.Allows(incoming.source_ip)) {
      LogForeignInvite(incoming.source_ip);
      Refuse(incoming.leg, 403, "Forbidden");
      return;
    }
    // Routing reads the database: off this thread, so that slow storage never delays the
    // timers and hang-ups of calls in progress.
    routing_legs_.insert(incoming.leg);
    asio::post(routing_pool_, [this, incoming] {
      auto hotline = routing_.ResolveInbound(incoming.dialed_user);
      std::optional<std::string> caller;
      if (hotline.ok() && !incoming.caller_withheld) {
        caller = routing_.CallerNumber(incoming.caller_user, *hotline);
      }
      asio::post(control_, [this, incoming, hotline = std::move(hotline),
                            caller = std::move(caller)]() mutable {
        // The caller may have given up while we looked the number up.
        if (routing_legs_.erase(incoming.leg) == 0) return;
        Routed(incoming, std::move(hotline), caller);
      });
    });
  }

  void Routed(const sip::IncomingCall& incoming, Result<Hotline> hotline,
              const std::optional<std::string>& caller) {
    if (!hotline.ok()) {
      RejectUnroutable(incoming.leg, hotline.error());
      return;
    }
    int& inbound_in_use = inbound_in_use_[hotline->id.value];
    if (inbound_in_use >= hotline->channels_inbound) {
      RecordRefusedCall(*hotline, caller, CallEntryType::kRejectedChannelLimit,
                        "All " + std::to_string(hotline->channels_inbound) +
                            " inbound channels are in use.",
                        LegDisposition::kBusy, 486, CallOutcome::kRejectedBusy);
      Refuse(incoming.leg, 486, "Busy Here");
      return;
    }
    const auto offer = sip::ParseAudioOffer(incoming.remote_sdp);
    const int codec = offer.ok() ? sip::ChooseCodec(*offer) : -1;
    if (codec < 0) {
      RecordRefusedCall(*hotline, caller, CallEntryType::kEnded,
                        "The caller offered no G.711 audio (PCMU or PCMA).",
                        LegDisposition::kFailed, 488, CallOutcome::kFailed);
      Refuse(incoming.leg, 488, "Not Acceptable Here");
      return;
    }
    const auto stream = OpenStream(offer->address, offer->port, codec, offer->telephone_event_pt);
    if (!stream.ok()) {
      const bool no_port = stream.error().code == ErrorCode::kResourceExhausted;
      RecordRefusedCall(*hotline, caller, CallEntryType::kEnded, stream.error().detail,
                        LegDisposition::kFailed, no_port ? 503 : 488, CallOutcome::kFailed);
      Refuse(incoming.leg, no_port ? 503 : 488,
             no_port ? "Service Unavailable" : "Not Acceptable Here");
      return;
    }
    const int echoed_event_type = offer->telephone_event_pt;
    sip_.Answer(incoming.leg, LocalSdp(stream->second, codec, echoed_event_type));
    ++inbound_in_use;
    {
      std::lock_guard lock(stats_mutex_);
      ++stats_.active_calls;
    }

    auto call = std::make_unique<Call>();
    call->id = ++last_call_id_;
    call->hotline = std::move(*hotline);
    call->inbound = incoming.leg;
    call->caller_stream = stream->first;
    const Timestamp now = clock_.Now();
    call->handle = events_.OpenCall(call->hotline.id, caller, now);
    Note(*call, CallEntryType::kCallReceived);
    call->inbound_record =
        events_.OpenLeg(call->handle, LegDirection::kInbound, caller, call->hotline.number, now,
                        std::nullopt);
    events_.AnswerLeg(call->inbound_record, now);
    WatchMedia(*call, call->caller_stream);
    LimitDuration(*call);
    call_by_leg_[incoming.leg] = call->id;
    Call& started = *call;
    calls_[call->id] = std::move(call);

    if (started.hotline.tts_inbound.empty()) {
      StartRinging(started);
    } else {
      Say(started, started.caller_stream, started.hotline.tts_inbound, [this](Call& c, bool played) {
        if (c.phase != Phase::kGreeting) return;
        if (played) Note(c, CallEntryType::kGreetingPlayed);
        StartRinging(c);
      });
    }
  }

  // SIP scanners send INVITEs by the thousand: one warning a minute, with how many were refused.
  void LogForeignInvite(const std::string& source) {
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

  void RejectUnroutable(sip::LegId leg, const Error& error) {
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
  void Refuse(sip::LegId leg, int status, const char* reason) {
    sip_.Reject(leg, status, reason);
    std::lock_guard lock(stats_mutex_);
    switch (status) {
      case 403: ++stats_.refused_forbidden; break;
      case 404: ++stats_.refused_not_found; break;
      case 480: ++stats_.refused_unavailable; break;
      case 486: ++stats_.refused_busy; break;
      case 488: ++stats_.refused_codec; break;
      default: ++stats_.refused_overload; break;
    }
  }

  // The log of a call refused at once: it never occupied a channel.
  void RecordRefusedCall(const Hotline& hotline, const std::optional<std::string>& caller,
                         CallEntryType why, const std::string& detail,
                         LegDisposition disposition, int sip_status, CallOutcome outcome) {
    const Timestamp now = clock_.Now();
    const CallHandle call = events_.OpenCall(hotline.id, caller, now);
    events_.AddEntry(call, {now, CallEntryType::kCallReceived, {}, {}, {}});
    events_.AddEntry(call, {now, why, {}, {}, detail});
    const LegHandle leg = events_.OpenLeg(call, LegDirection::kInbound, caller, hotline.number, now,
                                          std::nullopt);
    events_.CloseLeg(leg, disposition, sip_status, now);
    if (why != CallEntryType::kEnded) events_.AddEntry(call, {now, CallEntryType::kEnded, {}, {}, {}});
    events_.CloseCall(call, outcome, std::nullopt, now);
    CountEnded(outcome, false);
  }

  // --- ringing the agents ---------------------------------------------------------------

  void StartRinging(Call& call) {
    call.phase = Phase::kRinging;
    media_.PlayRingback(call.caller_stream);
    asio::post(routing_pool_, [this, id = call.id, hotline = call.hotline] {
      auto targets = routing_.PhonesToRing(hotline);
      asio::post(control_, [this, id, targets = std::move(targets)] {
        Call* ringing = Find(id);
        if (ringing && ringing->phase == Phase::kRinging) RingAgents(*ringing, targets);
      });
    });
  }

  void RingAgents(Call& call, const Result<std::vector<AgentTarget>>& targets) {
    if (!targets.ok()) {
      spdlog::error("call {}: cannot read the agents' phones: {}", call.id, targets.error().detail);
      Farewell(call, CallOutcome::kFailed, "The agents' phones could not be read.");
      return;
    }
    if (targets->empty()) {
      Note(call, CallEntryType::kNoAgentAvailable, std::nullopt,
           "No agent of the hotline has an active phone.");
      Farewell(call, CallOutcome::kMissed, "Nobody could be called.");
      return;
    }
    for (const AgentTarget& target : *targets) Dial(call, target);
    if (call.agents.empty()) {
      Farewell(call, CallOutcome::kMissed, "No agent's phone could be called.");
      return;
    }
    call.ring_timer = std::make_unique<asio::steady_timer>(control_, config_.ring_timeout);
    call.ring_timer->async_wait([this, id = call.id](const asio::error_code& error) {
      if (!error) OnRingTimeout(id);
    });
  }

  void Dial(Call& call, const AgentTarget& target) {
    if (target.refusal) {
      spdlog::warn("call {}: agent phone {} is not called: {}", call.id, target.phone.value,
                   *target.refusal);
      Note(call, CallEntryType::kAgentFailed, target, *target.refusal);
      return;
    }
    int& outbound_in_use = outbound_in_use_[call.hotline.id.value];
    if (outbound_in_use >= call.hotline.channels_outbound) {
      Note(call, CallEntryType::kAgentFailed, target,
           "All " + std::to_string(call.hotline.channels_outbound) +
               " outbound channels of the hotline are in use.");
      return;
    }
    auto stream = media_.OpenStream();
    if (!stream.ok()) {
      Note(call, CallEntryType::kAgentFailed, target, "No media port is free.");
      return;
    }
    const auto port = media_.LocalPort(*stream);
    const auto leg = port.ok() ? sip_.Dial({E164(target.number), E164(call.hotline.number),
                                            call.hotline.name,
                                            LocalSdp(*port, sip::kPayloadPcmu,
                                                     kTelephoneEventPayloadType)})
                               : Result<sip::LegId>(port.error());
    if (!leg.ok()) {
      media_.Close(*stream);
      Note(call, CallEntryType::kAgentFailed, target, leg.error().detail);
      return;
    }
    ++outbound_in_use;
    AgentLeg agent;
    agent.target = target;
    agent.leg = *leg;
    agent.stream = *stream;
    agent.record = events_.OpenLeg(call.handle, LegDirection::kOutbound, call.hotline.number,
                                   target.number, clock_.Now(),
                                   AgentPhoneRef{target.user, target.phone});
    Note(call, CallEntryType::kAgentDialed, target);
    call.agents.push_back(std::move(agent));
    call_by_leg_[*leg] = call.id;
  }

  void On(const sip::LegRinging& ringing) {
    Call* call = CallOf(ringing.leg);
    AgentLeg* agent = call ? call->Agent(ringing.leg) : nullptr;
    if (!agent || agent->ringing_noted) return;
    agent->ringing_noted = true;
    Note(*call, CallEntryType::kAgentRinging, agent->target);
  }

  void On(const sip::LegAnswered& answered) {
    Call* call = CallOf(answered.leg);
    AgentLeg* agent = call ? call->Agent(answered.leg) : nullptr;
    if (!agent) return;
    agent->answered = true;
    events_.AnswerLeg(agent->record, clock_.Now());
    if (call->phase != Phase::kRinging || call->winner) {
      // Someone else was faster, or the call is ending: this agent is not needed.
      sip_.Hangup(agent->leg);
      return;
    }
    const auto answer = sip::ParseAudioOffer(answered.remote_sdp);
    const int codec = answer.ok() ? sip::ChooseCodec(*answer) : -1;
    const Status remote =
        codec < 0 ? Status(Error::InvalidArgument("no G.711 audio"))
                  : media_.SetRemote(agent->stream, answer->address, answer->port,
                                     static_cast<media::Codec>(codec), answer->telephone_event_pt);
    if (!remote.ok()) {
      Note(*call, CallEntryType::kAgentFailed, agent->target,
           "The agent's phone answered without usable audio.");
      sip_.Hangup(agent->leg);
      return;
    }
    call->winner = static_cast<std::size_t>(agent - call->agents.data());
    call->ring_timer.reset();
    Note(*call, CallEntryType::kAgentAnswered, agent->target);
    for (AgentLeg& other : call->agents) {
      if (&other == agent || other.ended) continue;
      other.cancelled_by_us = true;
      sip_.Hangup(other.leg);
    }
    call->phase = Phase::kAgentPrompt;
    WatchMedia(*call, agent->stream);
    if (call->hotline.tts_outbound.empty()) {
      Bridge(*call);
    } else {
      Say(*call, agent->stream, call->hotline.tts_outbound, [this](Call& c, bool) {
        if (c.phase == Phase::kAgentPrompt) Bridge(c);
      });
    }
  }

  // The far end moved its media (re-INVITE): audio goes to the new address from now on. An
  // offer we cannot use (a hold with 0.0.0.0, no G.711) leaves the stream as it was.
  void On(const sip::LegMediaChanged& changed) {
    Call* call = CallOf(changed.leg);
    if (!call) return;
    std::optional<media::StreamId> stream;
    if (changed.leg == call->inbound && !call->inbound_ended) {
      stream = call->caller_stream;
    } else if (const AgentLeg* agent = call->Agent(changed.leg); agent && !agent->ended) {
      stream = agent->stream;
    }
    const auto offer = sip::ParseAudioOffer(changed.remote_sdp);
    const int codec = offer.ok() ? sip::ChooseCodec(*offer) : -1;
    if (!stream || codec < 0) return;
    if (!media_.SetRemote(*stream, offer->address, offer->port, static_cast<media::Codec>(codec),
                          offer->telephone_event_pt)
             .ok()) {
      spdlog::warn("call {}: a re-INVITE offered media we cannot send to", call->id);
    }
  }

  void Bridge(Call& call) {
    AgentLeg& agent = call.agents[*call.winner];
    media_.Bridge(call.caller_stream, agent.stream);
    call.phase = Phase::kBridged;
    call.outcome = CallOutcome::kAnswered;
    Note(call, CallEntryType::kBridged, agent.target);
  }

  void OnRingTimeout(std::uint64_t id) {
    Call* call = Find(id);
    if (!call || call->phase != Phase::kRinging) return;
    for (AgentLeg& agent : call->agents) {
      if (agent.ended || agent.answered) continue;
      agent.timed_out = true;
      Note(*call, CallEntryType::kAgentNoAnswer, agent.target);
    }
    Farewell(*call, CallOutcome::kMissed, "Nobody answered within the ring timeout.");
  }

  // --- endings ------------------------------------------------------------------------------

  void On(const sip::LegEnded& ended) {
    routing_legs_.erase(ended.leg);
    Call* call = CallOf(ended.leg);
    call_by_leg_.erase(ended.leg);
    if (!call) return;
    if (ended.leg == call->inbound) {
      InboundEnded(*call, ended);
    } else if (AgentLeg* agent = call->Agent(ended.leg)) {
      AgentEnded(*call, *agent, ended);
    }
    if (call->inbound_ended && call->AllAgentsEnded()) Finish(*call);
  }

  void InboundEnded(Call& call, const sip::LegEnded& ended) {
    call.inbound_ended = true;
    media_.Close(call.caller_stream);
    events_.CloseLeg(call.inbound_record, LegDisposition::kAnswered, 200, clock_.Now());
    const Phase phase = call.phase;
    // From here on no agent can be bridged: an answer that is still on its way gets a BYE.
    call.phase = Phase::kEnding;
    call.ring_timer.reset();
    HangUpAgents(call);
    if (phase == Phase::kFarewell || phase == Phase::kEnding) return;
    switch (ended.cause) {
      case sip::EndCause::kRemoteBye:
      case sip::EndCause::kRemoteCancel:
        Note(call, CallEntryType::kCallerHungUp);
        if (phase != Phase::kBridged) call.outcome = CallOutcome::kAbandoned;
        return;
      case sip::EndCause::kLocalHangup:
        return;  // we hung up; whoever asked for it wrote why
      case sip::EndCause::kStopped:
        call.end_detail = "The service stopped during the call.";
        break;
      default:
        call.end_detail = "The caller's leg failed: " + ended.reason;
    }
    if (phase != Phase::kBridged) call.outcome = CallOutcome::kFailed;
  }

  void AgentEnded(Call& call, AgentLeg& agent, const sip::LegEnded& ended) {
    agent.ended = true;
    --outbound_in_use_[call.hotline.id.value];
    media_.Close(agent.stream);
    const std::optional<int> status = ended.status > 0 ? std::optional<int>(ended.status) : std::nullopt;
    if (!agent.answered && ended.status == 200) {
      // The phone answered just as we cancelled: the SIP layer ACKed and BYEd it, and the
      // carrier bills it, so the record says answered.
      agent.answered = true;
      events_.AnswerLeg(agent.record, clock_.Now());
    }
    if (agent.answered) {
      events_.CloseLeg(agent.record, LegDisposition::kAnswered, 200, clock_.Now());
    } else {
      const AgentLegOutcome outcome = UnansweredAgentLeg(agent, ended);
      events_.CloseLeg(agent.record, outcome.disposition, status, clock_.Now());
      if (outcome.entry) {
        Note(call, *outcome.entry, agent.target,
             "SIP " + std::to_string(ended.status) + " " + ended.reason);
      }
    }
    const bool is_winner = call.winner && &call.agents[*call.winner] == &agent;
    if (is_winner && !call.inbound_ended && call.phase != Phase::kFarewell) {
      if (ended.cause == sip::EndCause::kRemoteBye) Note(call, CallEntryType::kAgentHungUp, agent.target);
      if (call.phase == Phase::kBridged) {
        HangUpCaller(call);
      } else {
        Farewell(call, CallOutcome::kMissed, "The agent hung up before being connected.");
      }
      return;
    }
    if (call.phase == Phase::kRinging && !call.inbound_ended && !call.winner &&
        call.AllAgentsEnded()) {
      Farewell(call, CallOutcome::kMissed, "No agent could take the call.");
    }
  }

  // Nobody takes the call: tell the caller, then hang up.
  void Farewell(Call& call, CallOutcome outcome, std::string detail) {
    if (call.inbound_ended) return;
    call.phase = Phase::kFarewell;
    call.outcome = outcome;
    call.end_detail = std::move(detail);
    call.ring_timer.reset();
    HangUpAgents(call);
    Say(call, call.caller_stream, config_.missed_message, [this](Call& c, bool) { HangUpCaller(c); });
  }

  void HangUpAgents(Call& call) {
    for (AgentLeg& agent : call.agents) {
      if (agent.ended) continue;
      if (!agent.answered) agent.cancelled_by_us = true;
      sip_.Hangup(agent.leg);
    }
  }

  void HangUpCaller(Call& call) {
    if (call.inbound_ended || call.inbound_hangup_sent) return;
    call.inbound_hangup_sent = true;
    sip_.Hangup(call.inbound);
  }

  void Finish(Call& call) {
    const Timestamp now = clock_.Now();
    events_.AddEntry(call.handle, {now, CallEntryType::kEnded, {}, {}, call.end_detail});
    std::optional<AnsweredBy> answered_by;
    if (call.outcome == CallOutcome::kAnswered && call.winner) {
      const AgentTarget& target = call.agents[*call.winner].target;
      answered_by = AnsweredBy{target.user, target.phone};
    }
    events_.CloseCall(call.handle, call.outcome, answered_by, now);
    --inbound_in_use_[call.hotline.id.value];
    CountEnded(call.outcome, true);
    spdlog::info("call {}: hotline {} {} ({} agent leg(s))", call.id, call.hotline.id.value,
                 CallOutcomeName(call.outcome), call.agents.size());
    const std::uint64_t id = call.id;
    calls_.erase(id);  // `call` is gone from here on
  }

  // Counts a call that ended; `was_active` when it had been answered (not refused at once).
  void CountEnded(CallOutcome outcome, bool was_active) {
    std::lock_guard lock(stats_mutex_);
    if (was_active) --stats_.active_calls;
    switch (outcome) {
      case CallOutcome::kAnswered: ++stats_.calls_answered; break;
      case CallOutcome::kMissed: ++stats_.calls_missed; break;
      case CallOutcome::kAbandoned: ++stats_.calls_abandoned; break;
      case CallOutcome::kRejectedBusy: ++stats_.calls_rejected_busy; break;
      case CallOutcome::kFailed: ++stats_.calls_failed; break;
    }
  }

  // Media without packets for the timeout: the far end is gone without a BYE.
  void WatchMedia(Call& call, media::StreamId stream) {
    media_.OnInactive(stream, [this, id = call.id] {
      asio::post(control_, [this, id] {
        if (Call* silent = Find(id)) EndNow(*silent, "No audio arrived for too long; the call was ended.");
      });
    });
  }

  void LimitDuration(Call& call) {
    call.duration_timer = std::make_unique<asio::steady_timer>(control_, config_.max_call_duration);
    call.duration_timer->async_wait([this, id = call.id](const asio::error_code& error) {
      if (Call* long_call = error ? nullptr : Find(id)) {
        EndNow(*long_call, "The call reached the maximum call duration and was ended.");
      }
    });
  }

  // Hangs up every leg of a call for a technical reason; bridged calls stay answered.
  void EndNow(Call& call, std::string why) {
    call.end_detail = std::move(why);
    if (Undecided(call.phase)) call.outcome = CallOutcome::kFailed;
    if (call.phase != Phase::kEnding) call.phase = Phase::kFarewell;
    call.ring_timer.reset();
    HangUpAgents(call);
    HangUpCaller(call);
  }

  // --- helpers ----------------------------------------------------------------------------

  // Synthesises `text` off the control thread, plays it into `stream`, then runs `then` on
  // the control thread if the call still exists. A synthesis failure skips the playback.
  void Say(Call& call, media::StreamId stream, std::string text,
           std::function<void(Call&, bool played)> then) {
    asio::post(speech_pool_, [this, id = call.id, stream, text = std::move(text),
                              then = std::move(then)]() mutable {
      auto audio = speech_.Synthesize(text, config_.tts_voice);
      asio::post(control_, [this, id, stream, audio = std::move(audio), then = std::move(then)] {
        Call* speaking = Find(id);
        if (!speaking) return;
        if (!audio.ok()) {
          spdlog::warn("call {}: text-to-speech failed: {}", id, audio.error().detail);
          then(*speaking, false);
          return;
        }
        const std::shared_ptr<const Audio>& shared = *audio;
        media_.Play(stream, std::shared_ptr<const std::vector<std::int16_t>>(shared, &shared->samples),
                    [this, id, then] {
                      asio::post(control_, [this, id, then] {
                        if (Call* c = Find(id)) then(*c, true);
                      });
                    });
      });
    });
  }

  // A media stream towards `address`:`port`; its id and local port.
  Result<std::pair<media::StreamId, std::uint16_t>> OpenStream(const std::string& address,
                                                               std::uint16_t port, int codec,
                                                               int telephone_event_type) {
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

  std::string LocalSdp(std::uint16_t port, int codec, int telephone_event_type) {
    return sip::BuildAudioSdp(media_.LocalAddress(), port, codec, telephone_event_type,
                              ++last_sdp_session_);
  }

  void Note(Call& call, CallEntryType type, std::optional<AgentTarget> agent = std::nullopt,
            std::optional<std::string> detail = std::nullopt) {
    CallEntry entry{clock_.Now(), type, {}, {}, std::move(detail)};
    if (agent) {
      entry.user = agent->user;
      entry.agent_phone = agent->phone;
    }
    events_.AddEntry(call.handle, std::move(entry));
  }

  Call* Find(std::uint64_t id) {
    const auto found = calls_.find(id);
    return found == calls_.end() ? nullptr : found->second.get();
  }

  Call* CallOf(sip::LegId leg) {
    const auto found = call_by_leg_.find(leg);
    return found == call_by_leg_.end() ? nullptr : Find(found->second);
  }

  const EngineConfig config_;
  CallRoutingService& routing_;
  CallEventSink& events_;
  SpeechSynthesizer& speech_;
  const Clock& clock_;
  AddressAllowList allow_;

  asio::io_context control_;
  asio::executor_work_guard<asio::io_context::executor_type> work_ =
      asio::make_work_guard(control_);
  asio::thread_pool speech_pool_{1};
  asio::thread_pool routing_pool_{2};
  media::MediaEngine media_;
  sip::SipEndpoint sip_;
  std::thread control_thread_;
  std::atomic<bool> stopped_{false};
  mutable std::mutex stats_mutex_;
  TelephonyStats stats_;

  // Control thread only.
  std::unordered_map<std::uint64_t, std::unique_ptr<Call>> calls_;
  std::unordered_map<sip::LegId, std::uint64_t> call_by_leg_;
  std::unordered_set<sip::LegId> routing_legs_;  // inbound legs whose number is being looked up
  std::unordered_map<std::int64_t, int> inbound_in_use_;   // by hotline id
  std::unordered_map<std::int64_t, int> outbound_in_use_;  // by hotline id
  std::uint64_t last_call_id_ = 0;
  std::uint64_t last_sdp_session_ = 0;
  std::optional<std::chrono::steady_clock::time_point> last_foreign_invite_log_;
  std::uint64_t foreign_invites_unlogged_ = 0;
};

TelephonyEngine::TelephonyEngine(EngineConfig config, CallRoutingService& routing,
                                 CallEventSink& events, SpeechSynthesizer& speech,
                                 const Clock& clock)
    : impl_(std::make_unique<Impl>(std::move(config), routing, events, speech, clock)) {}

TelephonyEngine::~TelephonyEngine() = default;

TelephonyStats TelephonyEngine::Stats() const { return impl_->Stats(); }

Result<std::uint16_t> TelephonyEngine::Start() { return impl_->Start(); }

void TelephonyEngine::Stop() { impl_->Stop(); }

}  // namespace fr::telephony
