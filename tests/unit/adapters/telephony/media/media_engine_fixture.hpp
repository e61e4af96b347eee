#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <numeric>
#include <vector>

#include "adapters/telephony/media/media_engine.hpp"
#include "unit/adapters/telephony/media/udp_far_end.hpp"

// A started MediaEngine with far ends on loopback, shared by the engine's test files.
namespace fr::media::testing {

using Pcm = std::vector<std::int16_t>;

constexpr std::uint8_t kPcmuPt = 0;
constexpr std::uint8_t kPcmaPt = 8;

inline MediaConfig TestConfig() {
  MediaConfig config;
  config.port_min = 40000;
  config.port_max = 44999;
  return config;
}

inline std::shared_ptr<const Pcm> Ramp(std::size_t samples) {
  auto pcm = std::make_shared<Pcm>(samples);
  std::iota(pcm->begin(), pcm->end(), std::int16_t{-300});
  return pcm;
}

inline std::vector<std::uint8_t> SilenceMuLaw() { return std::vector<std::uint8_t>(160, 0xFF); }

// Consecutive sequence numbers, one SSRC, timestamps 160 apart.
inline void ExpectContinuous(const std::vector<RtpCopy>& packets) {
  for (std::size_t i = 1; i < packets.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(packets[i].header.sequence,
              static_cast<std::uint16_t>(packets[i - 1].header.sequence + 1));
    EXPECT_EQ(packets[i].header.timestamp - packets[i - 1].header.timestamp, 160u);
    EXPECT_EQ(packets[i].header.ssrc, packets[0].header.ssrc);
  }
}

class MediaEngineTest : public ::testing::Test {
 protected:
  explicit MediaEngineTest(MediaConfig config = TestConfig()) : engine_(std::move(config)) {}

  void SetUp() override { ASSERT_TRUE(engine_.Start().ok()); }

  // A stream whose remote is `far_end`.
  StreamId OpenTowards(const UdpFarEnd& far_end, Codec codec = Codec::kPcmu,
                       int telephone_event_pt = -1) {
    const Result<StreamId> id = engine_.OpenStream();
    EXPECT_TRUE(id.ok());
    if (!id.ok()) return StreamId();
    EXPECT_TRUE(
        engine_.SetRemote(*id, "127.0.0.1", far_end.port(), codec, telephone_event_pt).ok());
    return *id;
  }

  std::uint16_t PortOf(StreamId id) const {
    const Result<std::uint16_t> port = engine_.LocalPort(id);
    EXPECT_TRUE(port.ok());
    return port.ok() ? *port : 0;
  }

  // Queries run after every command queued before them, so this also waits for those.
  StreamStats StatsOf(StreamId id) const {
    const Result<StreamStats> stats = engine_.Stats(id);
    EXPECT_TRUE(stats.ok());
    return stats.ok() ? *stats : StreamStats{};
  }

  // Sends `count` 20 ms packets from `far_end` to `id`, timestamps from `first_timestamp`.
  void SendAudio(const UdpFarEnd& far_end, StreamId id, int count, std::uint32_t ssrc,
                 std::uint32_t first_timestamp, std::uint8_t payload_type = kPcmuPt) const {
    std::vector<std::uint8_t> payload(160);
    std::iota(payload.begin(), payload.end(), std::uint8_t{0});
    for (int i = 0; i < count; ++i) {
      const RtpHeader header{.marker = false,
                             .payload_type = payload_type,
                             .sequence = static_cast<std::uint16_t>(1000 + i),
                             .timestamp = first_timestamp + 160u * i,
                             .ssrc = ssrc};
      far_end.SendTo(PortOf(id), MakeRtp(header, payload));
    }
  }

  MediaEngine engine_;
};

}  // namespace fr::media::testing
