#include "adapters/telephony/sip/sofia_loop.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <mutex>
#include <random>
#include <string_view>
#include <utility>

#include "adapters/telephony/sip/sip_invite_info.hpp"
#include "adapters/telephony/sip/sip_text.hpp"
#include "adapters/telephony/sip/tls_files.hpp"

namespace fr::sip {
namespace {

// How long Stop() lets our BYEs and CANCELs run before nua's shutdown takes over.
constexpr su_duration_t kStopGraceMs = 5000;
constexpr auto kOpenTimeout = std::chrono::seconds(5);
// nua gives up on its own after 30 s (status 500).
constexpr auto kNuaShutdownTimeout = std::chrono::seconds(35);

const char* kSdpType = "application/sdp";
// The methods we answer and the extensions we implement (session timers, refreshed by UPDATE;
// INFO for phones that send keys that way).
const char* kAllow = "INVITE, ACK, BYE, CANCEL, OPTIONS, UPDATE, INFO";
const char* kSupported = "timer";

// sofia's diagnostics (parse errors, ICMP errors) go to our log instead of stderr. Called from
// the SIP thread (nua's stack runs there too); spdlog's default logger is thread-safe.
void LogSofia(void*, const char* format, va_list args) {
  char line[512];
  const int n = std::vsnprintf(line, sizeof line, format, args);
  if (n <= 0) return;
  std::string_view text(line, std::min<std::size_t>(static_cast<std::size_t>(n), sizeof line - 1));
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  if (!text.empty()) spdlog::debug("sofia: {}", text);
}

}  // namespace
}  // namespace fr::sip

// The logs of sofia's modules, exported by libsofia-sip-ua (most in no installed header). Each
// writes to stderr unless redirected itself: the default log's redirect does not reach them
// (tport's "stun request from …" went straight to stderr).
extern "C" {
extern su_log_t iptsec_log[], nea_log[], nta_log[], nth_client_log[], nth_server_log[],
    nua_log[], soa_log[], sresolv_log[], stun_log[], tport_log[];
}

namespace fr::sip {
namespace {

// su_init() only sets process-wide state (SIGPIPE ignored, log init); su_deinit() is a no-op on
// POSIX. Once per process is enough and keeps two endpoints in one process independent.
void InitSofiaOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    su_init();
    su_log_redirect(nullptr, LogSofia, nullptr);
    for (su_log_t* log : {iptsec_log, nea_log, nta_log, nth_client_log, nth_server_log, nua_log,
                          soa_log, sresolv_log, stun_log, tport_log}) {
      su_log_redirect(log, LogSofia, nullptr);
    }
  });
}

// The Retry-After of our 503s, as the header's text.
const char* RetryAfter() {
  static const std::string text = std::to_string(kRetryAfterSeconds);
  return text.c_str();
}

EndCause CauseOfFinalStatus(int status) {
  if (status == 408) return EndCause::kTimeout;
  if (status >= 300 && status < 700) return EndCause::kRejected;
  return EndCause::kError;
}

// True if UDP and TCP can be bound at host:port now. sofia 1.12.11's nua_create() leaks its
// memory home when binding fails, so the common failure (port in use) is detected first.
bool CanBind(const std::string& host, std::uint16_t port) {
  addrinfo hints{};
  hints.ai_flags = AI_NUMERICHOST | AI_PASSIVE;
  addrinfo* found = nullptr;
  const char* node = host == "0.0.0.0" || host == "::" ? nullptr : host.c_str();
  if (getaddrinfo(node, std::to_string(port).c_str(), &hints, &found) != 0) return true;
  bool ok = true;
  for (int type : {SOCK_DGRAM, SOCK_STREAM}) {
    const int fd = socket(found->ai_family, type | SOCK_CLOEXEC, 0);
    if (fd < 0) continue;
    if (type == SOCK_STREAM) {
      const int one = 1;
      setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);  // as tport does
    }
    if (bind(fd, found->ai_addr, found->ai_addrlen) != 0 && errno == EADDRINUSE) ok = false;
    close(fd);
  }
  freeaddrinfo(found);
  return ok;
}

