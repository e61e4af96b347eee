#include "adapters/telephony/media/media_engine.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include "unit/adapters/telephony/media/media_engine_fixture.hpp"

namespace fr::media {
namespace {

using std::chrono::milliseconds;
using testing::ExpectContinuous;
using testing::kPcmaPt;
using testing::kPcmuPt;
using testing::MediaEngineTest;
using testing::Ramp;
using testing::RtpCopy;
using testing::SilenceMuLaw;
using testing::TestConfig;
using testing::UdpFarEnd;
using testing::WaitFor;

TEST_F(MediaEngineTest, PlaysAPromptAsPacedConsecutivePackets) {
  UdpFarEnd far_end;
  const StreamId id = OpenTowards(far_end);
  const auto prompt = Ramp(5 * 160 + 37);
  std::atomic<bool> finished = false;

  engine_.Play(id, prompt, [&finished] { finished = true; });

  const std::vector<RtpCopy> packets = far_end.ReceiveRtp(6);
  ASSERT_EQ(packets.size(), 6u);
  ExpectContinuous(packets);
  EXPECT_TRUE(packets[0].header.marker);
  for (std::size_t i = 0; i < packets.size(); ++i) {
    EXPECT_EQ(packets[i].header.payload_type, kPcmuPt);
    ASSERT_EQ(packets[i].payload.size(), 160u);
    EXPECT_EQ(packets[i].header.marker, i == 0);
  }
  EXPECT_EQ(packets[2].payload[5], EncodeMuLaw((*prompt)[2 * 160 + 5]));
  EXPECT_EQ(packets[5].payload[36], EncodeMuLaw(prompt->back()));
  EXPECT_EQ(packets[5].payload[37], 0xFF);  // padded with silence
  EXPECT_TRUE(WaitFor([&finished] { return finished.load(); }));
  EXPECT_FALSE(far_end.Receive(milliseconds(100)).has_value()) << "nothing after the prompt";
  EXPECT_EQ(StatsOf(id).packets_sent, 6u);
}

TEST_F(MediaEngineTest, PlaysInTheNegotiatedCodec) {
  UdpFarEnd far_end;
  const StreamId id = OpenTowards(far_end, Codec::kPcma);
  const auto prompt = Ramp(160);

  engine_.Play(id, prompt, nullptr);

  const std::vector<RtpCopy> packets = far_end.ReceiveRtp(1);
  ASSERT_EQ(packets.size(), 1u);
  EXPECT_EQ(packets[0].header.payload_type, kPcmaPt);
  EXPECT_EQ(packets[0].payload[7], EncodeALaw((*prompt)[7]));
}

TEST_F(MediaEngineTest, RingbackPlaysOneSecondOfToneThenSilence) {
  UdpFarEnd far_end;
  const StreamId id = OpenTowards(far_end);

  engine_.PlayRingback(id);

  const std::vector<RtpCopy> packets = far_end.ReceiveRtp(60);
  ASSERT_EQ(packets.size(), 60u);
  ExpectContinuous(packets);
  for (std::size_t i = 0; i < packets.size(); ++i) {
    EXPECT_EQ(packets[i].payload == SilenceMuLaw(), i >= 50) << "packet " << i;
  }
}

TEST_F(MediaEngineTest, PromptThenRingbackKeepsOneTimeline) {
  UdpFarEnd far_end;
  const StreamId id = OpenTowards(far_end);

  // The callback calls back into the engine from the media thread.
  engine_.Play(id, Ramp(3 * 160), [this, id] { engine_.PlayRingback(id); });

  const std::vector<RtpCopy> packets = far_end.ReceiveRtp(6);
  ASSERT_EQ(packets.size(), 6u);
  for (std::size_t i = 1; i < packets.size(); ++i) {
    EXPECT_EQ(packets[i].header.sequence,
              static_cast<std::uint16_t>(packets[i - 1].header.sequence + 1));
    EXPECT_EQ(packets[i].header.ssrc, packets[0].header.ssrc);
    const std::uint32_t step = packets[i].header.timestamp - packets[i - 1].header.timestamp;
    // One frame apart, or more if the busy machine delayed the switch by a tick.
    EXPECT_TRUE(step >= 160 && step % 160 == 0 && step <= 160 * 50) << step;
  }
  EXPECT_TRUE(packets[3].header.marker) << "first packet of the ringback";
  EXPECT_FALSE(packets[4].header.marker);
}

TEST_F(MediaEngineTest, CloseIsIdempotentAndUnknownIdsAreIgnored) {
  UdpFarEnd far_end;
  const StreamId id = OpenTowards(far_end);
  const StreamId other = OpenTowards(far_end);
  engine_.Bridge(id, other);

  engine_.Close(id);
  engine_.Close(id);
  engine_.Close(StreamId(987654));
  engine_.Play(id, Ramp(160), nullptr);
  engine_.PlayRingback(id);
  engine_.StopPlayback(id);
  engine_.Bridge(id, other);
  engine_.OnInactive(id, [] {});
  EXPECT_TRUE(engine_.SetRemote(id, "127.0.0.1", 9, Codec::kPcmu, -1).ok());

  EXPECT_EQ(engine_.Stats(id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(engine_.LocalPort(id).error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(engine_.Stats(other).ok());
}

// OpenStream binds on the caller's thread and answers at once: the port it reports is the
// stream's, and commands given straight after it already find the stream.
TEST_F(MediaEngineTest, AStreamIsUsableTheMomentItIsOpened) {
  UdpFarEnd far_end;
  const Result<StreamId> id = engine_.OpenStream();
  ASSERT_TRUE(id.ok());
  const Result<std::uint16_t> port = engine_.LocalPort(*id);
  ASSERT_TRUE(port.ok());
  EXPECT_EQ(*port % 2, 0) << "RTP on an even port";
  EXPECT_GE(*port, TestConfig().port_min);
  EXPECT_LT(*port, TestConfig().port_max);
  ASSERT_TRUE(engine_.SetRemote(*id, "127.0.0.1", far_end.port(), Codec::kPcmu, -1).ok());
  engine_.Play(*id, Ramp(2 * 160), nullptr);

  EXPECT_EQ(far_end.ReceiveRtp(2).size(), 2u) << "the prompt given right after opening";
  SendAudio(far_end, *id, 5, 77, 1000);  // to the port LocalPort named
  EXPECT_TRUE(WaitFor([&] { return StatsOf(*id).packets_received == 5; }));
}

TEST_F(MediaEngineTest, AReportHoldsTheCountersAndTheQualityUntilTheStreamCloses) {
  UdpFarEnd far_end;
  const StreamId id = OpenTowards(far_end);
  SendAudio(far_end, id, 5, 77, 1000);
  ASSERT_TRUE(WaitFor([&] { return StatsOf(id).packets_received == 5; }));

  const Result<StreamMeasures> report = engine_.Report(id);
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->stats.packets_received, 5u);
  EXPECT_EQ(report->stats.packets_received, StatsOf(id).packets_received);
  ASSERT_TRUE(report->quality.received.has_value()) << "five packets in a row passed probation";
  EXPECT_FALSE(report->quality.sent.has_value()) << "the far end sent no RTCP";

  engine_.Close(id);
  EXPECT_EQ(engine_.Report(id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(engine_.LocalPort(id).error().code, ErrorCode::kNotFound);
}

// The leg's close of decision 0092: the caller does not wait, and the measures come back once.
TEST_F(MediaEngineTest, ACloseWithACallbackHandsBackTheLastMeasuresOnce) {
  UdpFarEnd far_end;
  const StreamId id = OpenTowards(far_end);
  SendAudio(far_end, id, 5, 77, 1000);
  ASSERT_TRUE(WaitFor([&] { return StatsOf(id).packets_received == 5; }));

  std::mutex mutex;
  std::vector<Result<StreamMeasures>> reports;  // Guarded by mutex.
  const auto collect = [&](Result<StreamMeasures> measured) {
    std::lock_guard lock(mutex);
    reports.push_back(std::move(measured));
  };
  engine_.Close(id, collect);
  engine_.Close(id, collect);  // a second close finds nothing left to measure
  EXPECT_EQ(engine_.LocalPort(id).error().code, ErrorCode::kNotFound) << "closed at once";
  ASSERT_TRUE(WaitFor([&] {
    std::lock_guard lock(mutex);
    return reports.size() == 2;
  }));
  std::lock_guard lock(mutex);
  ASSERT_TRUE(reports[0].ok());
  EXPECT_EQ(reports[0]->stats.packets_received, 5u);
  EXPECT_TRUE(reports[0]->quality.received.has_value());
  EXPECT_EQ(reports[1].error().code, ErrorCode::kNotFound);
  EXPECT_EQ(engine_.Report(id).error().code, ErrorCode::kNotFound);
}

TEST_F(MediaEngineTest, ACloseWithACallbackWhenStoppedAnswersAtOnce) {
  const Result<StreamId> id = engine_.OpenStream();
  ASSERT_TRUE(id.ok());
  engine_.Stop();
  std::optional<ErrorCode> code;
  engine_.Close(*id, [&code](const Result<StreamMeasures>& measured) {
    if (!measured.ok()) code = measured.error().code;
  });
  EXPECT_EQ(code, ErrorCode::kFailedPrecondition) << "on this thread, before Close returned";
}

TEST_F(MediaEngineTest, SetRemoteRejectsAnInvalidAddress) {
  const Result<StreamId> id = engine_.OpenStream();
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(engine_.SetRemote(*id, "not-an-ip", 4000, Codec::kPcmu, -1).error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(engine_.SetRemote(*id, "127.0.0.1", 0, Codec::kPcmu, -1).error().code,
            ErrorCode::kInvalidArgument);
}

// Four threads open, use and close streams at once: every stream works both ways while the
// others come and go, and every port is given back. (`make test-tsan` runs this under
// ThreadSanitizer, which checks the locking itself.)
TEST_F(MediaEngineTest, CallsFromManyThreadsAreSafe) {
  constexpr int kThreads = 4;
  constexpr int kStreamsPerThread = 10;
  std::atomic<int> sent_ringback = 0, received_audio = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, this] {
      UdpFarEnd far_end;
      for (int i = 0; i < kStreamsPerThread; ++i) {
        const StreamId id = OpenTowards(far_end);
        engine_.PlayRingback(id);
        if (!far_end.ReceiveRtp(1).empty()) ++sent_ringback;
        SendAudio(far_end, id, 2, 5, 0);
        if (WaitFor([&] { return StatsOf(id).packets_received == 2; })) ++received_audio;
        engine_.Close(id);
        EXPECT_FALSE(engine_.Stats(id).ok()) << "closed streams are gone";
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(sent_ringback.load(), kThreads * kStreamsPerThread);
  EXPECT_EQ(received_audio.load(), kThreads * kStreamsPerThread);
  EXPECT_TRUE(engine_.OpenStream().ok()) << "the engine still works";
}

TEST(MediaEngineLifecycleTest, StreamsNeedARunningEngine) {
  MediaEngine engine(TestConfig());
  EXPECT_EQ(engine.OpenStream().error().code, ErrorCode::kFailedPrecondition);

  ASSERT_TRUE(engine.Start().ok());
  EXPECT_EQ(engine.Start().error().code, ErrorCode::kFailedPrecondition);
  const Result<StreamId> id = engine.OpenStream();
  ASSERT_TRUE(id.ok());

  engine.Stop();
  engine.Stop();
  EXPECT_EQ(engine.Stats(*id).error().code, ErrorCode::kFailedPrecondition);
  engine.Close(*id);

  ASSERT_TRUE(engine.Start().ok());
  EXPECT_TRUE(engine.OpenStream().ok());
}

TEST(MediaEngineLifecycleTest, StartRejectsABadConfiguration) {
  MediaConfig bad_address = TestConfig();
  bad_address.bind_address = "localhost";
  MediaConfig no_even_port = TestConfig();
  no_even_port.port_min = no_even_port.port_max = 40001;
  MediaConfig no_rtcp_port = TestConfig();
  no_rtcp_port.port_min = no_rtcp_port.port_max = 40000;
  MediaConfig no_timeout = TestConfig();
  no_timeout.inactivity_timeout = milliseconds(0);
  MediaConfig no_rtcp_interval = TestConfig();
  no_rtcp_interval.rtcp_interval = milliseconds(0);

  for (const MediaConfig& config :
       {bad_address, no_even_port, no_rtcp_port, no_timeout, no_rtcp_interval}) {
    MediaEngine engine(config);
    EXPECT_EQ(engine.Start().error().code, ErrorCode::kInvalidArgument);
  }
}

// True when nothing on this machine holds UDP `port` on 127.0.0.1 right now.
bool UdpPortIsFree(std::uint16_t port) {
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool free = bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  close(fd);
  return free;
}

TEST(MediaEngineLifecycleTest, AnExhaustedPortRangeGivesResourceExhausted) {
  // A range of two pairs of ports (RTP and RTCP) that nothing else holds, so that exactly two
  // streams open.
  const auto free_from = [](std::uint16_t port) {
    for (std::uint16_t p = port; p < port + 4; ++p) {
      if (!UdpPortIsFree(p)) return false;
    }
    return true;
  };
  std::uint16_t first = 46000;
  while (first < 60000 && !free_from(first)) first += 4;
  ASSERT_LT(first, 60000);
  MediaConfig config = TestConfig();
  config.port_min = first;
  config.port_max = first + 3;
  MediaEngine engine(config);
  ASSERT_TRUE(engine.Start().ok());

  std::vector<StreamId> opened;
  Result<StreamId> attempt = engine.OpenStream();
  for (; attempt.ok() && opened.size() < 3; attempt = engine.OpenStream()) {
    opened.push_back(*attempt);
  }

  ASSERT_FALSE(attempt.ok());
  EXPECT_EQ(attempt.error().code, ErrorCode::kResourceExhausted);
  ASSERT_EQ(opened.size(), 2u);
  std::set<std::uint16_t> ports;
  for (StreamId id : opened) {
    const Result<std::uint16_t> port = engine.LocalPort(id);
    ASSERT_TRUE(port.ok());
    ports.insert(*port);
  }
  EXPECT_EQ(ports, (std::set<std::uint16_t>{first, static_cast<std::uint16_t>(first + 2)}));
  // A port freed by Close is available again, and only that one.
  const std::uint16_t freed = *engine.LocalPort(opened.front());
  engine.Close(opened.front());
  const Result<StreamId> reopened = engine.OpenStream();
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ(*engine.LocalPort(*reopened), freed);
  EXPECT_EQ(engine.OpenStream().error().code, ErrorCode::kResourceExhausted);
}

class MediaEngineInactivityTest : public MediaEngineTest {
 protected:
  static MediaConfig ShortTimeout() {
    MediaConfig config = TestConfig();
    config.inactivity_timeout = milliseconds(1000);
    return config;
  }
  MediaEngineInactivityTest() : MediaEngineTest(ShortTimeout()) {}
};

TEST_F(MediaEngineInactivityTest, FiresOnceRtpStops) {
  UdpFarEnd far_end;
  const StreamId id = OpenTowards(far_end);
  std::atomic<int> calls = 0;
  engine_.OnInactive(id, [&calls] { ++calls; });

  // Packets every 20 ms for 1.5 s keep the stream alive.
  for (int i = 0; i < 75; ++i) {
    SendAudio(far_end, id, 1, 1, 160u * i);
    std::this_thread::sleep_for(milliseconds(20));
  }
  EXPECT_EQ(calls.load(), 0);

  EXPECT_TRUE(WaitFor([&calls] { return calls.load() == 1; }));
  // Once: a stream that stays silent for two more timeouts is not reported again.
  std::this_thread::sleep_for(milliseconds(2500));
  EXPECT_EQ(calls.load(), 1);
}

}  // namespace
}  // namespace fr::media
