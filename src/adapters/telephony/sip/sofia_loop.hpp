#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "adapters/telephony/sip/request_shield.hpp"
#include "adapters/telephony/sip/sip_endpoint.hpp"
#include "adapters/telephony/sip/sofia_headers.hpp"
#include "adapters/telephony/sip/sofia_request_filter.hpp"
#include "adapters/telephony/sip/sofia_root_runner.hpp"
#include "adapters/telephony/sip/trunk_challenge.hpp"
#include "adapters/telephony/sip/trunk_registration.hpp"

namespace fr::sip {

// One SIP dialog as the SIP thread tracks it; bound to its nua handle as the handle magic.
struct Leg {
  LegId id = 0;
  nua_handle_t* nh = nullptr;
  bool inbound = false;
  bool reported = false;          // the owner knows the leg, so it is owed a LegEnded
  bool answered = false;          // a 2xx was sent (inbound) or received (outbound)
  bool final_sent = false;        // inbound: we sent a final response
  bool hangup_requested = false;  // Hangup() or Stop() asked to end it
  bool ended = false;             // LegEnded delivered (or not owed)
  bool in_progress = false;       // counted among the dialogs in progress (ShieldOptions)
  std::optional<EndCause> cause;  // the first known reason it is ending
  int end_status = 0;
  std::string end_reason;
  std::string local_sdp;        // what we sent, repeated in answers to re-INVITEs
  std::string response_phrase;  // of our final error response; nua reads it later (no copy)
  // Outbound: what Dial() asked for, its Request-URI, and the credentials answered so far; an
  // INVITE answering a challenge is sent again from these, on a new handle.
  std::optional<OutgoingCall> call;
  std::string request_uri;
  ChallengeState auth;
};

// Our binding at the trunk's registrar (sofia_register.cpp). Each REGISTER is a plain request
// (nua_method) on a handle of its own, destroyed at its final response: nua keeps no
// registration of its own. The Call-ID and From tag stay for the endpoint's life and the CSeq
// grows, as RFC 3261 10.2 asks.
struct TrunkRegistrar {
  nua_handle_t* nh = nullptr;  // the REGISTER in flight; null between transactions
  std::string call_id;
  std::string from_tag;
  std::uint32_t cseq = 0;       // of the last REGISTER sent
  int expires = 3600;           // what the next REGISTER asks for (raised by a 423)
  bool bound = false;           // the registrar may hold our binding (a 2xx, or one in flight)
  bool unregistering = false;   // Shutdown() sent Expires: 0
  ChallengeState auth;          // of the current request; reset for each new one
  su_timer_t* timer = nullptr;  // the next refresh or retry
};

// ";transport=tcp" or ";transport=tls" for URIs towards the trunk; empty for UDP. Shared by
// calls (sofia_outbound.cpp) and registration (sofia_register.cpp).
std::string TransportParameter(TrunkTransport transport);

// The sofia side of SipEndpoint: owns the su_root and the nua stack and maps nua events to
// SipEvents. Everything here runs on the SIP thread; nothing is thread-safe.
class SofiaLoop {
 public:
  using Emit = std::function<void(SipEvent)>;
  using NewLegId = std::function<LegId()>;

  // `registration` receives the trunk registration's state, `shield` decides which requests
  // are dropped and receives the dialog count; both must outlive the loop.
  SofiaLoop(const SipConfig& config, Emit emit, NewLegId new_leg_id,
            RegistrationBoard& registration, RequestShield& shield);
  ~SofiaLoop();
  SofiaLoop(const SofiaLoop&) = delete;
  SofiaLoop& operator=(const SofiaLoop&) = delete;

  // Creates the root on the calling thread (which becomes the SIP thread; nua's stack runs on it
  // too, not on a thread of its own), binds the transports and learns the bound port. on_wake runs on this thread whenever wake_fd becomes readable;
  // it must drain the fd. Errors: kUnavailable (cannot bind), kInternal.
  Result<std::uint16_t> Open(int wake_fd, std::function<void()> on_wake);
  // Runs the event loop until Shutdown() has completed.
  void Run();

  void Ring(LegId id);
  void Answer(LegId id, std::string local_sdp);
  void Reject(LegId id, int status, std::string reason);
  void Dial(LegId id, const OutgoingCall& call);
  void Hangup(LegId id);
  // Hangs up all legs, then shuts nua down; Run() returns when that is done.
  void Shutdown();