std::string ListenUrl(const SipConfig& config) {
  return "sip:" + UriHost(config.listen_host) + ":" + std::to_string(config.listen_port);
}

// A port of `host` that UDP and TCP (or TCP alone) can bind now; nullopt if none was found.
std::optional<std::uint16_t> FreePort(const std::string& host, bool udp_too) {
  for (int attempt = 0; attempt < 20; ++attempt) {
    addrinfo hints{};
    hints.ai_flags = AI_NUMERICHOST | AI_PASSIVE;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (getaddrinfo(host.c_str(), "0", &hints, &found) != 0) return std::nullopt;
    std::optional<std::uint16_t> port;
    const int fd = socket(found->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_storage bound{};
    socklen_t length = sizeof bound;
    if (fd >= 0 && bind(fd, found->ai_addr, found->ai_addrlen) == 0 &&
        getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &length) == 0) {
      port = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                               : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
    }
    if (fd >= 0) close(fd);
    freeaddrinfo(found);
    if (port && (!udp_too || CanBind(host, *port))) return port;
  }
  return std::nullopt;
}

// SIP over TLS listens on the port after the plain one (5061 beside 5060). With ephemeral
// ports both are chosen here: nua reports only one transport's port, and with TLS that is the
// sips: one. (A port could be taken between this check and nua's bind; nua then fails to
// start, as with any port in use.)
Result<std::pair<std::uint16_t, std::uint16_t>> SipAndTlsPorts(const SipConfig& config) {
  std::optional<std::uint16_t> sip = config.listen_port;
  if (*sip == 0) sip = FreePort(config.listen_host, true);
  std::optional<std::uint16_t> tls;
  if (config.listen_port == 0) {
    tls = FreePort(config.listen_host, false);
  } else if (config.listen_port < 65535 &&
             CanBind(config.listen_host, static_cast<std::uint16_t>(config.listen_port + 1))) {
    tls = static_cast<std::uint16_t>(config.listen_port + 1);
  }
  if (!sip || !tls || *tls == *sip) {
    return Error::Unavailable("no port for SIP over TLS beside " + config.listen_host + ":" +
                              std::to_string(config.listen_port));
  }
  return std::make_pair(*sip, *tls);
}

// A value in [0, 1) for the registration's backoff jitter.
double UnitRandom() {
  thread_local std::minstd_rand generator(std::random_device{}());
  return std::uniform_real_distribution<double>(0.0, 1.0)(generator);
}

}  // namespace

SofiaLoop::SofiaLoop(const SipConfig& config, Emit emit, NewLegId new_leg_id,
                     RegistrationBoard& registration, RequestShield& shield)
    : config_(config),
      emit_(std::move(emit)),
      new_leg_id_(std::move(new_leg_id)),
      registration_(registration),
      shield_(shield),
      register_backoff_(UnitRandom) {}

SofiaLoop::~SofiaLoop() {
  if (grace_timer_ != nullptr) su_timer_destroy(grace_timer_);
  if (registrar_.timer != nullptr) su_timer_destroy(registrar_.timer);
  // nua_destroy() refuses (and leaks) a stack whose shutdown has not completed. Run() returns
  // only after it has; this covers an Open() that failed half-way.
  if (nua_ != nullptr && !nua_shutdown_done_) {
    StartNuaShutdown();
    const auto deadline = std::chrono::steady_clock::now() + kNuaShutdownTimeout;
    while (!nua_shutdown_done_ && std::chrono::steady_clock::now() < deadline) {
      su_root_step(root_, 100);
    }
  }
  if (nua_ != nullptr && nua_shutdown_done_) nua_destroy(nua_);
  if (wake_registered_) su_root_unregister(root_, &wake_wait_, OnWake, this);
  if (root_ != nullptr) su_root_destroy(root_);
}

