#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "adapters/telephony/media/g711.hpp"
#include "adapters/telephony/media/media_types.hpp"
#include "common/result.hpp"
#include "domain/call_log/call_log.hpp"

namespace fr::telephony {

// RTP received from one stream's far end, as the operator's metrics count it (decision 0034).
struct RtpTotals {
  std::uint64_t relayed = 0;  // sent on to the bridged partner
  std::uint64_t lost = 0;     // never arrived (gaps in the far end's sequence numbers)
  std::uint64_t late = 0;     // arrived after a packet the far end sent later (reordered)
};

// What one stream measured, as its leg's record and the operator's metrics keep it.
struct StreamReport {
  // What RTCP showed of the stream's audio (decision 0023); nullopt when nothing was measured.
  std::optional<LegQuality> quality;
  // What became of the RTP the stream's far end sent.
  std::optional<RtpTotals> received;
};

// Port: the audio of calls, as the call control uses it: one RTP stream per leg, prompts and
// ringback played into streams, two streams bridged. Implemented by RtpMedia (our RTP engine)
// and by a fake in the tests.
//
// Threading: every method may be called from any thread. Commands (SetRemote, Play…, Bridge,
// Close, OnInactive) take effect in call order and ignore closed or unknown streams, which
// makes teardown races harmless. Callbacks run on the implementation's own thread, one at a
// time, and must not block: post them to the control thread.
class CallMedia {
 public:
  virtual ~CallMedia() = default;

  // A new stream on a free local port. Errors: kResourceExhausted (no port is free);
  // kFailedPrecondition (not running).
  [[nodiscard]] virtual Result<media::StreamId> OpenStream() = 0;

  // The stream's local RTP port, for our SDP. Errors: kNotFound (closed or unknown stream).
  [[nodiscard]] virtual Result<std::uint16_t> LocalPort(media::StreamId stream) const = 0;

  // The address our SDP announces. Never changes.
  virtual const std::string& LocalAddress() const = 0;

  // Sends the stream's audio to `ip`:`port` in `codec`, with RFC 4733 events on
  // `telephone_event_payload_type` (-1: none); may be repeated (re-INVITE).
  // Errors: kInvalidArgument (`ip` is not an IP literal, or `port` is 0).
  [[nodiscard]] virtual Status SetRemote(media::StreamId stream, const std::string& ip,
                                         std::uint16_t port, media::Codec codec,
                                         int telephone_event_payload_type) = 0;

  // Plays 8 kHz audio once, replacing any playback; `on_finished` runs after its last packet,
  // not if the playback is replaced or the stream closed first.
  virtual void Play(media::StreamId stream,
                    std::shared_ptr<const std::vector<std::int16_t>> pcm_8khz,
                    std::function<void()> on_finished) = 0;

  // Plays ringback until replaced.
  virtual void PlayRingback(media::StreamId stream) = 0;

  // Relays audio between `a` and `b` in both directions and stops their playbacks.
  virtual void Bridge(media::StreamId a, media::StreamId b) = 0;

  // Closes the stream and unbridges its partner. Safe to repeat.
  virtual void Close(media::StreamId stream) = 0;

  // `callback` runs once when the stream, with a remote set, received no audio for the
  // configured inactivity timeout. Replaces an earlier callback that has not fired.
  virtual void OnInactive(media::StreamId stream, std::function<void()> callback) = 0;

  // `callback` runs for each key the stream's far end presses (RFC 4733), once per press; a
  // press it took is not relayed to a bridged partner. Replaces an earlier callback; an empty
  // function stops listening (the keys are relayed again).
  virtual void OnDigit(media::StreamId stream, std::function<void(char)> callback) = 0;

  // `callback` runs with the audio of each packet the stream's far end sends, decoded to 8 kHz
  // 16-bit PCM, in arrival order (a voicemail's recording). Replaces an earlier callback; an
  // empty function stops listening.
  virtual void OnAudio(media::StreamId stream,
                       std::function<void(std::vector<std::int16_t>)> callback) = 0;

  // Sends the stream's RTCP to `port` (the remote SDP's a=rtcp, RFC 3605) instead of the RTP
  // port + 1, until the next SetRemote.
  virtual void SetRemoteRtcpPort(media::StreamId stream, std::uint16_t port) = 0;

  // Closes the stream as Close does, and `on_closed` runs once with what it measured up to
  // its close (both nullopt for a stream closed before or unknown): on the implementation's
  // thread, or on the caller's at once when the media is not running. The caller does not
  // wait for the media thread (decision 0092). `call_waits`: something waits for the report
  // (the call's last legs: it is finished on them), so it comes as soon as it can; otherwise
  // it may come with the media thread's next tick, at most 20 ms later (decision 0097).
  virtual void CloseAndReport(media::StreamId stream, std::function<void(StreamReport)> on_closed,
                              bool call_waits) = 0;
};

}  // namespace fr::telephony
