#pragma once

#include <string>

#include "adapters/telephony/engine/call_media.hpp"
#include "adapters/telephony/media/media_engine.hpp"

namespace fr::telephony {

// CallMedia on our RTP engine: owns the MediaEngine and forwards each command unchanged (an
// adapter for the same reason as SipSignalling). Thread-safety as MediaEngine's; callbacks run
// on the media thread.
class RtpMedia final : public CallMedia {
 public:
  explicit RtpMedia(media::MediaConfig config) : engine_(std::move(config)) {}

  // MediaEngine::Start and Stop; call from the owner thread.
  [[nodiscard]] Status Start() { return engine_.Start(); }
  void Stop() { engine_.Stop(); }

  Result<media::StreamId> OpenStream() override { return engine_.OpenStream(); }
  Result<std::uint16_t> LocalPort(media::StreamId stream) const override {
    return engine_.LocalPort(stream);
  }
  const std::string& LocalAddress() const override { return engine_.LocalAddress(); }
  Status SetRemote(media::StreamId stream, const std::string& ip, std::uint16_t port,
                   media::Codec codec, int telephone_event_payload_type) override {
    return engine_.SetRemote(stream, ip, port, codec, telephone_event_payload_type);
  }
  void Play(media::StreamId stream, std::shared_ptr<const std::vector<std::int16_t>> pcm_8khz,
            std::function<void()> on_finished) override {
    engine_.Play(stream, std::move(pcm_8khz), std::move(on_finished));
  }
  void PlayRingback(media::StreamId stream) override { engine_.PlayRingback(stream); }
  void Bridge(media::StreamId a, media::StreamId b) override { engine_.Bridge(a, b); }
  void Close(media::StreamId stream) override { engine_.Close(stream); }
  void OnInactive(media::StreamId stream, std::function<void()> callback) override {
    engine_.OnInactive(stream, std::move(callback));
  }
  void OnDigit(media::StreamId stream, std::function<void(char)> callback) override {
    engine_.OnDigit(stream, std::move(callback));
  }
  void OnAudio(media::StreamId stream,
               std::function<void(std::vector<std::int16_t>)> callback) override {
    engine_.OnAudio(stream, std::move(callback));
  }
  void SetRemoteRtcpPort(media::StreamId stream, std::uint16_t port) override {
    engine_.SetRemoteRtcpPort(stream, port);
  }
  void CloseAndReport(media::StreamId stream, std::function<void(StreamReport)> on_closed,
                      bool call_waits) override {
    engine_.Close(
        stream,
        [on_closed = std::move(on_closed)](const Result<media::StreamMeasures>& measured) {
          on_closed(measured.ok() ? ReportOf(*measured) : StreamReport{});
        },
        call_waits ? media::MediaEngine::ReportWhen::kAtOnce
                   : media::MediaEngine::ReportWhen::kAtTheTick);
  }

 private:
  static StreamReport ReportOf(const media::StreamMeasures& measured) {
    StreamReport report;
    if (const auto worse = media::WorseDirectionOf(measured.quality)) {
      report.quality = LegQuality{worse->loss_ratio, worse->jitter_ms};
    }
    const media::StreamStats& stats = measured.stats;
    report.received = RtpTotals{stats.packets_relayed, stats.packets_lost, stats.packets_late};
    return report;
  }

  media::MediaEngine engine_;
};

}  // namespace fr::telephony