Result<std::uint16_t> SofiaLoop::Open(int wake_fd, std::function<void()> on_wake) {
  InitSofiaOnce();
  FR_RETURN_IF_ERROR(ResolveTrunkAccount());
  root_ = su_root_create(this);
  if (root_ == nullptr) return Error::Internal("su_root_create failed");
  // nua's stack shares this thread and its loop: with a stack thread of its own, every request
  // and event crossed threads through sofia's message queue, and that thread's su_root_run()
  // busy-polled before each timer, which only a loop of ours can avoid (decision 0035).
  su_root_threading(root_, 0);
  if (config_.listen_port != 0 && !CanBind(config_.listen_host, config_.listen_port)) {
    return Error::Unavailable("SIP port " + std::to_string(config_.listen_port) + " is in use");
  }
  const bool tls = config_.trunk.transport == TrunkTransport::kTls;
  // Lives until nua has read it (nua_create binds every transport before it returns).
  std::optional<SofiaTlsDirectory> tls_directory;
  std::string sips_url;
  if (tls) {
    const TrunkOptions& files = config_.trunk;
    FR_ASSIGN_OR_RETURN(SofiaTlsDirectory directory,
                        SofiaTlsDirectory::Create(files.tls_certificate_file,
                                                  files.tls_private_key_file, files.tls_ca_file));
    tls_directory.emplace(std::move(directory));
    FR_ASSIGN_OR_RETURN(const auto ports, SipAndTlsPorts(config_));
    config_.listen_port = ports.first;
    tls_port_ = ports.second;
    sips_url = "sips:" + UriHost(config_.listen_host) + ":" + std::to_string(ports.second);
    spdlog::info("sip: SIP over TLS on {}:{}", UriHost(config_.listen_host), ports.second);
  }
  const std::string tls_path = tls ? tls_directory->path().string() : std::string();
  const std::string url = ListenUrl(config_);
  request_filter_.emplace(shield_);
  const msg_mclass_t* mclass = request_filter_->mclass();
  nua_ = nua_create(root_, OnNuaEvent, this, NUTAG_URL(url.c_str()),
                    // Floods and scanners are dropped as sofia parses them (decision 0029).
                    TAG_IF(mclass != nullptr, NTATAG_MCLASS(mclass)),
                    // TLS (decision 0022): our certificate for both directions; the trunk's
                    // checked against the CA store and against its host name.
                    TAG_IF(tls, NUTAG_SIPS_URL(sips_url.c_str())),
                    TAG_IF(tls, TPTAG_CERTIFICATE(tls_path.c_str())),
                    TAG_IF(tls, TPTAG_TLS_VERIFY_POLICY(TPTLS_VERIFY_SUBJECTS_OUT)),
                    // No sofia SDP engine: the owner passes SDP text in and out.
                    NUTAG_MEDIA_ENABLE(0), NUTAG_AUTOALERT(0), NUTAG_AUTOANSWER(0),
                    // Refresh session timers with UPDATE where the peer allows it: a re-INVITE
                    // without soa would carry no offer.
                    NUTAG_UPDATE_REFRESH(1), NUTAG_ENABLEMESSAGE(0),
                    // Bounds for what unauthenticated peers can make us hold: a message may
                    // take 32 s to arrive and be 64 KiB at most; an idle connection goes
                    // after a minute (tport's TCP defaults are no limit, 2 MB, 30 minutes).
                    TPTAG_TIMEOUT(32000), TPTAG_IDLE(60000), NTATAG_MAXSIZE(65536),
                    // No STUN answers on the SIP port: nothing of ours uses them, a stranger
                    // could use them to reflect traffic, and sofia's mini STUN server prints
                    // each request to stderr, past any log redirect.
                    TPTAG_STUN_SERVER(0),
                    // What we really do, not sofia's defaults (MESSAGE, SUBSCRIBE, REFER,
                    // 100rel…). OPTIONS are ours to answer: strangers get 403.
                    SIPTAG_ALLOW_STR(kAllow), SIPTAG_SUPPORTED_STR(kSupported),
                    SIPTAG_ACCEPT_STR(kSdpType), NUTAG_APPL_METHOD("OPTIONS"),
                    SIPTAG_USER_AGENT_STR(config_.user_agent.c_str()), TAG_END());
  if (nua_ == nullptr) {
    return Error::Unavailable("cannot listen for SIP on " + config_.listen_host + ":" +
                              std::to_string(config_.listen_port));
  }
  on_wake_ = std::move(on_wake);
  su_wait_create(&wake_wait_, wake_fd, SU_WAIT_IN);
  if (su_root_register(root_, &wake_wait_, OnWake, this, 0) < 0) {
    return Error::Internal("su_root_register failed");
  }
  wake_registered_ = true;
  runner_.emplace(root_, wake_fd);
  if (tls) {
    bound_port_ = config_.listen_port;  // chosen above: nua's Contact would name the TLS port
  } else {
    // With port 0 only the transport knows the port: ask nua for its Contact.
    nua_get_params(nua_, TAG_ANY(), TAG_END());
    const auto deadline = std::chrono::steady_clock::now() + kOpenTimeout;
    while (!bound_port_ && std::chrono::steady_clock::now() < deadline) su_root_step(root_, 100);
    if (!bound_port_) return Error::Internal("nua did not report its transport");
  }
  if (config_.trunk.register_account) StartRegistration();
  return *bound_port_;
}

