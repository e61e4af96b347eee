#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "adapters/telephony/media/g711.hpp"
#include "adapters/telephony/media/media_types.hpp"
#include "adapters/telephony/media/stream_quality.hpp"
#include "common/result.hpp"

namespace fr::media {

// A small RTP engine for G.711 calls: one UDP socket per stream, all driven by one thread that
// runs an asio event loop and one shared 20 ms clock (one timer for all streams, not one each).
// It plays prompts and a ringback tone into streams and relays RTP between bridged streams.
//
// Outgoing RTP of a stream keeps one random SSRC for the stream's life, consecutive sequence
// numbers and timestamps advancing by 160 per 20 ms across changes of source (prompt, tone,
// relayed packets; relayed timestamps are shifted by an offset fixed at each change); the
// first packet after a change carries the marker bit. Nothing is sent while a stream has
// nothing to play and is not bridged (RTP needs no silence packets).
//
// Incoming RTP is accepted only from the address given to SetRemote, and only in the stream's
// codec or its telephone-event payload type; the first accepted packet latches the source port
// (symmetric RTP). Anything else, malformed datagrams included, is dropped and counted.
//
// RTCP (RFC 3550): each stream also binds the odd port above its RTP port. Once a remote is
// set, it sends a compound report about every rtcp_interval (randomised 0.5 to 1.5 times;
// the first after half of that) to the remote's RTP port + 1, or the port its SDP names, or
// where the far end's RTCP comes from: an SR while it sends RTP, else an RR, with a report
// block on the far end's audio when some arrived since the last report, and an SDES CNAME
// (random per stream, RFC 7022). Close adds a BYE. Incoming RTCP from the remote's address,
// on the RTCP port or multiplexed on the RTP port, is parsed; the latest report block about
// our SSRC is kept for Quality, malformed RTCP is dropped and counted.
//
// Thread-safety: every public method may be called from any thread, including from the
// engine's callbacks. Commands (SetRemote, Play…, Bridge, Close, OnInactive) are queued to the
// media thread and take effect in call order: those that change how arriving packets are
// handled (SetRemote, Bridge, StopPlayback, OnDigit, OnAudio) and a Close that reports back wake
// it at once, the others wait
// for the clock's next tick, at most 20 ms (decision 0092). OpenStream binds its sockets on the
// caller's thread and LocalPort answers from there too, while the other queries (Stats,
// Quality, Report) wait for the media thread, after every command given before them (asked
// from the media thread itself, a query runs at once, before commands still queued); Close
// with a callback hands the stream's last measures back instead. Callbacks run on the media
// thread, one at a time: they must not block or throw, and must not call Stop. Ids of closed
// or unknown streams are ignored by commands, which makes teardown races harmless. Before
// Start and after Stop, commands are ignored and queries fail with kFailedPrecondition.

// A stream's counters and quality, read together (MediaEngine::Report).
struct StreamMeasures {
  StreamStats stats;
  StreamQuality quality;
};

class MediaEngine {
 public:
  explicit MediaEngine(MediaConfig config);
  // Stops the engine.
  ~MediaEngine();

  MediaEngine(const MediaEngine&) = delete;
  MediaEngine& operator=(const MediaEngine&) = delete;

  // Starts the media thread and the clock. Errors: kInvalidArgument for a bind address that is
  // not an IP literal, a port range without an even port, or a non-positive inactivity
  // timeout; kFailedPrecondition when already running.
  [[nodiscard]] Status Start();

  // Closes every stream and joins the media thread. Idempotent; Start may follow.
  void Stop();

  // Binds a stream's sockets to a free even port of the configured range and the port above.
  // Errors: kResourceExhausted when no such pair of the range is free.
  [[nodiscard]] Result<StreamId> OpenStream();

  // The stream's local RTP port. Errors: kNotFound for an unknown or closed stream.
  [[nodiscard]] Result<std::uint16_t> LocalPort(StreamId id) const;

  // The configured bind address (for SDP). Never changes.
  const std::string& LocalAddress() const;

