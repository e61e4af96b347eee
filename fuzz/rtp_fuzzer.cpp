// RTP and RTCP datagrams from the network, as a stream's receive path takes them: RTCP (by its
// packet type) into the RTCP session, RTP parsed and classified, RFC 4733 events read as keys,
// audio transcoded for the relay, and the statistics our own reports are made of. The input is
// a series of records: one control byte (bits 0-5: milliseconds since the previous record,
// bit 6: we send a packet first, bit 7: we write a report after), a 16-bit big-endian length,
// then that many bytes of datagram. Properties: a parsed payload lies inside its datagram, our
// reports always parse back, and the quality we record stays a ratio and a finite jitter.
#include <array>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "adapters/telephony/media/g711.hpp"
#include "adapters/telephony/media/rtcp_packet.hpp"
#include "adapters/telephony/media/rtcp_session.hpp"
#include "adapters/telephony/media/rtp_packet.hpp"
#include "adapters/telephony/media/rtp_timeline.hpp"
#include "adapters/telephony/media/stream_quality.hpp"
#include "adapters/telephony/media/telephone_event.hpp"
#include "fuzz_check.hpp"

namespace {

using fr::media::RtcpSession;

// What our end of the stream negotiated: PCMU and telephone-events on 101, our SSRC.
constexpr std::uint8_t kEventPayloadType = 101;
constexpr std::uint32_t kOurSsrc = 0x11223344;

struct Record {
  std::uint8_t control = 0;
  std::span<const std::uint8_t> datagram;
};

// The next record of `input` (consumed from its front); false at the end.
bool NextRecord(std::span<const std::uint8_t>& input, Record& record) {
  if (input.size() < 3) return false;
  record.control = input[0];
  const std::size_t length = std::min<std::size_t>((input[1] << 8) | input[2], input.size() - 3);
  record.datagram = input.subspan(3, length);
  input = input.subspan(3 + length);
  return true;
}

class ReceivePath {
 public:
  void Advance(std::chrono::milliseconds by) {
    now_ += by;
    tick_ = static_cast<std::uint64_t>((now_ - start_) / std::chrono::milliseconds(20));
  }

  void Send() {
    const fr::media::RtpHeader header = timeline_.NextGenerated(0, tick_);
    session_.OnSent(header, fr::media::kSamplesPerFrame, now_);
  }

  void Receive(std::span<const std::uint8_t> datagram) {
    if (fr::media::LooksLikeRtcp(datagram)) {
      (void)session_.OnRtcp(datagram, now_);
      return;
    }
    const auto rtp = fr::media::ParseRtp(datagram);
    if (!rtp) return;
    FR_FUZZ_CHECK(rtp->payload.data() >= datagram.data());
    FR_FUZZ_CHECK(rtp->payload.data() + rtp->payload.size() <= datagram.data() + datagram.size());
    const bool is_event = rtp->header.payload_type == kEventPayloadType;
    if (!is_event && rtp->header.payload_type != 0) return;  // not negotiated: dropped
    if (is_event) {
      if (const auto event = fr::media::ParseTelephoneEvent(rtp->payload)) {
        (void)fr::media::DtmfKey(event->event);
      }
    } else {
      relayed_.resize(rtp->payload.size());
      fr::media::Transcode(fr::media::Codec::kPcmu, fr::media::Codec::kPcma, rtp->payload,
                           relayed_);
    }
    session_.OnReceived(rtp->header, !is_event, now_);
    (void)timeline_.NextRelayed(rtp->header, is_event ? kEventPayloadType : 8, tick_);
  }

  void Report() {
    std::array<std::uint8_t, fr::media::kMaxOutgoingRtcpSize> out{};
    const std::uint64_t ntp =
        (std::uint64_t{3'900'000'000} << 32) + static_cast<std::uint64_t>((now_ - start_).count());
    const std::size_t size = session_.WriteReport(now_, ntp, false, out);
    FR_FUZZ_CHECK(size <= out.size());
    const auto ours = fr::media::ParseRtcp(std::span<const std::uint8_t>(out.data(), size));
    FR_FUZZ_CHECK(ours && ours->reports.size() == 1 && ours->reports.front().ssrc == kOurSsrc);
    CheckQuality();
  }

  void CheckQuality() const {
    const auto worse = fr::media::WorseDirectionOf(session_.Quality());
    if (!worse) return;
    FR_FUZZ_CHECK(worse->loss_ratio >= 0 && worse->loss_ratio <= 1);
    FR_FUZZ_CHECK(std::isfinite(worse->jitter_ms) && worse->jitter_ms >= 0);
  }

 private:
  RtcpSession::SteadyTime start_{std::chrono::hours(1)};
  RtcpSession::SteadyTime now_ = start_;
  std::uint64_t tick_ = 0;
  RtcpSession session_{kOurSsrc, "fuzz@first-responder", std::chrono::milliseconds(500)};
  fr::media::RtpTimeline timeline_{kOurSsrc, 1000, 160000};
  std::vector<std::uint8_t> relayed_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::span<const std::uint8_t> input(data, size);
  ReceivePath path;
  Record record;
  while (NextRecord(input, record)) {
    path.Advance(std::chrono::milliseconds(record.control & 0x3f));
    if ((record.control & 0x40) != 0) path.Send();
    path.Receive(record.datagram);
    if ((record.control & 0x80) != 0) path.Report();
  }
  path.CheckQuality();
  return 0;
}