void SofiaLoop::Run() {
  runner_->Run([this] { return nua_shutdown_done_; });
}

int SofiaLoop::OnWake(SofiaLoop* self, su_wait_t*, SofiaLoop*) {
  self->runner_->NoteWork();
  self->on_wake_();
  return 0;
}

void SofiaLoop::OnNuaEvent(nua_event_t event, int status, const char* phrase, nua_t*,
                           SofiaLoop* self, nua_handle_t* nh, Leg* leg, const sip_t* sip,
                           tagi_t tags[]) {
  if (self->runner_) self->runner_->NoteWork();
  self->HandleEvent(event, status, phrase, nh, leg, sip, tags);
}

void SofiaLoop::HandleEvent(nua_event_t event, int status, const char* phrase, nua_handle_t* nh,
                            Leg* leg, const sip_t* sip, tagi_t tags[]) {
  phrase = phrase != nullptr ? phrase : "";
  switch (event) {
    case nua_r_get_params: {
      const sip_contact_t* contact = nullptr;
      tl_gets(tags, NTATAG_CONTACT_REF(contact), TAG_END());
      const char* port = contact != nullptr ? contact->m_url->url_port : nullptr;
      bound_port_ = static_cast<std::uint16_t>(port ? std::atoi(port) : 5060);
      return;
    }
    case nua_i_invite:
      OnIncomingInvite(status, nh, leg, sip);
      return;
    case nua_r_invite:
      if (leg != nullptr && !leg->inbound && !leg->ended)
        OnInviteResponse(status, phrase, *leg, sip);
      return;
    case nua_i_cancel:
      if (leg != nullptr) SetCause(*leg, EndCause::kRemoteCancel, 487, "caller cancelled");
      return;
    case nua_i_bye:
      if (leg != nullptr) SetCause(*leg, EndCause::kRemoteBye, 200, "remote BYE");
      return;
    case nua_i_state: {
      int state = nua_callstate_init;
      tl_gets(tags, NUTAG_CALLSTATE_REF(state), TAG_END());
      if (state == nua_callstate_terminated) OnTerminated(status, phrase, nh, leg);
      return;
    }
    case nua_r_method:  // our REGISTERs (sofia_register.cpp)
      if (nh != nullptr && nh == registrar_.nh) OnRegisterResponse(status, phrase, sip);
      return;
    case nua_r_shutdown:
      if (status >= 200) {
        if (status != 200) spdlog::warn("sip: nua shutdown ended with {} {}", status, phrase);
        nua_shutdown_done_ = true;
        su_root_break(root_);
      }
      return;
    case nua_i_options:
      AnswerOptions(nh);
      return;
    case nua_i_info:
      // nua has answered it 200. Outside any call (nua accepts INFO without a dialog) the
      // handle nua made for it is ours to free, or each such INFO would leak one.
      // (Handles of INVITEs we refused unbound are freed when they terminate.)
      if (leg == nullptr) {
        if (nh != nullptr && !nua_handle_has_invite(nh)) nua_handle_destroy(nh);
        return;
      }
      // Keys count on answered legs only: before that nobody listens.
      if (leg->answered && !leg->ended && sip != nullptr &&
          sip->sip_content_type != nullptr && sip->sip_payload != nullptr) {
        const auto key =
            DtmfKeyOfInfo(sip->sip_content_type->c_type ? sip->sip_content_type->c_type : "",
                          std::string_view(sip->sip_payload->pl_data, sip->sip_payload->pl_len));
        if (key) emit_(LegDigit{leg->id, *key});
      }
      return;
    default:
      // A request outside any call (MESSAGE, SUBSCRIBE…): nua has answered it or
      // answers on destroy; the handle is ours to free.
      if (leg == nullptr && nh != nullptr && nua_event_is_incoming_request(event)) {
        nua_handle_destroy(nh);
      }
      return;
  }
}

