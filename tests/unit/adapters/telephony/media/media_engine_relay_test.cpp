// The engine's receive side: relaying between bridged legs and what it accepts.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "adapters/telephony/media/media_engine.hpp"
#include "unit/adapters/telephony/media/media_engine_fixture.hpp"

namespace fr::media {
namespace {

using testing::ExpectContinuous;
using testing::kPcmaPt;
using testing::kPcmuPt;
using testing::MakeRtp;
using testing::MediaEngineTest;
using testing::Ramp;
using testing::RtpCopy;
using testing::SilenceMuLaw;
using testing::UdpFarEnd;
using testing::WaitFor;

TEST_F(MediaEngineTest, BridgeRelaysBothWaysOnEachLegsOwnTimeline) {
  UdpFarEnd caller;
  UdpFarEnd agent;
  const StreamId caller_leg = OpenTowards(caller);
  const StreamId agent_leg = OpenTowards(agent);
  engine_.Play(caller_leg, Ramp(2 * 160), nullptr);
  engine_.Play(agent_leg, Ramp(2 * 160), nullptr);
  const std::vector<RtpCopy> caller_prompt = caller.ReceiveRtp(2);
  const std::vector<RtpCopy> agent_prompt = agent.ReceiveRtp(2);
  ASSERT_EQ(caller_prompt.size(), 2u);
  ASSERT_EQ(agent_prompt.size(), 2u);

  engine_.Bridge(caller_leg, agent_leg);
  StatsOf(caller_leg);  // the bridge is in place
  SendAudio(caller, caller_leg, 4, 0xCA11E5, 777000);
  SendAudio(agent, agent_leg, 4, 0xA6E47, 123);

  for (const auto& [far_end, prompt] :
       {std::pair{&agent, &agent_prompt}, std::pair{&caller, &caller_prompt}}) {
    std::vector<RtpCopy> relayed = far_end->ReceiveRtp(4);
    ASSERT_EQ(relayed.size(), 4u);
    const RtpHeader& last_prompt = prompt->back().header;
    EXPECT_EQ(relayed[0].header.ssrc, last_prompt.ssrc);
    EXPECT_EQ(relayed[0].header.sequence, static_cast<std::uint16_t>(last_prompt.sequence + 1));
    const std::uint32_t gap = relayed[0].header.timestamp - last_prompt.timestamp;
    EXPECT_TRUE(gap >= 160 && gap % 160 == 0 && gap < 8000 * 60) << gap;
    EXPECT_TRUE(relayed[0].header.marker);
    EXPECT_FALSE(relayed[1].header.marker);
    ExpectContinuous(relayed);
    EXPECT_EQ(relayed[3].payload[9], 9);
  }
  EXPECT_EQ(StatsOf(caller_leg).packets_relayed, 4u);
  EXPECT_EQ(StatsOf(agent_leg).packets_relayed, 4u);
}

TEST_F(MediaEngineTest, BridgeTranscodesBetweenPcmuAndPcma) {
  UdpFarEnd mu_end;
  UdpFarEnd a_end;
  const StreamId mu_leg = OpenTowards(mu_end, Codec::kPcmu);
  const StreamId a_leg = OpenTowards(a_end, Codec::kPcma);
  engine_.Bridge(mu_leg, a_leg);
  StatsOf(mu_leg);

  SendAudio(mu_end, mu_leg, 1, 1, 0, kPcmuPt);
  SendAudio(a_end, a_leg, 1, 2, 0, kPcmaPt);

  const std::vector<RtpCopy> at_a_end = a_end.ReceiveRtp(1);
  const std::vector<RtpCopy> at_mu_end = mu_end.ReceiveRtp(1);
  ASSERT_EQ(at_a_end.size(), 1u);
  ASSERT_EQ(at_mu_end.size(), 1u);
  EXPECT_EQ(at_a_end[0].header.payload_type, kPcmaPt);
  EXPECT_EQ(at_mu_end[0].header.payload_type, kPcmuPt);
  for (int i = 0; i < 160; ++i) {
    const auto sent = static_cast<std::uint8_t>(i);
    EXPECT_EQ(at_a_end[0].payload[i], EncodeALaw(DecodeMuLaw(sent))) << i;
    EXPECT_EQ(at_mu_end[0].payload[i], EncodeMuLaw(DecodeALaw(sent))) << i;
  }
}

TEST_F(MediaEngineTest, RelaysTelephoneEventsWithTheReceivingLegsPayloadType) {
  UdpFarEnd caller;
  UdpFarEnd agent;
  const StreamId caller_leg = OpenTowards(caller, Codec::kPcmu, 101);
  const StreamId agent_leg = OpenTowards(agent, Codec::kPcmu, 96);
  engine_.Bridge(caller_leg, agent_leg);
  StatsOf(caller_leg);
  // Digit 5, end bit clear, volume 10, duration 160.
  const std::vector<std::uint8_t> event = {5, 10, 0, 160};

  caller.SendTo(
      PortOf(caller_leg),
      MakeRtp({.marker = true, .payload_type = 101, .sequence = 1, .timestamp = 4000, .ssrc = 9},
              event));

  const std::vector<RtpCopy> relayed = agent.ReceiveRtp(1);
  ASSERT_EQ(relayed.size(), 1u);
  EXPECT_EQ(relayed[0].header.payload_type, 96);
  EXPECT_TRUE(relayed[0].header.marker);
  EXPECT_EQ(relayed[0].payload, event);
}

TEST_F(MediaEngineTest, DropsTelephoneEventsTowardsALegWithoutThem) {
  UdpFarEnd caller;
  UdpFarEnd agent;
  const StreamId caller_leg = OpenTowards(caller, Codec::kPcmu, 101);
  const StreamId agent_leg = OpenTowards(agent, Codec::kPcmu, -1);
  engine_.Bridge(caller_leg, agent_leg);
  StatsOf(caller_leg);

  caller.SendTo(
      PortOf(caller_leg),
      MakeRtp({.marker = true, .payload_type = 101, .sequence = 1, .timestamp = 4000, .ssrc = 9},
              std::vector<std::uint8_t>{5, 10, 0, 160}));
  SendAudio(caller, caller_leg, 1, 9, 4160);

  const std::vector<RtpCopy> relayed = agent.ReceiveRtp(1);
  ASSERT_EQ(relayed.size(), 1u);
  EXPECT_EQ(relayed[0].header.payload_type, kPcmuPt) << "the event was not relayed";
  EXPECT_EQ(StatsOf(caller_leg).packets_relayed, 1u) << "only the audio";
}

TEST_F(MediaEngineTest, CountsTheFarEndsLostAndLatePackets) {
  UdpFarEnd far_end;
  const StreamId id = OpenTowards(far_end);
  const std::vector<std::uint8_t> payload(160, 0x33);
  // 1 and 2 pass the sequence check; 6 never comes; 4 comes after 5.
  for (const int sequence : {1, 2, 3, 5, 4, 7}) {
    const RtpHeader header{.payload_type = kPcmuPt,
                           .sequence = static_cast<std::uint16_t>(sequence),
                           .timestamp = 160u * static_cast<std::uint32_t>(sequence),
                           .ssrc = 42};
    far_end.SendTo(PortOf(id), MakeRtp(header, payload));
  }
  ASSERT_TRUE(WaitFor([&] { return StatsOf(id).packets_received == 6; }));
  const StreamStats stats = StatsOf(id);
  EXPECT_EQ(stats.packets_lost, 1u);
  EXPECT_EQ(stats.packets_late, 1u);
  EXPECT_EQ(stats.packets_relayed, 0u) << "not bridged";
}

TEST_F(MediaEngineTest, IgnoresMalformedDatagramsAndCountsThem) {
  UdpFarEnd far_end;
  const StreamId id = OpenTowards(far_end, Codec::kPcmu, 101);
  const std::uint16_t port = PortOf(id);
  std::vector<std::uint8_t> version_zero = MakeRtp({}, SilenceMuLaw());
  version_zero[0] = 0x00;
  const std::vector<std::vector<std::uint8_t>> malformed = {
      {'g', 'a', 'r', 'b', 'a', 'g', 'e'},
      {},
      std::vector<std::uint8_t>(11, 0x80),
      version_zero,
      {0x8F, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4},              // 15 CSRCs announced
      {0x90, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0xBE, 0xDE, 0xFF, 0xFF},  // huge extension
      MakeRtp({.payload_type = 18}, SilenceMuLaw()),                    // G.729: not negotiated
      std::vector<std::uint8_t>(3000, 0x80),  // larger than any RTP we take
  };
  for (const std::vector<std::uint8_t>& datagram : malformed) far_end.SendTo(port, datagram);
  SendAudio(far_end, id, 1, 7, 0);

  EXPECT_TRUE(WaitFor([&] {
    const StreamStats stats = StatsOf(id);
    return stats.packets_received == 1 && stats.packets_dropped == malformed.size();
  })) << "dropped "
      << StatsOf(id).packets_dropped;
  EXPECT_TRUE(StatsOf(id).last_received.has_value());
}

TEST_F(MediaEngineTest, AcceptsOnlyTheRemoteAddressFromTheLatchedPort) {
  UdpFarEnd far_end;
  UdpFarEnd same_host_other_port;
  UdpFarEnd other_host("127.0.0.2");
  const StreamId id = OpenTowards(far_end);

  SendAudio(other_host, id, 1, 1, 0);
  SendAudio(far_end, id, 1, 2, 0);
  ASSERT_TRUE(WaitFor([&] { return StatsOf(id).packets_received == 1; }));
  SendAudio(same_host_other_port, id, 1, 3, 0);

  EXPECT_TRUE(WaitFor([&] { return StatsOf(id).packets_dropped == 2; }));
  EXPECT_EQ(StatsOf(id).packets_received, 1u);
}

TEST_F(MediaEngineTest, NothingIsAcceptedBeforeARemoteIsSet) {
  UdpFarEnd far_end;
  const Result<StreamId> id = engine_.OpenStream();
  ASSERT_TRUE(id.ok());

  SendAudio(far_end, *id, 1, 1, 0);

  EXPECT_TRUE(WaitFor([&] { return StatsOf(*id).packets_dropped == 1; }));
}

}  // namespace
}  // namespace fr::media
