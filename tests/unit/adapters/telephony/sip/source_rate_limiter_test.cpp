#include "adapters/telephony/sip/source_rate_limiter.hpp"

#include <gtest/gtest.h>

#include <string>

#include "adapters/telephony/sip/request_shield.hpp"

namespace fr::sip {
namespace {

using namespace std::chrono_literals;
using Verdict = SourceRateLimiter::Verdict;

const SourceRateLimiter::TimePoint kStart{std::chrono::hours(1)};

SourceRateLimiter Limiter(int rate, std::chrono::milliseconds block = 5min, std::size_t cap = 100) {
  return SourceRateLimiter({rate, block, cap});
}

TEST(SourceRateLimiterTest, MoreThanTheRateWithinOneSecondBlocksForTheBlockTime) {
  auto limiter = Limiter(3, 10s);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.Admit("192.0.2.1", kStart + i * 100ms), Verdict::kPass);
  EXPECT_EQ(limiter.Admit("192.0.2.1", kStart + 300ms), Verdict::kNewlyBlocked);
  EXPECT_EQ(limiter.Admit("192.0.2.1", kStart + 301ms), Verdict::kBlocked);
  EXPECT_EQ(limiter.BlockedAt(kStart + 301ms), 1u);
  EXPECT_EQ(limiter.Admit("192.0.2.1", kStart + 10299ms), Verdict::kBlocked);
  EXPECT_EQ(limiter.BlockedAt(kStart + 10300ms), 0u);
  EXPECT_EQ(limiter.Admit("192.0.2.1", kStart + 10300ms), Verdict::kPass) << "the block ended";
}

TEST(SourceRateLimiterTest, TheRateIsPerSourceAndPerSecond) {
  auto limiter = Limiter(2);
  // Two a second for ten seconds never blocks.
  for (int second = 0; second < 10; ++second) {
    for (int i = 0; i < 2; ++i) {
      EXPECT_EQ(limiter.Admit("192.0.2.1", kStart + second * 1s + i * 10ms), Verdict::kPass);
    }
  }
  EXPECT_EQ(limiter.Admit("192.0.2.2", kStart), Verdict::kPass);
  EXPECT_EQ(limiter.Admit("192.0.2.2", kStart), Verdict::kPass);
  EXPECT_EQ(limiter.Admit("192.0.2.2", kStart), Verdict::kNewlyBlocked);
  EXPECT_EQ(limiter.Admit("192.0.2.3", kStart), Verdict::kPass) << "another source is not blocked";
}

TEST(SourceRateLimiterTest, ZeroNeverBlocks) {
  auto limiter = Limiter(0);
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(limiter.Admit("192.0.2.1", kStart), Verdict::kPass);
  EXPECT_EQ(limiter.size(), 0u);
}

TEST(SourceRateLimiterTest, MemoryIsBoundedByForgettingTheSourceHeardFromLeastRecently) {
  auto limiter = Limiter(1, 5min, 3);
  EXPECT_EQ(limiter.Admit("192.0.2.1", kStart), Verdict::kPass);
  EXPECT_EQ(limiter.Admit("192.0.2.1", kStart), Verdict::kNewlyBlocked);
  for (int i = 2; i <= 4; ++i) limiter.Admit("192.0.2." + std::to_string(i), kStart + 1ms);
  EXPECT_EQ(limiter.size(), 3u);
  EXPECT_EQ(limiter.BlockedAt(kStart + 2ms), 0u) << "the oldest, blocked or not, was forgotten";
  // A source that keeps sending stays remembered.
  EXPECT_EQ(limiter.Admit("192.0.2.5", kStart + 3ms), Verdict::kPass);
  EXPECT_EQ(limiter.Admit("192.0.2.5", kStart + 3ms), Verdict::kNewlyBlocked);
  for (int i = 6; i <= 7; ++i) {
    EXPECT_EQ(limiter.Admit("192.0.2.5", kStart + 4ms), Verdict::kBlocked);
    limiter.Admit("192.0.2." + std::to_string(i), kStart + 4ms);
  }
  EXPECT_EQ(limiter.Admit("192.0.2.5", kStart + 5ms), Verdict::kBlocked);
  EXPECT_EQ(limiter.size(), 3u);
}

TEST(ScannerUserAgentTest, KnownScannersMatchAnywhereInAnyCase) {
  const auto scanners = DefaultScannerUserAgents();
  for (const char* agent : {"friendly-scanner", "sipvicious 0.3.3", "SIPVicious", "sipcli/v1.8",
                            "VaxSIPUserAgent/3.1", "sundayddr", "iWar", "SIVuS", "x FRIENDLY-SCANNER y"}) {
    EXPECT_TRUE(IsScannerUserAgent(agent, scanners)) << agent;
  }
  for (const char* agent : {"", "Linphone/5.0", "baresip v2.9.0", "sipp", "Asterisk PBX 20"}) {
    EXPECT_FALSE(IsScannerUserAgent(agent, scanners)) << agent;
  }
  EXPECT_FALSE(IsScannerUserAgent("friendly-scanner", {""})) << "an empty fragment matches nothing";
}

TEST(RequestShieldTest, ExemptSourcesAreNeverLimitedAndScannersAreDroppedFromAnywhere) {
  ShieldOptions options;
  options.source_rate = 2;
  options.block_time = 1min;
  options.exempt = [](std::string_view source) { return source == "198.51.100.1"; };
  RequestShield shield(options);
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(shield.Admit({"198.51.100.1", "Trunk/1.0"}, kStart));
  EXPECT_FALSE(shield.Admit({"198.51.100.1", "friendly-scanner"}, kStart));
  EXPECT_TRUE(shield.Admit({"192.0.2.9", ""}, kStart));
  EXPECT_FALSE(shield.Admit({"192.0.2.9", "sipvicious"}, kStart));
  EXPECT_FALSE(shield.Admit({"192.0.2.9", ""}, kStart)) << "the third in one second blocks";
  EXPECT_FALSE(shield.Admit({"192.0.2.9", ""}, kStart + 59s));
  EXPECT_TRUE(shield.Admit({"192.0.2.9", "", true}, kStart + 59s))
      << "an ACK goes on: it is never answered, and it ends the answers sent before the block";
  const ShieldStats stats = shield.Snapshot(kStart + 59s);
  EXPECT_EQ(stats.blocked_sources, 1u);
  EXPECT_EQ(stats.sources_blocked, 1u);
  EXPECT_EQ(stats.dropped_scanners, 2u);
  EXPECT_EQ(stats.dropped_from_blocked, 2u);
  EXPECT_EQ(shield.Snapshot(kStart + 60s).blocked_sources, 0u);
}

}  // namespace
}  // namespace fr::sip
