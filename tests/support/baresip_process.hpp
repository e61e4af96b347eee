#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "support/peer_process.hpp"
#include "support/temp_dir.hpp"
#include "support/wav_audio.hpp"

namespace fr::testing {

// The events a test waits for, as baresip's ctrl_tcp module names them.
namespace baresip_event {
inline constexpr const char* kRegisterOk = "REGISTER_OK";
inline constexpr const char* kRegisterFail = "REGISTER_FAIL";
inline constexpr const char* kCallIncoming = "CALL_INCOMING";  // manual answer mode only
inline constexpr const char* kCallRinging = "CALL_RINGING";    // our outgoing call rings
inline constexpr const char* kCallEstablished = "CALL_ESTABLISHED";
inline constexpr const char* kCallClosed =
    "CALL_CLOSED";  // param: the reason, e.g. "486 Busy Here"
inline constexpr const char* kDtmfStart = "CALL_DTMF_START";  // param: the digit received
inline constexpr const char* kDtmfEnd = "CALL_DTMF_END";
}  // namespace baresip_event

// One event baresip reported: its type, its "param" (see above) and the call it concerns.
struct BaresipEvent {
  std::string type;
  std::string param;
  std::string call_id;    // baresip's id of the call ("" for registration events)
  std::string peer_uri;   // the other side of the call
  std::string direction;  // "incoming" or "outgoing"
};

enum class AnswerMode {
  kManual,  // incoming calls ring (CALL_INCOMING) until Answer()
  kAuto,    // incoming calls are answered at once
};

struct BaresipSettings {
  std::string user;              // the account's user part, e.g. "0049170111111"
  std::string domain;            // the registrar (or direct peer) as "127.0.0.1:port"
  std::string password;          // for digest challenges; empty: none
  bool register_account = true;  // REGISTER at `domain` (and wait for 200) or not at all
  std::string transport;         // "", "udp", "tcp" or "tls", towards `domain`
  AnswerMode answer_mode = AnswerMode::kManual;
  int tone_hz = 440;  // its voice: a sine of this frequency, sent whenever a call is up
};

// baresip (Debian's baresip-core) as a phone on 127.0.0.1, driven over its ctrl_tcp interface:
// one account, no audio hardware (it speaks a sine wave and records what it receives, see
// ReceivedAudio()). Everything it writes lives in a temporary directory, removed with the object;
// the process is ended when the object dies. Methods are called from one test thread; events
// are collected by a reader thread.
class BaresipProcess {
 public:
  // Starts baresip with the account and returns when it is ready (registered, if it registers).
  // Throws std::runtime_error with baresip's log if it does not get there within 10 s.
  explicit BaresipProcess(BaresipSettings settings);
  ~BaresipProcess();
  BaresipProcess(const BaresipProcess&) = delete;
  BaresipProcess& operator=(const BaresipProcess&) = delete;

  // Where it receives SIP (UDP and TCP; TLS on sip_port() + 1).
  std::uint16_t sip_port() const { return sip_port_; }
  // "sip:<user>@<domain>".
  std::string aor() const;

  // Calls `target`: a number or user (completed with the account's domain) or a full SIP URI.
  void Dial(const std::string& target);
  // Answers the ringing incoming call (AnswerMode::kManual).
  void Answer();
  // Sends `digits` (0-9, *, #) as RFC 4733 telephone-events in the current call.
  void SendDtmf(const std::string& digits);
  // Ends the current call (BYE, CANCEL or a rejection, whatever fits its state).
  void HangUp();

  // Waits until `type` has been reported `occurrences` times since the start; false after
  // `timeout`. Counting (rather than consuming) keeps waits independent of their order.
  bool WaitForEvent(const std::string& type, std::chrono::milliseconds timeout,
                    int occurrences = 1) const;
  int CountEvents(const std::string& type) const;
  std::vector<BaresipEvent> Events() const;
  // The digits received as RFC 4733 events so far, in order.
  std::string ReceivedDigits() const;
  // Waits until ReceivedDigits() contains `digits`; false after `timeout`.
  bool WaitForDigits(const std::string& digits, std::chrono::milliseconds timeout) const;

  // The audio of the newest call as baresip decoded it from the peer's RTP (8 kHz mono PCM),
  // and as it encoded it (its own sine). Complete once the call has closed; empty if no call
  // had audio.
  PcmAudio ReceivedAudio() const;
  PcmAudio SentAudio() const;

  // baresip's log (colours and status lines removed) and the events, for failure messages.
  std::string Logs() const;

 private:
  void WriteConfig() const;
  void AddAccount();
  void Shutdown();
  bool WaitUntil(const std::function<bool(const std::vector<BaresipEvent>&)>& done,
                 std::chrono::milliseconds timeout) const;
  bool Connect(std::chrono::milliseconds timeout);
  void ReadEvents();
  void HandleMessage(const nlohmann::json& message);
  std::string Command(const std::string& command, const std::string& params = "");
  PcmAudio NewestRecording(const std::string& suffix) const;

  BaresipSettings settings_;
  TempDir dir_;
  std::uint16_t sip_port_ = 0;
  std::uint16_t control_port_ = 0;
  std::unique_ptr<PeerProcess> process_;
  int control_ = -1;  // the ctrl_tcp connection
  std::thread reader_;
  int next_token_ = 0;

  mutable std::mutex mu_;
  mutable std::condition_variable changed_;
  std::vector<BaresipEvent> events_;       // Guarded by mu_.
  std::vector<nlohmann::json> responses_;  // Guarded by mu_.
  bool disconnected_ = false;              // Guarded by mu_.
};

}  // namespace fr::testing
