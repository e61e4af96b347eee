// Keys pressed at a stream's far end (RFC 4733 events): reported once per press, and a press
// someone listens to is not relayed to the bridged partner.
#include <gtest/gtest.h>

#include <mutex>
#include <string>

#include "adapters/telephony/media/media_engine.hpp"
#include "adapters/telephony/media/telephone_event.hpp"
#include "unit/adapters/telephony/media/media_engine_fixture.hpp"

namespace fr::media {
namespace {

using testing::kPcmuPt;
using testing::MakeRtp;
using testing::MediaEngineTest;
using testing::RtpCopy;
using testing::UdpFarEnd;
using testing::WaitFor;

// The keys a listener heard, from the media thread.
class HeardKeys {
 public:
  std::function<void(char)> Listener() {
    return [this](char key) {
      std::lock_guard lock(mutex_);
      keys_ += key;
    };
  }
  std::string keys() const {
    std::lock_guard lock(mutex_);
    return keys_;
  }

 private:
  mutable std::mutex mutex_;
  std::string keys_;
};

// One key press as a phone sends it: the first packet (marker), a continuation, and the end
// packet three times, all with the press's start timestamp (RFC 4733 section 2.5).
void PressKey(const UdpFarEnd& phone, std::uint16_t port, std::uint8_t event, std::uint16_t& seq,
              std::uint32_t timestamp) {
  const std::vector<std::vector<std::uint8_t>> payloads = {{event, 10, 0, 160},
                                                           {event, 10, 1, 64},
                                                           {event, 0x80 | 10, 3, 32},
                                                           {event, 0x80 | 10, 3, 32},
                                                           {event, 0x80 | 10, 3, 32}};
  bool first = true;
  for (const auto& payload : payloads) {
    phone.SendTo(port, MakeRtp({.marker = first,
                                .payload_type = 101,
                                .sequence = seq++,
                                .timestamp = timestamp,
                                .ssrc = 77},
                               payload));
    first = false;
  }
}

TEST(TelephoneEventTest, ParsesTheEventAndNamesTheKeys) {
  const std::vector<std::uint8_t> end_of_star = {10, 0x8a, 0x03, 0x20};
  const auto parsed = ParseTelephoneEvent(end_of_star);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->event, 10);
  EXPECT_TRUE(parsed->end);
  EXPECT_EQ(parsed->duration, 800);
  EXPECT_FALSE(ParseTelephoneEvent(std::vector<std::uint8_t>{1, 0, 0}).has_value());
  EXPECT_EQ(DtmfKey(1), '1');
  EXPECT_EQ(DtmfKey(11), '#');
  EXPECT_EQ(DtmfKey(15), 'D');
  EXPECT_FALSE(DtmfKey(16).has_value());  // a tone, not a key
}

TEST_F(MediaEngineTest, ReportsEachKeyPressOnceAndDoesNotRelayIt) {
  UdpFarEnd agent;
  UdpFarEnd caller;
  const StreamId agent_leg = OpenTowards(agent, Codec::kPcmu, 101);
  const StreamId caller_leg = OpenTowards(caller, Codec::kPcmu, 101);
  HeardKeys heard;
  engine_.OnDigit(agent_leg, heard.Listener());
  engine_.Bridge(agent_leg, caller_leg);
  StatsOf(agent_leg);  // the listener and the bridge are in place

  std::uint16_t seq = 1;
  PressKey(agent, PortOf(agent_leg), 1, seq, 8000);
  PressKey(agent, PortOf(agent_leg), 1, seq, 9600);  // the same key again: a second press
  ASSERT_TRUE(WaitFor([&] { return heard.keys() == "11"; })) << heard.keys();
  // None of those ten packets reached the caller; audio still does.
  SendAudio(agent, agent_leg, 1, 77, 11200);
  const std::vector<RtpCopy> relayed = caller.ReceiveRtp(1);
  ASSERT_EQ(relayed.size(), 1u);
  EXPECT_EQ(relayed[0].header.payload_type, kPcmuPt);
}

TEST_F(MediaEngineTest, KeysAreRelayedAgainOnceNobodyListens) {
  UdpFarEnd agent;
  UdpFarEnd caller;
  const StreamId agent_leg = OpenTowards(agent, Codec::kPcmu, 101);
  const StreamId caller_leg = OpenTowards(caller, Codec::kPcmu, 101);
  HeardKeys heard;
  engine_.OnDigit(agent_leg, heard.Listener());
  engine_.Bridge(agent_leg, caller_leg);
  StatsOf(agent_leg);
  std::uint16_t seq = 1;
  PressKey(agent, PortOf(agent_leg), 1, seq, 8000);
  ASSERT_TRUE(WaitFor([&] { return heard.keys() == "1"; }));

  engine_.OnDigit(agent_leg, nullptr);
  StatsOf(agent_leg);
  // A late repeat of the taken press stays ours; the next press goes to the caller.
  agent.SendTo(PortOf(agent_leg),
               MakeRtp({.payload_type = 101, .sequence = seq++, .timestamp = 8000, .ssrc = 77},
                       std::vector<std::uint8_t>{1, 0x8a, 3, 32}));
  PressKey(agent, PortOf(agent_leg), 5, seq, 12000);
  const std::vector<RtpCopy> relayed = caller.ReceiveRtp(1);
  ASSERT_EQ(relayed.size(), 1u);
  EXPECT_EQ(relayed[0].header.payload_type, 101);
  EXPECT_EQ(relayed[0].payload.at(0), 5);
  EXPECT_EQ(heard.keys(), "1");
}

}  // namespace
}  // namespace fr::media
