#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/result.hpp"

namespace fr::sip {

// How INVITEs reach the trunk.
enum class TrunkTransport { kUdp, kTcp, kTls };

// Our account at the trunk: the digest challenges (401/407) of the trunk's own address are
// answered with it (decision 0021).
struct TrunkCredentials {
  std::string username;
  std::string password;  // never logged
  std::string realm;     // empty: the realm the trunk names; else only challenges of this realm
};

// How calls to agents reach the trunk, beyond its address.
struct TrunkOptions {
  // kTcp and kTls add ";transport=…" to the Request-URI of calls to agents. kTls also listens
  // for SIP over TLS on listen_port + 1 (an ephemeral port when listen_port is 0), presenting
  // the certificate below, and verifies the trunk's certificate against tls_ca_file and the
  // trunk's host name (decision 0022).
  TrunkTransport transport = TrunkTransport::kUdp;
  std::optional<TrunkCredentials> credentials;
  // The From user of calls to agents; empty: the hotline number. When set (a carrier that wants
  // its account in From), the hotline number goes into P-Asserted-Identity.
  std::string from_user;
  std::string tls_certificate_file;  // PEM; required with kTls, like the key
  std::string tls_private_key_file;  // PEM, unencrypted
  std::string tls_ca_file = "/etc/ssl/certs/ca-certificates.crt";  // the system's CA store
  // Register credentials->username at the trunk (decision 0028): REGISTER to the trunk's
  // address, challenges answered like an INVITE's, refreshed before the granted expiry, retried
  // with backoff after a failure, removed (Expires: 0) on Stop(). Needs credentials.
  bool register_account = false;
  int register_expires_seconds = 3600;  // what we ask for; the registrar may grant less
};

// Where the dialled hotline number of an inbound INVITE is read. Registered carriers send the
// INVITE to our registered Contact (our account in the Request-URI) and put the number in To
// or in P-Called-Party-ID (RFC 3455).
enum class InboundNumberSource { kRequestUri, kTo, kPCalledPartyId };

// The state of the trunk registration, as /readyz and /metrics show it.
enum class RegistrationState {
  kOff,          // not configured
  kRegistering,  // started, no answer yet (also while a first attempt is challenged)
  kRegistered,   // the registrar accepted our binding; refreshed before it expires
  kFailed,       // the last attempt failed; retried after a backoff
};

struct RegistrationStatus {
  RegistrationState state = RegistrationState::kOff;
  std::string failure;         // kFailed: why, in words ("503 Service Unavailable"); never a secret
  std::uint64_t failures = 0;  // attempts that failed since Start()
};

// The User-Agent fragments of well-known SIP scanners (SIPVicious and its clones): requests
// that carry one are dropped unanswered.
std::vector<std::string> DefaultScannerUserAgents();

// What guards the SIP port against floods and scanners (decision 0029). The source limit and
// the scanner list apply to every request as sofia parses it, before a transaction exists or
// anything is answered; a dropped request gets no answer at all.
struct ShieldOptions {
  // Requests one source address may send within a second; one more blocks the source for
  // block_time, and everything it sends meanwhile is dropped. 0: no limit.
  int source_rate = 20;
  std::chrono::milliseconds block_time{std::chrono::minutes(5)};
  // Requests whose User-Agent contains one of these (ASCII letters in any case) are dropped,
  // from any source. Empty entries are ignored.
  std::vector<std::string> scanner_user_agents = DefaultScannerUserAgents();
  // Sources the rate limit never applies to (the trunk); empty: none. Called on sofia's stack
  // thread: it must be thread-safe and must not block.
  std::function<bool(std::string_view source_ip)> exempt;
  // A new INVITE that arrives while this many dialogs are in progress gets 503 with
  // Retry-After (decision 0030). 0: no cap.
  std::size_t max_dialogs = 0;
};

// The Retry-After of every 503 we answer an INVITE with (above the dialog cap, while the
// service drains, out of media ports), in seconds.
inline constexpr int kRetryAfterSeconds = 10;

// What the shield did since Start(), for /metrics.
struct ShieldStats {
  std::size_t blocked_sources = 0;        // blocked now
  std::uint64_t sources_blocked = 0;      // blocks imposed in all
  std::uint64_t dropped_from_blocked = 0;  // requests dropped because their source was blocked
  std::uint64_t dropped_scanners = 0;     // requests dropped for a scanner's User-Agent
  // Dialogs in progress: inbound INVITEs not yet refused or ended, and outbound legs.
  std::size_t dialogs_in_progress = 0;
  std::uint64_t refused_dialog_cap = 0;  // INVITEs refused with 503 above max_dialogs
};

// Where the endpoint listens and where it sends outbound calls.
struct SipConfig {
  std::string listen_host = "127.0.0.1";  // "0.0.0.0" listens on all IPv4 interfaces
  std::uint16_t listen_port = 5060;       // 0: an ephemeral port, reported by Start()
  std::string trunk_host;                 // every outbound INVITE goes to the trunk
  std::uint16_t trunk_port = 5060;
  std::string from_host;  // host part of our From URIs; empty: listen_host (trunk_host if wildcard)
  std::string user_agent = "first-responder";
  // Whether a request from this transport source address (as in IncomingCall::source_ip) may
  // learn what we are: OPTIONS from anywhere else get 403, like an INVITE. Called on the SIP
  // thread; empty: every source may.
  std::function<bool(std::string_view source_ip)> answers_options_from;
  // Whether the service is draining (decision 0033): OPTIONS from allowed sources then get 503
  // with Retry-After, so that a dispatcher probing the nodes (deploy/) takes this one out. Called
  // on the SIP thread; empty: never.
  std::function<bool()> draining;
  TrunkOptions trunk;
  InboundNumberSource inbound_number_from = InboundNumberSource::kRequestUri;
  ShieldOptions shield;
};

// Our handle for one SIP dialog (one leg of a call), inbound or outbound. Never reused within
// one SipEndpoint; 0 is never a valid leg.
using LegId = std::uint64_t;

// A new INVITE (not a re-INVITE) arrived. Answer it with exactly one of Answer() or Reject(),
// or Hangup(); the caller's CANCEL ends it with LegEnded.
struct IncomingCall {
  LegId leg = 0;
  // The dialled number ("+4924155660001", "004924…"): the user part of the Request-URI, To or
  // P-Called-Party-ID, as SipConfig::inbound_number_from says; may be empty.
  std::string dialed_user;
  // From user part; empty when the caller withheld the number (then caller_withheld is true and
  // the From user is deliberately not passed on, so it cannot leak to an agent).
  std::string caller_user;
  bool caller_withheld = false;  // Privacy: id/user/header, From "anonymous" or anonymous.invalid
  std::string source_ip;         // transport source of the INVITE (not the Via): check the trunk
  std::uint16_t source_port = 0;
  // The offer, verbatim; empty for an INVITE without SDP (late offer), which we do not support:
  // ParseAudioOffer() fails on it, answer Reject(leg, 488, ...).
  std::string remote_sdp;
};

// A provisional response (180..199) to one of our outbound INVITEs; may repeat.
struct LegRinging {
  LegId leg = 0;
  int status = 0;
};

// A 2xx to one of our outbound INVITEs (already ACKed). remote_sdp is the answer to our offer;
// empty if the far end sent none (treat it as a failed call and Hangup()).
struct LegAnswered {
  LegId leg = 0;
  std::string remote_sdp;
};

// Why a leg ended.
enum class EndCause {
  kRemoteBye,     // the far end sent BYE on an answered leg
  kRemoteCancel,  // the caller CANCELed an unanswered inbound leg
  kRejected,      // outbound: a final 3xx-6xx; inbound: we called Reject()
  kTimeout,       // no answer from the far end (408, transaction timeout)
  kLocalHangup,   // after our Hangup(): CANCEL, BYE or 480 done
  kStopped,       // Stop() ended it
  kError,         // transport or internal failure (e.g. 503 from the stack, 5xx before any reply)
};

// The last event of every leg that was reported (IncomingCall) or dialled (Dial()): exactly one
// per leg, after which the LegId is dead and commands on it are ignored.
struct LegEnded {
  LegId leg = 0;
  EndCause cause = EndCause::kError;
  // The SIP status that ended the leg: the final response of a rejected, cancelled (487) or
  // timed-out (408) INVITE, 200 for a BYE, 0 when no SIP exchange decided it (Stop()).
  int status = 0;
  std::string reason;  // human-readable: the SIP phrase or what happened; for logs only
};

// A re-INVITE on an answered leg carried a new offer: the far end may have moved its media
// (an SBC, a transfer, a hold). It was answered 200 with the SDP we sent before.
struct LegMediaChanged {
  LegId leg = 0;
  std::string remote_sdp;
};

// A key pressed on an answered leg, sent as SIP INFO (application/dtmf-relay or
// application/dtmf) by phones that do not send RFC 4733 events; answered 200.
struct LegDigit {
  LegId leg = 0;
  char key = 0;  // 0-9, *, #, A-D
};

using SipEvent =
    std::variant<IncomingCall, LegRinging, LegAnswered, LegMediaChanged, LegDigit, LegEnded>;

// What Dial() sends to the trunk.
struct OutgoingCall {
  std::string to_user;       // the agent's number: INVITE sip:<to_user>@trunk
  std::string from_user;     // the hotline number, shown to the agent as caller
  std::string from_display;  // the hotline's name, the From display name (any UTF-8; escaped)
  std::string local_sdp;     // our offer (BuildAudioSdp())
};

const char* EndCauseName(EndCause cause);

// A SIP user agent on sofia-sip nua, signalling only (SDP is passed through as text).
//
// Threading: sofia's objects live on one thread that Start() creates (the "SIP thread"; nua's
// stack runs on it too). Commands may be called from any thread: they are queued to
// the SIP thread and never block on the network. Events are delivered one at a time, in order,
// on the SIP thread, to the handler given to the constructor; the handler must not block, must
// not throw and must not call Stop() (post the event to your own queue instead). It may call
// the commands.
//
// Every INVITE request, inbound or outbound, is one leg. A leg's events are IncomingCall (or the
// Dial() call) first, then for outbound legs LegRinging*/LegAnswered, LegMediaChanged* and
// LegDigit* once answered, and always exactly one LegEnded last, also when the far end vanishes
// (transaction timeouts) and on Stop(). Commands on an unknown or ended leg, or that do not fit the
// leg's state (Answer() on an outbound leg, Reject() after Answer()), are ignored and logged: the
// leg may have ended concurrently.
//
// Re-INVITEs (session timer refreshes, holds) on an answered leg are answered 200 with the SDP
// we last sent and, when they carry an offer, reported as LegMediaChanged; session timers
// requested by the far end are honoured by nua.
class SipEndpoint {
 public:
  using EventHandler = std::function<void(SipEvent)>;

