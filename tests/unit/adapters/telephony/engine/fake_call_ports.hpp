#pragma once

// Fakes of the call control's ports, all used on the test thread: they record what the control
// asked for and let the test decide what happens next (answers, prompt ends, timers).

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "adapters/telephony/engine/call_media.hpp"
#include "adapters/telephony/engine/call_router.hpp"
#include "adapters/telephony/engine/call_signalling.hpp"
#include "adapters/telephony/engine/control_loop.hpp"
#include "app/speech_synthesizer.hpp"

namespace fr::telephony::testing {

// Records commands; Dial() hands out legs 101, 102, … unless `dial_error` is set.
class FakeSignalling final : public CallSignalling {
 public:
  struct Rejection {
    LegId leg = 0;
    int status = 0;
  };
  void Answer(LegId inbound, std::string local_sdp) override {
    answered.push_back(inbound);
    answer_sdp = std::move(local_sdp);
  }
  void Reject(LegId inbound, int status, std::string) override {
    rejected.push_back({inbound, status});
  }
  Result<LegId> Dial(const sip::OutgoingCall& call) override {
    if (dial_error) return *dial_error;
    dialled.push_back(call);
    dialled_legs.push_back(next_leg);
    return next_leg++;
  }
  void Hangup(LegId leg) override { hung_up.push_back(leg); }

  bool HungUp(LegId leg) const {
    return std::find(hung_up.begin(), hung_up.end(), leg) != hung_up.end();
  }

  std::vector<LegId> answered;
  std::string answer_sdp;
  std::vector<Rejection> rejected;
  std::vector<sip::OutgoingCall> dialled;
  std::vector<LegId> dialled_legs;
  std::vector<LegId> hung_up;
  std::optional<Error> dial_error;
  LegId next_leg = 101;
};

// Streams 1, 2, … on ports 40000, 40002, …; records what was played, bridged and closed.
class FakeMedia final : public CallMedia {
 public:
  Result<media::StreamId> OpenStream() override {
    if (free_ports == 0) return Error::ResourceExhausted("No media port is free.");
    --free_ports;
    return media::StreamId(++last_stream_);
  }
  Result<std::uint16_t> LocalPort(media::StreamId stream) const override {
    return static_cast<std::uint16_t>(40000 + 2 * stream.value);
  }
  const std::string& LocalAddress() const override { return address_; }
  Status SetRemote(media::StreamId stream, const std::string& ip, std::uint16_t port,
                   media::Codec, int) override {
    remotes[stream.value] = ip + ":" + std::to_string(port);
    return Ok();
  }
  void Play(media::StreamId stream, std::shared_ptr<const std::vector<std::int16_t>>,
            std::function<void()> on_finished) override {
    played.push_back(stream.value);
    playing[stream.value] = std::move(on_finished);
  }
  void PlayRingback(media::StreamId stream) override { ringback.push_back(stream.value); }
  void Bridge(media::StreamId a, media::StreamId b) override {
    bridges.emplace_back(a.value, b.value);
  }
  void Close(media::StreamId stream) override {
    closed.push_back(stream.value);
    playing.erase(stream.value);
  }
  void OnInactive(media::StreamId stream, std::function<void()> callback) override {
    inactive[stream.value] = std::move(callback);
  }
  void OnDigit(media::StreamId stream, std::function<void(char)> callback) override {
    if (callback) {
      digits[stream.value] = std::move(callback);
    } else {
      digits.erase(stream.value);
    }
  }
  void SetRemoteRtcpPort(media::StreamId stream, std::uint16_t port) override {
    rtcp_ports[stream.value] = port;
  }
  void OnAudio(media::StreamId stream,
               std::function<void(std::vector<std::int16_t>)> callback) override {
    if (callback) {
      listeners[stream.value] = std::move(callback);
    } else {
      listeners.erase(stream.value);
    }
  }
  // Measured only while the stream is open, as the engine's answer would be; `on_closed`
  // runs at once, on the test thread (the control posts it to its loop).
  void CloseAndReport(media::StreamId stream, std::function<void(StreamReport)> on_closed,
                      bool call_waits) override {
    if (call_waits) reported_at_once.push_back(stream.value);
    StreamReport report;
    if (std::find(closed.begin(), closed.end(), stream.value) == closed.end()) {
      if (const auto found = qualities.find(stream.value); found != qualities.end()) {
        report.quality = found->second;
      }
      if (const auto found = received.find(stream.value); found != received.end()) {
        report.received = found->second;
      }
    }
    Close(stream);
    on_closed(report);
  }

  // The playback of `stream` ends (as the media thread would report it).
  void FinishPlayback(std::int64_t stream) {
    auto done = std::move(playing.at(stream));
    playing.erase(stream);
    if (done) done();
  }
  // The far end of `stream` presses `key` (an RFC 4733 event); false if nobody listens.
  bool Press(std::int64_t stream, char key) {
    const auto listener = digits.find(stream);
    if (listener == digits.end()) return false;
    listener->second(key);
    return true;
  }
  // The far end of `stream` sends `samples` (one packet); false if nobody listens.
  bool Speak(std::int64_t stream, std::vector<std::int16_t> samples) {
    const auto listener = listeners.find(stream);
    if (listener == listeners.end()) return false;
    listener->second(std::move(samples));
    return true;
  }
  // `stream` received no audio for the inactivity timeout.
  void GoSilent(std::int64_t stream) { inactive.at(stream)(); }