void SofiaLoop::AnswerOptions(nua_handle_t* nh) {
  const std::string source = SourceAddress(nua_current_request(nua_));
  if (config_.answers_options_from && !config_.answers_options_from(source)) {
    nua_respond(nh, SIP_403_FORBIDDEN, NUTAG_WITH_CURRENT(nua_), TAG_END());
  } else if (config_.draining && config_.draining()) {
    nua_respond(nh, SIP_503_SERVICE_UNAVAILABLE, SIPTAG_RETRY_AFTER_STR(RetryAfter()),
                NUTAG_WITH_CURRENT(nua_), TAG_END());
  } else {
    // nua adds the Allow, Supported and Accept set at nua_create to every answer.
    nua_respond(nh, SIP_200_OK, NUTAG_WITH_CURRENT(nua_), TAG_END());
  }
  nua_handle_destroy(nh);
}

void SofiaLoop::OnIncomingInvite(int status, nua_handle_t* nh, Leg* leg, const sip_t* sip) {
  if (leg != nullptr) {
    // A re-INVITE (session refresh, hold): nua does not answer it without its SDP engine.
    if (leg->answered && !leg->ended && !leg->hangup_requested && status < 200) {
      nua_respond(nh, SIP_200_OK, SIPTAG_CONTENT_TYPE_STR(kSdpType),
                  SIPTAG_PAYLOAD_STR(leg->local_sdp.c_str()), TAG_END());
      if (std::string offer = RemoteSdp(sip); !offer.empty()) {
        emit_(LegMediaChanged{leg->id, std::move(offer)});
      }
    } else if (status < 200) {
      nua_respond(nh, SIP_491_REQUEST_PENDING, TAG_END());
    }
    return;
  }
  if (status >= 200 || sip == nullptr || shutting_down_) {
    // nua has rejected it already, or we are stopping: no call for the owner.
    if (status < 200) nua_respond(nh, SIP_503_SERVICE_UNAVAILABLE, TAG_END());
    return;  // the handle is destroyed when it terminates
  }
  if (RefusedAboveDialogCap(nh)) return;  // the handle is destroyed when it terminates
  auto owned = std::make_unique<Leg>();
  Leg& fresh = *owned;
  fresh.id = new_leg_id_();
  fresh.nh = nh;
  fresh.inbound = true;
  fresh.reported = true;
  CountInProgress(fresh);
  legs_.emplace(fresh.id, std::move(owned));
  nua_handle_bind(nh, &fresh);
  emit_(DescribeInvite(fresh.id, nua_current_request(nua_), sip, config_.inbound_number_from));
}

bool SofiaLoop::RefusedAboveDialogCap(nua_handle_t* nh) {
  const std::size_t cap = config_.shield.max_dialogs;
  if (cap == 0 || dialogs_in_progress_ < cap) return false;
  // The calls already up keep their ports and their thread; the trunk may try elsewhere.
  nua_respond(nh, SIP_503_SERVICE_UNAVAILABLE, SIPTAG_RETRY_AFTER_STR(RetryAfter()), TAG_END());
  shield_.CountDialogCapRefusal();
  return true;
}

