#include "adapters/telephony/sip/request_shield.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>

namespace fr::sip {
namespace {

// A scan or flood blocks many sources within seconds: their lines are summed up.
constexpr auto kBlockLogInterval = std::chrono::seconds(10);

char LowerAscii(char c) {
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

}  // namespace

std::vector<std::string> DefaultScannerUserAgents() {
  return {"friendly-scanner", "sipvicious", "sipcli", "VaxSIPUserAgent",
          "sundayddr",        "iWar",       "SIVuS"};
}

bool IsScannerUserAgent(std::string_view user_agent, const std::vector<std::string>& fragments) {
  return std::any_of(fragments.begin(), fragments.end(), [user_agent](const std::string& f) {
    return !f.empty() &&
           std::search(user_agent.begin(), user_agent.end(), f.begin(), f.end(),
                       [](char a, char b) { return LowerAscii(a) == LowerAscii(b); }) !=
               user_agent.end();
  });
}

RequestShield::RequestShield(ShieldOptions options)
    : options_(std::move(options)),
      limiter_({options_.source_rate, options_.block_time, SourceRateLimiter::Limits{}.max_sources}) {}

bool RequestShield::Admit(const Request& request, TimePoint now) {
  const std::string_view source_ip = request.source_ip;
  const bool exempt = options_.exempt && options_.exempt(source_ip);
  const bool scanner = IsScannerUserAgent(request.user_agent, options_.scanner_user_agents);
  std::optional<std::string> line;
  bool admitted = true;
  {
    std::lock_guard lock(mu_);
    const auto verdict =
        exempt ? SourceRateLimiter::Verdict::kPass : limiter_.Admit(source_ip, now);
    if (verdict == SourceRateLimiter::Verdict::kNewlyBlocked) {
      ++sources_blocked_;
      line = BlockLogLine(source_ip, now);
    }
    if (scanner) {
      ++dropped_scanners_;
      admitted = false;
    } else if (verdict != SourceRateLimiter::Verdict::kPass && !request.ack) {
      ++dropped_from_blocked_;
      admitted = false;
    }
  }
  if (line) spdlog::warn("{}", *line);
  return admitted;
}

std::optional<std::string> RequestShield::BlockLogLine(std::string_view source_ip,
                                                       TimePoint now) {
  if (last_block_line_ && now - *last_block_line_ < kBlockLogInterval) {
    ++blocks_not_logged_;
    return std::nullopt;
  }
  const auto block_ms = options_.block_time.count();
  const std::string block_time = block_ms % 1000 == 0 ? std::to_string(block_ms / 1000) + " s"
                                                      : std::to_string(block_ms) + " ms";
  std::string line = "sip: blocking " + std::string(source_ip) + " for " + block_time +
                     ": more than " +
                     std::to_string(options_.source_rate) +
                     " requests in one second; what it sends is dropped unanswered";
  if (blocks_not_logged_ > 0) {
    line += " (" + std::to_string(blocks_not_logged_) + " more sources blocked since the last line)";
  }
  last_block_line_ = now;
  blocks_not_logged_ = 0;
  return line;
}

ShieldStats RequestShield::Snapshot(TimePoint now) const {
  ShieldStats stats;
  {
    std::lock_guard lock(mu_);
    stats.blocked_sources = limiter_.BlockedAt(now);
    stats.sources_blocked = sources_blocked_;
    stats.dropped_from_blocked = dropped_from_blocked_;
    stats.dropped_scanners = dropped_scanners_;
  }
  stats.dialogs_in_progress = dialogs_.load();
  stats.refused_dialog_cap = refused_dialog_cap_.load();
  return stats;
}

}  // namespace fr::sip