  int free_ports = 100;
  std::map<std::int64_t, std::string> remotes;
  std::vector<std::int64_t> played, ringback, closed;
  std::vector<std::int64_t> reported_at_once;  // closes whose report the call waits for
  std::map<std::int64_t, std::function<void()>> playing, inactive;
  std::map<std::int64_t, std::function<void(char)>> digits;
  std::map<std::int64_t, std::function<void(std::vector<std::int16_t>)>> listeners;
  std::vector<std::pair<std::int64_t, std::int64_t>> bridges;
  std::map<std::int64_t, std::uint16_t> rtcp_ports;
  std::map<std::int64_t, LegQuality> qualities;  // what Quality answers, by stream
  std::map<std::int64_t, RtpTotals> received;    // what Received answers, by stream

 private:
  std::int64_t last_stream_ = 0;
  std::string address_ = "127.0.0.1";
};

// A control thread the test runs by hand: RunPending() runs posted work until none is left;
// Fire() expires the pending timers of one duration (a fake clock that jumps to a deadline).
class FakeControlLoop final : public ControlLoop {
 public:
  void Post(std::function<void()> work) override { queue_.push_back(std::move(work)); }

  std::unique_ptr<ControlTimer> StartTimer(std::chrono::milliseconds after,
                                           std::function<void()> on_expiry) override {
    auto alive = std::make_shared<bool>(true);
    timers_.push_back({after, std::move(on_expiry), alive});
    return std::make_unique<Timer>(alive);
  }

  void RunPending() {
    while (!queue_.empty()) {
      auto work = std::move(queue_.front());
      queue_.pop_front();
      work();
    }
  }
  // Runs every live timer set for `after`, then what they posted. Returns how many fired.
  int Fire(std::chrono::milliseconds after) {
    std::vector<std::function<void()>> due;
    for (Pending& timer : timers_) {
      if (*timer.alive && timer.after == after) {
        *timer.alive = false;
        due.push_back(timer.on_expiry);
      }
    }
    for (auto& on_expiry : due) on_expiry();
    RunPending();
    return static_cast<int>(due.size());
  }
  int LiveTimers(std::chrono::milliseconds after) const {
    int live = 0;
    for (const Pending& timer : timers_) live += (*timer.alive && timer.after == after) ? 1 : 0;
    return live;
  }

 private:
  struct Timer final : ControlTimer {
    explicit Timer(std::shared_ptr<bool> flag) : alive(std::move(flag)) {}
    ~Timer() override { *alive = false; }
    std::shared_ptr<bool> alive;
  };
  struct Pending {
    std::chrono::milliseconds after;
    std::function<void()> on_expiry;
    std::shared_ptr<bool> alive;
  };
  std::deque<std::function<void()>> queue_;
  std::vector<Pending> timers_;
};

// Runs work at once, on the posting thread: routing and speech answer synchronously, and their
// results still come back through the control loop's queue.
class InlineWorkQueue final : public WorkQueue {
 public:
  // While `hold` is set, work waits for Release(), as slow speech synthesis would.
  void Post(std::function<void()> work) override {
    if (hold) {
      held_.push_back(std::move(work));
    } else {
      work();
    }
  }
  void Release() {
    hold = false;
    for (auto& work : std::exchange(held_, {})) work();
  }

  bool hold = false;

 private:
  std::vector<std::function<void()>> held_;
};

// One hotline by number and a fixed list of phones.
class FakeRouter final : public CallRouter {
 public:
  Result<Hotline> ResolveInbound(std::string_view dialed) override {
    if (resolve_error) return *resolve_error;
    if (dialed != "+" + hotline.number.substr(2)) return Error::NotFound("no such number");
    return hotline;
  }
  Result<std::vector<AgentTarget>> PhonesToRing(const Hotline&) override {
    if (phones_error) return *phones_error;
    return phones;
  }
  std::optional<std::string> CallerNumber(std::string_view caller, const Hotline&) override {
    if (caller.empty()) return std::nullopt;
    return "00" + std::string(caller.substr(1));
  }
  CallAdmission Admit(const Hotline&, const std::optional<std::string>& caller) override {
    admitted_callers.push_back(caller);
    return admission;
  }

  Hotline hotline;
  CallAdmission admission;  // what Admit answers
  std::vector<std::optional<std::string>> admitted_callers;
  std::vector<AgentTarget> phones;
  std::optional<Error> resolve_error, phones_error;
};

// Synthesises any text as 160 samples of silence, or fails when told to.
class FakeSpeech final : public SpeechSynthesizer {
 public:
  Result<std::shared_ptr<const Audio>> Synthesize(const std::string& text,
                                                  const std::string& voice) override {
    spoken.push_back(text);
    voices.push_back(voice);
    if (fail) return Error::Internal("espeak failed");
    auto audio = std::make_shared<Audio>();
    audio->samples.assign(160, 0);
    return std::shared_ptr<const Audio>(audio);
  }
  std::vector<std::string> spoken;
  std::vector<std::string> voices;  // of each synthesis, in order
  bool fail = false;
};

}  // namespace fr::telephony::testing