  SipEndpoint(SipConfig config, EventHandler on_event);
  ~SipEndpoint();  // calls Stop()
  SipEndpoint(const SipEndpoint&) = delete;
  SipEndpoint& operator=(const SipEndpoint&) = delete;

  // Binds UDP and TCP on listen_host:listen_port (and TLS, see SipConfig) and starts the SIP
  // thread; returns the bound port. Errors: kUnavailable when the address cannot be bound (port
  // in use, host not local) or, with credentials, the trunk's host does not resolve;
  // kInvalidArgument for TLS files that cannot be read or do not match; kFailedPrecondition
  // when called twice. Call from one owner thread, like Stop().
  [[nodiscard]] Result<std::uint16_t> Start();

  // Hangs up every leg still up (BYE, CANCEL or 480), waits for those transactions (about 5 s
  // at most for unresponsive peers, up to 32 s if nua's own shutdown waits on a dead peer),
  // delivers the remaining LegEnded events (cause kStopped), shuts nua down and joins the SIP
  // thread. Idempotent; commands after Stop() are dropped. Must not be called from the handler.
  void Stop();

  // Sends 180 Ringing on an unanswered inbound leg.
  void Ring(LegId inbound);
  // Sends 200 OK with local_sdp on an unanswered inbound leg.
  void Answer(LegId inbound, std::string local_sdp);
  // Sends a final status 300..699 (others become 500) on an unanswered inbound leg, a 503 with
  // Retry-After: kRetryAfterSeconds; LegEnded (kRejected, status) follows once the transaction
  // is done.
  void Reject(LegId inbound, int status, std::string reason);

