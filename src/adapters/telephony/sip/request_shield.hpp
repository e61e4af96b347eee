#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/telephony/sip/sip_endpoint.hpp"
#include "adapters/telephony/sip/source_rate_limiter.hpp"

// Decides, request by request, what the SIP port drops unanswered (decision 0029), and keeps
// the shield's numbers. sofia's parser asks it (sofia_request_filter.hpp) on the SIP thread;
// the SIP thread reports dialogs; /metrics reads. Thread-safe.
namespace fr::sip {

// True when `user_agent` contains one of `fragments`, ASCII letters compared without case.
bool IsScannerUserAgent(std::string_view user_agent, const std::vector<std::string>& fragments);

class RequestShield {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  explicit RequestShield(ShieldOptions options);

  // A request as the shield sees it.
  struct Request {
    std::string_view source_ip;   // an IP literal
    std::string_view user_agent;  // empty when it has none
    bool ack = false;             // an ACK: never answered by anyone
  };

  // True when `request` may go on to sofia; false: drop it. Counts it against its source
  // unless the source is exempt. A blocked source's ACKs go on uncounted: an ACK gets no answer,
  // and without it sofia would repeat, for 32 s, the answers sent before the block. Logs a newly
  // blocked source, at most one line every 10 s (with how many more were blocked meanwhile).
  bool Admit(const Request& request, TimePoint now);

  // The SIP thread's count of dialogs in progress, and its 503s above the cap.
  void SetDialogsInProgress(std::size_t dialogs) { dialogs_.store(dialogs); }
  void CountDialogCapRefusal() { refused_dialog_cap_.fetch_add(1); }

  ShieldStats Snapshot(TimePoint now) const;
  const ShieldOptions& options() const { return options_; }

 private:
  // The log line for a source just blocked, or nullopt while lines are held back.
  std::optional<std::string> BlockLogLine(std::string_view source_ip, TimePoint now);

  const ShieldOptions options_;
  mutable std::mutex mu_;
  SourceRateLimiter limiter_;  // Guarded by mu_.
  std::uint64_t sources_blocked_ = 0;       // Guarded by mu_.
  std::uint64_t dropped_from_blocked_ = 0;  // Guarded by mu_.
  std::uint64_t dropped_scanners_ = 0;      // Guarded by mu_.
  std::optional<TimePoint> last_block_line_;  // Guarded by mu_.
  std::uint64_t blocks_not_logged_ = 0;       // Guarded by mu_.
  std::atomic<std::size_t> dialogs_{0};
  std::atomic<std::uint64_t> refused_dialog_cap_{0};
};

}  // namespace fr::sip
