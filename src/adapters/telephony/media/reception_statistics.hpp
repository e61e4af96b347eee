#pragma once

#include <cstdint>

#include "adapters/telephony/media/rtcp_packet.hpp"

namespace fr::media {

// What a receiver measures of the RTP it gets from one far end, as RFC 3550 computes it for
// report blocks: sequence validation and the extended highest sequence number (appendix A.1),
// expected and lost packets, the fraction lost per report interval (A.3), and the interarrival
// jitter (A.8).
//
// A new SSRC, or a restart the sequence check accepts (two consecutive packets after a jump),
// starts the RFC's state afresh; the packets expected and lost before it are kept, so that
// TotalExpected and TotalLost cover the whole stream. Not thread-safe.
class ReceptionStatistics {
 public:
  // An RTP packet accepted from the far end. `arrival` is its arrival time on the RTP clock
  // (8 kHz units, wrapping). `timed` is false for packets whose timestamp does not follow the
  // sampling clock (RFC 4733 events repeat their start timestamp): they count for loss but
  // not for jitter.
  void OnPacket(std::uint32_t ssrc, std::uint16_t sequence, std::uint32_t timestamp,
                std::uint32_t arrival, bool timed);

  // True once a source passed probation (two packets in sequence): report blocks exist.
  bool valid() const { return valid_; }
  std::uint32_t ssrc() const { return ssrc_; }
  // Whether packets of the source arrived since the last report block was made.
  bool received_since_report() const { return received_ != received_prior_; }

  // The report block about the current source (without LSR and DLSR, which the caller fills
  // in); starts the next report interval for the fraction lost. Precondition: valid().
  ReportBlock NextReportBlock();

  // Packets expected and lost over the whole stream (every source and restart); lost is
  // negative when duplicates outnumber losses.
  std::int64_t TotalExpected() const { return folded_expected_ + Expected(); }
  std::int64_t TotalLost() const { return folded_lost_ + Expected() - received_; }
  // Packets that arrived after a packet with a higher sequence number (reordered, or a
  // repeat of an older one), over the whole stream: too late for a receiver that plays in order.
  std::int64_t TotalLate() const { return late_; }
  // The current interarrival jitter in RTP timestamp units.
  double jitter() const { return jitter_; }

 private:
  void StartSource(std::uint32_t ssrc, std::uint16_t sequence);
  void Restart(std::uint16_t sequence);
  // RFC 3550 A.1 update_seq: false for a packet that does not count (probation, a jump).
  bool UpdateSequence(std::uint16_t sequence);
  void UpdateJitter(std::uint32_t timestamp, std::uint32_t arrival);
  std::uint32_t ExtendedMax() const { return cycles_ + max_seq_; }
  std::int64_t Expected() const;
  void Fold();

  bool has_source_ = false;
  bool valid_ = false;
  std::uint32_t ssrc_ = 0;
  std::uint16_t max_seq_ = 0;
  std::uint32_t cycles_ = 0;  // shifted count of sequence number cycles
  std::uint32_t base_seq_ = 0;
  std::uint32_t bad_seq_ = 0;
  int probation_ = 0;
  std::int64_t received_ = 0;
  std::int64_t expected_prior_ = 0;
  std::int64_t received_prior_ = 0;
  bool has_transit_ = false;
  std::uint32_t transit_ = 0;
  double jitter_ = 0;
  std::int64_t folded_expected_ = 0;
  std::int64_t folded_lost_ = 0;
  std::int64_t late_ = 0;
};

}  // namespace fr::media