  // Sends INVITE sip:<to_user>@<trunk> with From "<from_display>" <sip:<from_user>@<from_host>>
  // (or the configured trunk.from_user in From and from_user in P-Asserted-Identity) and
  // local_sdp as the offer. Returns the new leg at once; the outcome comes as events. A 401 or
  // 407 from the trunk is answered once with the configured credentials (the INVITE is sent
  // again, same Call-ID, next CSeq); a challenge that is not answered ends the leg with kRejected,
  // the challenge's status and the reason in words (wrong credentials, foreign source or realm).
  // Errors: kInvalidArgument for a user part with characters outside [A-Za-z0-9+-._!~*'()&=$,]
  // or an empty SDP; kFailedPrecondition before Start(), after Stop() or without a trunk_host.
  [[nodiscard]] Result<LegId> Dial(const OutgoingCall& call);

  // Ends the leg whatever its state: 480 an unanswered inbound leg, CANCEL an outbound leg still
  // ringing, BYE an answered one (a 200 that crosses our CANCEL is ACKed and then BYEd).
  // Always followed by exactly one LegEnded (kLocalHangup unless the leg was ending already).
  void Hangup(LegId leg);

  // The trunk registration's state now (kOff unless trunk.register_account). Thread-safe.
  RegistrationStatus TrunkRegistration() const;

  // What the flood and scanner shield did so far. Thread-safe.
  ShieldStats Shield() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fr::sip