void SofiaLoop::CountInProgress(Leg& leg) {
  if (leg.in_progress) return;
  leg.in_progress = true;
  shield_.SetDialogsInProgress(++dialogs_in_progress_);
}

void SofiaLoop::NoLongerInProgress(Leg& leg) {
  if (!leg.in_progress) return;
  leg.in_progress = false;
  shield_.SetDialogsInProgress(--dialogs_in_progress_);
}

void SofiaLoop::OnInviteResponse(int status, const char* phrase, Leg& leg, const sip_t* sip) {
  if (status < 200) {
    if (status >= 180 && !leg.hangup_requested) emit_(LegRinging{leg.id, status});
    return;
  }
  if (status < 300) {
    leg.answered = true;
    if (leg.hangup_requested) {
      // Our CANCEL crossed the 200: nua has ACKed it, the dialog is up, end it.
      nua_bye(leg.nh, TAG_END());
      leg.end_status = 200;
      return;
    }
    emit_(LegAnswered{leg.id, RemoteSdp(sip)});
    return;
  }
  if ((status == 401 || status == 407) && IsFromPeer(sip) &&
      RetryWithCredentials(leg, status, sip)) {
    return;  // the same leg goes on with a new INVITE
  }
  const EndCause cause =
      IsFromPeer(sip) || status == 408 ? CauseOfFinalStatus(status) : EndCause::kError;
  SetCause(leg, cause, status, phrase);
  leg.end_status = status;  // after a CANCEL: 487, kept with the kLocalHangup cause
  if (status == 401 || status == 407) {
    // nua keeps a challenged request waiting for credentials we do not have: no terminated
    // state follows and a CANCEL finds no transaction. The leg ends here, or never.
    OnTerminated(status, phrase, leg.nh, &leg);  // frees `leg`
  }
}

void SofiaLoop::OnTerminated(int status, const char* phrase, nua_handle_t* nh, Leg* leg) {
  if (leg != nullptr) {
    if (!leg->ended) {
      SetCause(*leg, CauseOfFinalStatus(status), status, phrase);
      Finish(*leg);
    }
    legs_.erase(leg->id);  // frees *leg
  }
  // Only now may the handle go (spike pitfall): nua drops its queued events with it. A leg
  // whose challenged handle went has none when no new INVITE could be sent.
  if (nh != nullptr) {
    nua_handle_bind(nh, nullptr);
    nua_handle_destroy(nh);
  }
  if (shutting_down_) ShutdownIfSettled();
}

void SofiaLoop::SetCause(Leg& leg, EndCause cause, int status, std::string reason) {
  if (leg.cause) return;
  leg.cause = cause;
  leg.end_status = status;
  leg.end_reason = std::move(reason);
}

void SofiaLoop::Finish(Leg& leg) {
  leg.ended = true;
  NoLongerInProgress(leg);
  if (!leg.reported) return;
  const EndCause cause = leg.cause.value_or(EndCause::kError);
  std::string reason = leg.end_reason.empty() ? EndCauseName(cause) : leg.end_reason;
  emit_(LegEnded{leg.id, cause, leg.end_status, std::move(reason)});
}

Leg* SofiaLoop::Find(LegId id, const char* command) {
  auto it = legs_.find(id);
  if (it == legs_.end() || it->second->ended) {
    spdlog::debug("sip: {} on leg {} ignored: no such leg (ended?)", command, id);
    return nullptr;
  }
  return it->second.get();
}

void SofiaLoop::Ring(LegId id) {
  Leg* leg = Find(id, "Ring");
  if (leg == nullptr || !leg->inbound || leg->final_sent) return;
  nua_respond(leg->nh, SIP_180_RINGING, TAG_END());
}