 private:
  static void OnNuaEvent(nua_event_t event, int status, const char* phrase, nua_t* nua,
                         SofiaLoop* self, nua_handle_t* nh, Leg* leg, const sip_t* sip,
                         tagi_t tags[]);
  static int OnWake(SofiaLoop* self, su_wait_t* wait, SofiaLoop* arg);
  static void OnGraceTimer(SofiaLoop* self, su_timer_t* timer, SofiaLoop* arg);
  static void OnRegisterTimer(SofiaLoop* self, su_timer_t* timer, SofiaLoop* arg);

  void HandleEvent(nua_event_t event, int status, const char* phrase, nua_handle_t* nh, Leg* leg,
                   const sip_t* sip, tagi_t tags[]);
  void OnIncomingInvite(int status, nua_handle_t* nh, Leg* leg, const sip_t* sip);
  // 200 (with what we support), or 403 for a source the owner does not answer; frees `nh`.
  void AnswerOptions(nua_handle_t* nh);
  void OnInviteResponse(int status, const char* phrase, Leg& leg, const sip_t* sip);
  // Outbound INVITEs (sofia_outbound.cpp). SendInvite creates the leg's handle and sends its
  // INVITE; `challenged` is the 401/407 it answers (its Call-ID, From tag and CSeq go on), or
  // null for the first. False when nua gave no handle.
  bool SendInvite(Leg& leg, const sip_t* challenged);
  // Answers a 401/407 by sending the INVITE again with credentials; false (and the leg's cause
  // set, saying why) when the challenge is not answered.
  bool RetryWithCredentials(Leg& leg, int status, const sip_t* sip);
  // Resolves the trunk's addresses for the challenge check; kUnavailable if it does not resolve.
  Status ResolveTrunkAccount();
  // Trunk registration (sofia_register.cpp). SendRegister sends one REGISTER asking for
  // `expires` seconds (0 removes our binding) with the credentials answered so far.
  void StartRegistration();
  bool SendRegister(int expires);
  void OnRegisterResponse(int status, const char* phrase, const sip_t* sip);
  void OnRegistered(const sip_t* sip);
  void RegistrationFailed(std::string reason);
  void ScheduleRegister(std::chrono::milliseconds delay);
  void DropRegisterHandle();
  // On Shutdown(): Expires: 0 if the registrar may hold our binding; true if one was sent.
  bool Unregister();
  // Shutdown() may hand over to nua once every leg and the un-REGISTER are done.
  void ShutdownIfSettled();
  std::string RegisterContact() const;
  void OnTerminated(int status, const char* phrase, nua_handle_t* nh, Leg* leg);
  // The dialogs in progress (decision 0030): a leg counts from its INVITE until it ends or, if
  // inbound, until we refuse it.
  void CountInProgress(Leg& leg);
  void NoLongerInProgress(Leg& leg);
  // True (and the INVITE answered 503 with Retry-After) when max_dialogs are in progress.
  bool RefusedAboveDialogCap(nua_handle_t* nh);
  void HangupLeg(Leg& leg, EndCause cause);
  void Finish(Leg& leg);
  void StartNuaShutdown();
  Leg* Find(LegId id, const char* command);
  static void SetCause(Leg& leg, EndCause cause, int status, std::string reason);

  SipConfig config_;
  // config_.trunk.credentials with the trunk's addresses, once Open() resolved them.
  std::optional<TrunkAccount> account_;
  Emit emit_;
  NewLegId new_leg_id_;
  su_root_t* root_ = nullptr;
  nua_t* nua_ = nullptr;
  su_wait_t wake_wait_;
  bool wake_registered_ = false;
  std::function<void()> on_wake_;
  std::optional<SofiaRootRunner> runner_;  // Run()'s loop, once Open() has registered wake_fd
  su_timer_t* grace_timer_ = nullptr;
  std::optional<std::uint16_t> bound_port_;
  std::uint16_t tls_port_ = 0;  // with TLS to the trunk: where SIP over TLS listens
  RegistrationBoard& registration_;
  RequestShield& shield_;
  // Feeds every request to shield_ as sofia parses it; outlives nua_ (destroyed after it).
  std::optional<SofiaRequestFilter> request_filter_;
  std::size_t dialogs_in_progress_ = 0;
  RegistrationBackoff register_backoff_;
  TrunkRegistrar registrar_;
  bool shutting_down_ = false;
  bool nua_shutdown_started_ = false;
  bool nua_shutdown_done_ = false;
  // Legs stay here until their handle is destroyed (so late events never see a freed Leg).
  std::unordered_map<LegId, std::unique_ptr<Leg>> legs_;
};

}  // namespace fr::sip