  // Sends the stream's RTP to `ip`:`port` in `codec` and accepts RTP from `ip` (see above).
  // `telephone_event_payload_type` is the negotiated RFC 4733 payload type (8000 Hz), or -1
  // for none. May be called again (re-INVITE): the source port is latched anew.
  // Errors: kInvalidArgument when `ip` is not an IP literal or `port` is 0.
  [[nodiscard]] Status SetRemote(StreamId id, const std::string& ip, std::uint16_t port,
                                 Codec codec, int telephone_event_payload_type);

  // Sends the stream's RTCP to `port` of the remote's address from now on (an SDP a=rtcp
  // attribute, RFC 3605), until the next SetRemote. Port 0 is ignored.
  void SetRemoteRtcpPort(StreamId id, std::uint16_t port);

  // Plays `pcm_8khz` (8 kHz mono; the last frame padded with silence) once, one 20 ms packet
  // per clock tick, then sends nothing. Replaces any current playback or tone and, while it
  // plays, the audio relayed into this stream from a bridged one. `on_finished` (may be empty)
  // runs on the media thread right after the last packet was sent; not if the playback is
  // replaced, stopped or closed first. To play `fr::Audio` without a copy, pass
  // `std::shared_ptr<const std::vector<std::int16_t>>(audio, &audio->samples)`.
  void Play(StreamId id, std::shared_ptr<const std::vector<std::int16_t>> pcm_8khz,
            std::function<void()> on_finished);

  // Plays the European ringback tone, 425 Hz for 1 s then 4 s of silence packets, looping
  // until replaced or stopped. Replaces any current playback.
  void PlayRingback(StreamId id);

  // Stops the current playback or tone (relaying resumes if the stream is bridged).
  void StopPlayback(StreamId id);

  // Relays RTP between `a` and `b` in both directions from now on, until one is closed or
  // bridged elsewhere (which unbridges its old partner). Stops playback on both. Audio is
  // transcoded when their codecs differ; telephone-events are relayed with the payload type
  // remapped to the receiving leg's, or dropped if it negotiated none. Ignored if a == b.
  void Bridge(StreamId a, StreamId b);

  // Closes the stream's socket and unbridges its partner. Safe to repeat and for unknown ids.
  void Close(StreamId id);
  // Close, and `on_closed` runs once with what the stream measured up to its close (as Report
  // would give it just before): on the media thread right after the close ran, or at once on
  // the caller's thread with kFailedPrecondition when the engine is not running. The caller
  // never waits for the media thread (a call's legs close this way: no round trip per leg).
  // `when`: whether the media thread is woken for it at once (its owner waits for the report
  // to finish something) or it waits for the next tick, at most 20 ms, like a plain Close.
  enum class ReportWhen { kAtOnce, kAtTheTick };
  void Close(StreamId id, std::function<void(Result<StreamMeasures>)> on_closed,
             ReportWhen when = ReportWhen::kAtOnce);

  // The stream's counters. Errors: kNotFound for an unknown or closed stream.
  [[nodiscard]] Result<StreamStats> Stats(StreamId id) const;

  // What RTCP shows of the stream's audio so far: the far end's latest report about what we
  // send, and our own statistics of what it sends. Errors: kNotFound for an unknown or closed
  // stream.
  [[nodiscard]] Result<StreamQuality> Quality(StreamId id) const;

  // Stats and Quality at once, with one wait for the media thread instead of two (a call's
  // legs are read this way as they close). Errors: kNotFound for an unknown or closed stream.
  [[nodiscard]] Result<StreamMeasures> Report(StreamId id) const;

  // `callback` runs once on the media thread when the stream, with a remote set, has received
  // no accepted RTP for the configured inactivity timeout (measured from SetRemote or the last
  // packet; checked every tick). Replaces an earlier callback that has not fired.
  void OnInactive(StreamId id, std::function<void()> callback);

  // `callback` runs for each key the stream's remote presses (RFC 4733 DTMF events, once per
  // press); the events of a press it took are not relayed to a bridged stream. Replaces an
  // earlier callback; an empty one stops listening.
  void OnDigit(StreamId id, std::function<void(char)> callback);

  // `callback` runs on the media thread with the audio each RTP packet of the stream's remote
  // carries, decoded to 8 kHz 16-bit PCM (telephone-events excepted), in arrival order.
  // Replaces an earlier callback; an empty one stops listening.
  void OnAudio(StreamId id, std::function<void(std::vector<std::int16_t>)> callback);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace fr::media
