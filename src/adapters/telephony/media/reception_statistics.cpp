#include "adapters/telephony/media/reception_statistics.hpp"

#include <algorithm>
#include <cassert>
#include <cstdlib>

namespace fr::media {
namespace {

// RFC 3550 appendix A.1's constants.
constexpr std::uint32_t kSequenceModulo = 1 << 16;
constexpr std::uint16_t kMaxDropout = 3000;
constexpr std::uint16_t kMaxMisorder = 100;
constexpr int kMinSequential = 2;

}  // namespace

void ReceptionStatistics::OnPacket(std::uint32_t ssrc, std::uint16_t sequence,
                                   std::uint32_t timestamp, std::uint32_t arrival, bool timed) {
  if (!has_source_ || ssrc != ssrc_) StartSource(ssrc, sequence);
  if (!UpdateSequence(sequence)) return;
  if (timed) UpdateJitter(timestamp, arrival);
}

ReportBlock ReceptionStatistics::NextReportBlock() {
  assert(valid_);
  const std::int64_t expected = Expected();
  const std::int64_t expected_interval = expected - expected_prior_;
  const std::int64_t received_interval = received_ - received_prior_;
  expected_prior_ = expected;
  received_prior_ = received_;
  const std::int64_t lost_interval = expected_interval - received_interval;
  ReportBlock block;
  block.ssrc = ssrc_;
  if (expected_interval > 0 && lost_interval > 0) {
    block.fraction_lost = static_cast<std::uint8_t>(
        std::min<std::int64_t>(255, (lost_interval << 8) / expected_interval));
  }
  block.cumulative_lost = static_cast<std::int32_t>(
      std::clamp<std::int64_t>(expected - received_, -0x800000, 0x7FFFFF));
  block.extended_highest_sequence = ExtendedMax();
  block.jitter = static_cast<std::uint32_t>(jitter_);
  return block;
}

// A source seen for the first time: it must pass probation before it counts.
void ReceptionStatistics::StartSource(std::uint32_t ssrc, std::uint16_t sequence) {
  Fold();
  has_source_ = true;
  valid_ = false;
  ssrc_ = ssrc;
  jitter_ = 0;
  Restart(sequence);
  max_seq_ = static_cast<std::uint16_t>(sequence - 1);
  probation_ = kMinSequential;
}

// RFC 3550 A.1 init_seq.
void ReceptionStatistics::Restart(std::uint16_t sequence) {
  base_seq_ = sequence;
  max_seq_ = sequence;
  bad_seq_ = kSequenceModulo + 1;  // matches no sequence number
  cycles_ = 0;
  received_ = 0;
  received_prior_ = 0;
  expected_prior_ = 0;
  // The timestamps of a restarted stream need not continue the old ones: no jitter across.
  has_transit_ = false;
}

bool ReceptionStatistics::UpdateSequence(std::uint16_t sequence) {
  const auto delta = static_cast<std::uint16_t>(sequence - max_seq_);
  if (probation_ > 0) {
    if (sequence == static_cast<std::uint16_t>(max_seq_ + 1)) {
      --probation_;
      max_seq_ = sequence;
      if (probation_ == 0) {
        Restart(sequence);
        valid_ = true;
        ++received_;
        return true;
      }
    } else {
      probation_ = kMinSequential - 1;
      max_seq_ = sequence;
    }
    return false;
  }
  if (delta < kMaxDropout) {
    // In order, with a permissible gap; a smaller number means the sequence wrapped.
    if (sequence < max_seq_) cycles_ += kSequenceModulo;
    max_seq_ = sequence;
  } else if (delta <= kSequenceModulo - kMaxMisorder) {
    // A very large jump: taken as a restart of the far end only when the next packet follows.
    if (sequence != bad_seq_) {
      bad_seq_ = (sequence + 1u) & (kSequenceModulo - 1);
      return false;
    }
    Fold();
    Restart(sequence);
  } else {
    // A duplicate or a reordered packet: it counts as received, max_seq stays.
    ++late_;
  }
  ++received_;
  return true;
}

void ReceptionStatistics::UpdateJitter(std::uint32_t timestamp, std::uint32_t arrival) {
  const std::uint32_t transit = arrival - timestamp;
  if (has_transit_) {
    const auto difference = static_cast<std::int32_t>(transit - transit_);
    const double magnitude = static_cast<double>(std::llabs(difference));
    jitter_ += (magnitude - jitter_) / 16.0;
  }
  transit_ = transit;
  has_transit_ = true;
}

std::int64_t ReceptionStatistics::Expected() const {
  if (!valid_) return 0;
  return static_cast<std::int64_t>(ExtendedMax()) - base_seq_ + 1;
}

// Keeps what the current source's counts say before its state starts afresh.
void ReceptionStatistics::Fold() {
  if (!valid_) return;
  folded_expected_ += Expected();
  folded_lost_ += Expected() - received_;
}

}  // namespace fr::media