void SofiaLoop::Answer(LegId id, std::string local_sdp) {
  Leg* leg = Find(id, "Answer");
  if (leg == nullptr || !leg->inbound || leg->final_sent) {
    if (leg != nullptr) spdlog::warn("sip: Answer on leg {} ignored: not an open inbound leg", id);
    return;
  }
  leg->local_sdp = std::move(local_sdp);
  leg->final_sent = true;
  leg->answered = true;
  nua_respond(leg->nh, SIP_200_OK, SIPTAG_CONTENT_TYPE_STR(kSdpType),
              SIPTAG_PAYLOAD_STR(leg->local_sdp.c_str()), TAG_END());
}

void SofiaLoop::Reject(LegId id, int status, std::string reason) {
  Leg* leg = Find(id, "Reject");
  if (leg == nullptr || !leg->inbound || leg->final_sent) {
    if (leg != nullptr) spdlog::warn("sip: Reject on leg {} ignored: not an open inbound leg", id);
    return;
  }
  if (status < 300 || status > 699) status = 500;
  // nua_respond() hands the phrase pointer, uncopied, to nua's stack in a message run later
  // (unlike tags, which it duplicates): it must live in the Leg, which outlasts the response.
  leg->response_phrase = SafeReasonPhrase(reason, "Rejected");
  leg->final_sent = true;
  NoLongerInProgress(*leg);
  SetCause(*leg, EndCause::kRejected, status, leg->response_phrase);
  // A 503 says when to come back (a drain, no media port): the trunk may try elsewhere first.
  nua_respond(leg->nh, status, leg->response_phrase.c_str(),
              TAG_IF(status == 503, SIPTAG_RETRY_AFTER_STR(RetryAfter())), TAG_END());
}

void SofiaLoop::Hangup(LegId id) {
  Leg* leg = Find(id, "Hangup");
  if (leg != nullptr) HangupLeg(*leg, EndCause::kLocalHangup);
}

void SofiaLoop::HangupLeg(Leg& leg, EndCause cause) {
  if (leg.hangup_requested) return;
  leg.hangup_requested = true;
  if (leg.inbound && !leg.final_sent) {
    leg.final_sent = true;
    NoLongerInProgress(leg);
    SetCause(leg, cause, 480, "Temporarily Unavailable");
    nua_respond(leg.nh, SIP_480_TEMPORARILY_UNAVAILABLE, TAG_END());
  } else if (leg.answered) {
    SetCause(leg, cause, 200, "local BYE");
    nua_bye(leg.nh, TAG_END());
  } else if (!leg.inbound) {
    SetCause(leg, cause, 487, "local CANCEL");
    nua_cancel(leg.nh, TAG_END());
  }
  // An inbound leg with a final error response sent is ending already: nothing to send.
}

void SofiaLoop::Shutdown() {
  if (shutting_down_) return;
  shutting_down_ = true;
  for (auto& [id, leg] : legs_) {
    if (!leg->ended) HangupLeg(*leg, EndCause::kStopped);
  }
  const bool unregistering = Unregister();
  if (legs_.empty() && !unregistering) {
    StartNuaShutdown();
    return;
  }
  // Peers that do not answer our BYE/CANCEL (or un-REGISTER) must not hold Stop() for 32 s of
  // retransmissions.
  grace_timer_ = su_timer_create(su_root_task(root_), kStopGraceMs);
  if (grace_timer_ == nullptr || su_timer_set(grace_timer_, OnGraceTimer, this) < 0) {
    StartNuaShutdown();
  }
}

void SofiaLoop::OnGraceTimer(SofiaLoop* self, su_timer_t*, SofiaLoop*) { self->StartNuaShutdown(); }

void SofiaLoop::StartNuaShutdown() {
  if (nua_shutdown_started_) return;
  nua_shutdown_started_ = true;
  DropRegisterHandle();
  // nua delivers no more call events once shut down: settle every leg now.
  for (auto& [id, leg] : legs_) {
    if (leg->ended) continue;
    SetCause(*leg, EndCause::kStopped, 0, "endpoint stopped");
    Finish(*leg);
  }
  nua_shutdown(nua_);
}

}  // namespace fr::sip
