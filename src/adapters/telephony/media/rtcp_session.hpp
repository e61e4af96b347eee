#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "adapters/telephony/media/reception_statistics.hpp"
#include "adapters/telephony/media/rtcp_packet.hpp"
#include "adapters/telephony/media/rtp_packet.hpp"
#include "adapters/telephony/media/stream_quality.hpp"

namespace fr::media {

// The RTCP side of one stream (RFC 3550 section 6): what we measure of the far end's RTP, what
// the far end reports about ours, and the content of our own reports. When they are sent is the
// stream's business. Times are the media thread's steady clock. Not thread-safe.
class RtcpSession {
 public:
  using SteadyTime = std::chrono::steady_clock::time_point;

  // `ssrc` is our stream's; `cname` (at most kMaxCname bytes) names us in SDES. We count as a
  // sender (SR, not RR) while we sent RTP within the last `sender_window`.
  RtcpSession(std::uint32_t ssrc, std::string cname, std::chrono::milliseconds sender_window);

  // An RTP packet accepted from the far end. `timed`: see ReceptionStatistics::OnPacket.
  void OnReceived(const RtpHeader& header, bool timed, SteadyTime now);
  // We sent an RTP packet with `header` and `payload_size` octets of payload.
  void OnSent(const RtpHeader& header, std::size_t payload_size, SteadyTime now);
  // An RTCP datagram from the far end: keeps the latest report block about our SSRC and the
  // time of its latest SR. Returns false (nothing taken) when it is not well-formed RTCP.
  bool OnRtcp(std::span<const std::uint8_t> datagram, SteadyTime now);

  // Writes our next compound report into `out` (at least kMaxOutgoingRtcpSize bytes) and
  // returns its size: SR while we send, else RR; a report block about the far end when its RTP
  // arrived since our last report; SDES CNAME; BYE when `bye`. `ntp_now` is the wall clock in
  // NTP format. Starts the next report interval of our statistics.
  std::size_t WriteReport(SteadyTime now, std::uint64_t ntp_now, bool bye,
                          std::span<std::uint8_t> out);

  StreamQuality Quality() const;
  // What we measured of the far end's RTP over the whole stream (see ReceptionStatistics).
  std::int64_t PacketsLost() const { return reception_.TotalLost(); }
  std::int64_t PacketsLate() const { return reception_.TotalLate(); }

 private:
  struct LastSenderReport {
    std::uint32_t ssrc = 0;
    std::uint32_t ntp_middle = 0;
    SteadyTime arrived;
  };

  void UseBlockAboutUs(const ReportBlock& block);
  std::optional<SenderInfo> OurSenderInfo(SteadyTime now, std::uint64_t ntp_now) const;
  std::optional<ReportBlock> OurBlock(SteadyTime now);

  const std::uint32_t ssrc_;
  const std::string cname_;
  const std::chrono::milliseconds sender_window_;

  // What we sent.
  std::uint64_t packets_sent_ = 0;
  std::uint32_t octets_sent_ = 0;  // wraps, as the SR field does
  std::uint16_t first_sequence_ = 0;
  std::uint32_t last_sent_timestamp_ = 0;
  std::optional<SteadyTime> last_sent_at_;

  // What we received, and what our reports said of it.
  ReceptionStatistics reception_;
  double reported_fraction_lost_ = 0;
  double reported_max_jitter_ms_ = 0;
  std::optional<LastSenderReport> last_sender_report_;

  // What the far end reported about us.
  std::optional<DirectionQuality> sent_quality_;
};

// Now on the wall clock in NTP format: seconds since 1900 in the high 32 bits.
std::uint64_t NtpNow();

}  // namespace fr::media
