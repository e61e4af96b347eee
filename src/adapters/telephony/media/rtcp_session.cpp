#include "adapters/telephony/media/rtcp_session.hpp"

#include <algorithm>
#include <utility>

namespace fr::media {
namespace {

constexpr double kRtpClockPerMs = 8.0;  // G.711 and telephone-event: 8 kHz
constexpr std::uint64_t kSequenceCycle = 1 << 16;

// A steady time on the 8 kHz RTP clock (wrapping), for the jitter's transit times.
std::uint32_t RtpClock(RtcpSession::SteadyTime time) {
  const auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(time.time_since_epoch()).count();
  return static_cast<std::uint32_t>(micros / 125);
}

}  // namespace

RtcpSession::RtcpSession(std::uint32_t ssrc, std::string cname,
                         std::chrono::milliseconds sender_window)
    : ssrc_(ssrc), cname_(std::move(cname).substr(0, kMaxCname)), sender_window_(sender_window) {}

void RtcpSession::OnReceived(const RtpHeader& header, bool timed, SteadyTime now) {
  reception_.OnPacket(header.ssrc, header.sequence, header.timestamp, RtpClock(now), timed);
}

void RtcpSession::OnSent(const RtpHeader& header, std::size_t payload_size, SteadyTime now) {
  if (packets_sent_ == 0) first_sequence_ = header.sequence;
  ++packets_sent_;
  octets_sent_ += static_cast<std::uint32_t>(payload_size);
  last_sent_timestamp_ = header.timestamp;
  last_sent_at_ = now;
}

bool RtcpSession::OnRtcp(std::span<const std::uint8_t> datagram, SteadyTime now) {
  const std::optional<IncomingRtcp> rtcp = ParseRtcp(datagram);
  if (!rtcp) return false;
  for (const IncomingReport& report : rtcp->reports) {
    if (report.sender) {
      last_sender_report_ = LastSenderReport{report.ssrc, NtpMiddle(report.sender->ntp_time), now};
    }
    for (const ReportBlock& block : report.blocks) {
      if (block.ssrc == ssrc_) UseBlockAboutUs(block);
    }
  }
  return true;
}

// The block's highest sequence number is one we sent: its offset from our first packet is the
// number of packets the far end expected. Its own base may differ by the packets it never saw
// at the start, which RTCP cannot tell us; our first packet is the honest base for a call.
void RtcpSession::UseBlockAboutUs(const ReportBlock& block) {
  if (packets_sent_ == 0) return;
  std::uint64_t offset =
      static_cast<std::uint16_t>(block.extended_highest_sequence - first_sequence_);
  while (offset + kSequenceCycle < packets_sent_) offset += kSequenceCycle;
  if (offset >= packets_sent_) return;  // about a packet we never sent: not about this stream
  DirectionQuality quality;
  quality.packets_expected = static_cast<std::int64_t>(offset) + 1;
  quality.packets_lost = block.cumulative_lost;
  quality.fraction_lost = block.fraction_lost / 256.0;
  quality.jitter_ms = block.jitter / kRtpClockPerMs;
  quality.max_jitter_ms =
      std::max(quality.jitter_ms, sent_quality_ ? sent_quality_->max_jitter_ms : 0.0);
  sent_quality_ = quality;
}

std::size_t RtcpSession::WriteReport(SteadyTime now, std::uint64_t ntp_now, bool bye,
                                     std::span<std::uint8_t> out) {
  const OutgoingReport report{.ssrc = ssrc_,
                              .sender = OurSenderInfo(now, ntp_now),
                              .block = OurBlock(now),
                              .cname = cname_,
                              .bye = bye};
  return WriteRtcp(report, out);
}

std::optional<SenderInfo> RtcpSession::OurSenderInfo(SteadyTime now, std::uint64_t ntp_now) const {
  if (!last_sent_at_ || now - *last_sent_at_ >= sender_window_) return std::nullopt;
  // The RTP clock runs on from the last packet sent: the same instant as ntp_now.
  const auto since = std::chrono::duration_cast<std::chrono::microseconds>(now - *last_sent_at_);
  return SenderInfo{
      .ntp_time = ntp_now,
      .rtp_timestamp = last_sent_timestamp_ + static_cast<std::uint32_t>(since.count() / 125),
      .packet_count = static_cast<std::uint32_t>(packets_sent_),
      .octet_count = octets_sent_};
}

std::optional<ReportBlock> RtcpSession::OurBlock(SteadyTime now) {
  if (!reception_.valid() || !reception_.received_since_report()) return std::nullopt;
  ReportBlock block = reception_.NextReportBlock();
  if (last_sender_report_ && last_sender_report_->ssrc == block.ssrc) {
    const auto delay =
        std::chrono::duration_cast<std::chrono::microseconds>(now - last_sender_report_->arrived);
    block.last_sr = last_sender_report_->ntp_middle;
    block.delay_since_last_sr = static_cast<std::uint32_t>(delay.count() * 65536 / 1'000'000);
  }
  reported_fraction_lost_ = block.fraction_lost / 256.0;
  reported_max_jitter_ms_ = std::max(reported_max_jitter_ms_, block.jitter / kRtpClockPerMs);
  return block;
}

StreamQuality RtcpSession::Quality() const {
  StreamQuality quality;
  quality.sent = sent_quality_;
  if (reception_.TotalExpected() > 0) {
    DirectionQuality received;
    received.packets_expected = reception_.TotalExpected();
    received.packets_lost = reception_.TotalLost();
    received.fraction_lost = reported_fraction_lost_;
    // As a report block would carry it: whole timestamp units.
    received.jitter_ms = static_cast<std::uint32_t>(reception_.jitter()) / kRtpClockPerMs;
    received.max_jitter_ms = std::max(reported_max_jitter_ms_, received.jitter_ms);
    quality.received = received;
  }
  return quality;
}

std::uint64_t NtpNow() {
  // Seconds from 1900 (NTP's epoch) to 1970 (the system clock's).
  constexpr std::uint64_t kNtpToUnix = 2'208'988'800;
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  const auto seconds = static_cast<std::uint64_t>(micros / 1'000'000) + kNtpToUnix;
  const auto fraction = (static_cast<std::uint64_t>(micros % 1'000'000) << 32) / 1'000'000;
  return seconds << 32 | fraction;
}

}  // namespace fr::media
