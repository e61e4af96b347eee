#include "adapters/telephony/sip/sdp.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace fr::sip {
namespace {

constexpr char kOffer[] =
    "v=0\r\n"
    "o=- 123 456 IN IP4 192.0.2.1\r\n"
    "s=-\r\n"
    "c=IN IP4 192.0.2.1\r\n"
    "t=0 0\r\n"
    "m=audio 40000 RTP/AVP 8 0 101\r\n"
    "a=rtpmap:8 PCMA/8000\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:101 telephone-event/8000\r\n"
    "a=fmtp:101 0-16\r\n";

TEST(ParseAudioOfferTest, ReadsAddressPortAndFormatsInOrder) {
  auto offer = ParseAudioOffer(kOffer);
  ASSERT_TRUE(offer.ok()) << offer.error().detail;
  EXPECT_EQ(offer->address, "192.0.2.1");
  EXPECT_EQ(offer->port, 40000);
  EXPECT_EQ(offer->payload_types, (std::vector<int>{8, 0, 101}));
  EXPECT_EQ(offer->telephone_event_pt, 101);
  EXPECT_EQ(ChooseCodec(*offer), kPayloadPcma);
}

TEST(ParseAudioOfferTest, ReadsTheRtcpPortOfAnRtcpAttribute) {
  EXPECT_EQ(ParseAudioOffer(kOffer)->rtcp_port, 0) << "none: RTCP goes to the RTP port + 1";
  const std::string offer = kOffer;
  EXPECT_EQ(ParseAudioOffer(offer + "a=rtcp:53020\r\n")->rtcp_port, 53020);
  EXPECT_EQ(ParseAudioOffer(offer + "a=rtcp:53020 IN IP4 126.16.64.4\r\n")->rtcp_port, 53020);
  for (const char* unusable : {"a=rtcp:53\r\n", "a=rtcp:99999\r\n", "a=rtcp:12x\r\n",
                               "a=rtcp:\r\n", "a=rtcp:655350000000000000001\r\n"}) {
    const auto parsed = ParseAudioOffer(offer + unusable);
    ASSERT_TRUE(parsed.ok()) << unusable;
    EXPECT_EQ(parsed->rtcp_port, 0) << unusable;
  }
}

TEST(ParseAudioOfferTest, RefusesAddressesAndPortsNoPhoneUses) {
  // A forged offer must not aim our audio at this host's own services or at many hosts.
  for (const char* connection : {"c=IN IP4 0.0.0.0", "c=IN IP4 239.1.2.3", "c=IN IP4 255.255.255.255",
                                 "c=IN IP6 ::", "c=IN IP6 ff02::1"}) {
    const std::string sdp = std::string("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\n") + connection +
                            "\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\n";
    EXPECT_FALSE(ParseAudioOffer(sdp).ok()) << connection;
  }
  EXPECT_TRUE(ParseAudioOffer("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\n"
                              "t=0 0\r\nm=audio 11211 RTP/AVP 0\r\n")
                  .ok());
  EXPECT_FALSE(ParseAudioOffer("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\n"
                               "t=0 0\r\nm=audio 53 RTP/AVP 0\r\n")
                   .ok());
}

// Found by fuzzing (fuzz/corpus/sdp/regression_format_not_a_token.sdp and
// regression_blanks_after_proto.sdp): sofia's parser never returned, allocating all the while,
// on a non-RTP stream's format that does not start with a token character, or on blanks after
// its proto. Each case finishes (ctest's timeout would catch a hang) with an error.
TEST(ParseAudioOfferTest, RefusesMediaLinesOutsideTheGrammarBeforeSofiaParsesThem) {
  const std::string session =
      "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
      "m=audio 40000 RTP/AVP 0\r\n";
  for (const char* media :
       {"m=application 9 TCP =x", "m=audio 3- =", "m=u 3- =", "m=application 9 TCP/BFCP /",
        " m=image 9 udptl t38 \"x\"", "m=video 5002/x RTP/AVP 96", "m=audio", "m=audio 5000",
        "m=application 9 TCP \t", "m=audio 5000 RTP--\t\t", "m=video 0 RTP/AVP",
        "m=audio 4/0 /TP/AVP 8", "m=audio 5002 RTP/ 0", "m=audio 5002 RTP//AVP 0"}) {
    const auto parsed = ParseAudioOffer(session + media + "\r\n");
    ASSERT_FALSE(parsed.ok()) << media;
    EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument) << media;
  }
  // What the grammar allows still parses, the audio stream found among the others.
  const auto parsed = ParseAudioOffer(session +
                                      "m=application 9 TCP/BFCP *\r\n"
                                      "m=image 9 udptl t38\r\n"
                                      "m=video 5002/2 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n");
  ASSERT_TRUE(parsed.ok()) << parsed.error().detail;
  EXPECT_EQ(parsed->port, 40000);
}

TEST(ParseAudioOfferTest, MediaLevelConnectionWinsAndLfLineEndsAreAccepted) {
  auto offer = ParseAudioOffer(
      "v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nc=IN IP4 192.0.2.1\nt=0 0\n"
      "m=audio 5004 RTP/AVP 0\nc=IN IP4 198.51.100.7\n");
  ASSERT_TRUE(offer.ok()) << offer.error().detail;
  EXPECT_EQ(offer->address, "198.51.100.7");
  EXPECT_EQ(offer->telephone_event_pt, -1);
}

TEST(ParseAudioOfferTest, SkipsDisabledAndNonAudioStreams) {
  auto offer = ParseAudioOffer(
      "v=0\r\no=- 1 1 IN IP6 2001:db8::1\r\ns=-\r\nc=IN IP6 2001:db8::1\r\nt=0 0\r\n"
      "m=video 6000 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n"
      "m=audio 0 RTP/AVP 0\r\n"
      "m=audio 7000 RTP/AVP 18 0\r\n");
  ASSERT_TRUE(offer.ok()) << offer.error().detail;
  EXPECT_EQ(offer->address, "2001:db8::1");
  EXPECT_EQ(offer->port, 7000);
  EXPECT_EQ(ChooseCodec(*offer), kPayloadPcmu);
}

TEST(ParseAudioOfferTest, NoG711MeansNoCodec) {
  auto offer = ParseAudioOffer(
      "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
      "m=audio 7000 RTP/AVP 18 9\r\n");
  ASSERT_TRUE(offer.ok());
  EXPECT_EQ(ChooseCodec(*offer), -1);
}

// Table of offers we must refuse (the owner answers 488), each with why.
TEST(ParseAudioOfferTest, RejectsUnusableOffers) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"empty (late offer)", ""},
      {"garbage", "this is not SDP at all"},
      {"binary", std::string("\x00\xff\x10v=0\r\n", 7)},
      {"no media", "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"},
      {"port 0",
       "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
       "m=audio 0 RTP/AVP 0\r\n"},
      {"no c=", "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n"},
      {"SRTP only",
       "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
       "m=audio 4000 RTP/SAVP 0\r\n"},
      {"video only",
       "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
       "m=video 4000 RTP/AVP 96\r\n"},
      {"truncated m=",
       "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
       "m=audio\r\n"},
      {"port too big",
       "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
       "m=audio 70000 RTP/AVP 0\r\n"},
  };
  for (const auto& [name, sdp] : cases) {
    auto offer = ParseAudioOffer(sdp);
    EXPECT_FALSE(offer.ok()) << name;
    if (!offer.ok()) {
      EXPECT_EQ(offer.error().code, ErrorCode::kInvalidArgument) << name;
    }
  }
}

TEST(BuildAudioSdpTest, PrintsOneSendrecvG711StreamWithEvents) {
  const std::string sdp = BuildAudioSdp("203.0.113.5", 30000, kPayloadPcma, 101, 987654321);
  EXPECT_NE(sdp.find("v=0\r\n"), std::string::npos) << sdp;
  EXPECT_NE(sdp.find("o=- 987654321 1 IN IP4 203.0.113.5\r\n"), std::string::npos) << sdp;
  EXPECT_NE(sdp.find("c=IN IP4 203.0.113.5\r\n"), std::string::npos) << sdp;
  EXPECT_NE(sdp.find("m=audio 30000 RTP/AVP 8 101\r\n"), std::string::npos) << sdp;
  EXPECT_NE(sdp.find("a=rtpmap:8 PCMA/8000\r\n"), std::string::npos) << sdp;
  EXPECT_NE(sdp.find("a=rtpmap:101 telephone-event/8000\r\n"), std::string::npos) << sdp;
  EXPECT_NE(sdp.find("a=fmtp:101 0-16\r\n"), std::string::npos) << sdp;
  EXPECT_NE(sdp.find("a=ptime:20\r\n"), std::string::npos) << sdp;
  EXPECT_NE(sdp.find("a=sendrecv\r\n"), std::string::npos) << sdp;
}

TEST(BuildAudioSdpTest, RoundTripsThroughTheParser) {
  const std::string sdp = BuildAudioSdp("192.0.2.9", 4002, kPayloadPcmu, 100, 1);
  auto offer = ParseAudioOffer(sdp);
  ASSERT_TRUE(offer.ok()) << offer.error().detail << "\n" << sdp;
  EXPECT_EQ(offer->address, "192.0.2.9");
  EXPECT_EQ(offer->port, 4002);
  EXPECT_EQ(offer->payload_types, (std::vector<int>{0, 100}));
  EXPECT_EQ(offer->telephone_event_pt, 100);
}

TEST(BuildAudioSdpTest, OmitsEventsOutsideTheDynamicRangeAndHandlesIpv6) {
  const std::string sdp = BuildAudioSdp("2001:db8::5", 4000, kPayloadPcmu, -1, 7);
  EXPECT_NE(sdp.find("c=IN IP6 2001:db8::5\r\n"), std::string::npos) << sdp;
  EXPECT_NE(sdp.find("m=audio 4000 RTP/AVP 0\r\n"), std::string::npos) << sdp;
  EXPECT_EQ(sdp.find("telephone-event"), std::string::npos) << sdp;
}

// RFC 3264 §6: the answer has as many m-lines as the offer, in its order; what we do not take
// is rejected with port 0.
TEST(BuildAudioAnswerTest, KeepsEveryOfferedStreamInOrderRejectingWhatWeDoNotTake) {
  const std::string offer =
      "v=0\r\no=caller 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
      "m=video 5002 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n"
      "m=audio 5000 RTP/AVP 18 0 101\r\na=rtpmap:18 G729/8000\r\n"
      "a=rtpmap:101 telephone-event/8000\r\n"
      "m=audio 5004 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:abc\r\n";
  const auto answer = BuildAudioAnswer(offer, "203.0.113.5", 30000, kPayloadPcmu, 101, 42);
  ASSERT_TRUE(answer.ok()) << answer.error().detail;
  const auto video = answer->find("m=video 0 RTP/AVP 96\r\n");
  const auto audio = answer->find("m=audio 30000 RTP/AVP 0 101\r\n");
  const auto srtp = answer->find("m=audio 0 RTP/SAVP 0\r\n");
  ASSERT_NE(video, std::string::npos) << *answer;
  ASSERT_NE(audio, std::string::npos) << *answer;
  ASSERT_NE(srtp, std::string::npos) << *answer;
  EXPECT_LT(video, audio);
  EXPECT_LT(audio, srtp);
  // A rejected stream keeps its m-line and the rtpmaps of its formats, nothing else.
  EXPECT_EQ(answer->find("crypto"), std::string::npos) << *answer;
  EXPECT_NE(answer->find("o=- 42 1 IN IP4 203.0.113.5\r\n"), std::string::npos) << *answer;
  // Our own parser reads the answer's audio.
  const auto ours = ParseAudioOffer(*answer);
  ASSERT_TRUE(ours.ok()) << ours.error().detail;
  EXPECT_EQ(ours->port, 30000);
}

// Found by fuzzing (fuzz/corpus/sdp/regression_unnamed_format.sdp): a rejected stream's format
// that the offer never named (96 without a=rtpmap) was printed as "a=rtpmap:96 /0", an answer
// no parser takes, ours included.
TEST(BuildAudioAnswerTest, LeavesOutRejectedFormatsTheOfferDidNotName) {
  const std::string offer =
      "v=0\r\no=caller 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
      "m=video 5002 RTP/AVP 96 34\r\n"
      "m=audio 5000 RTP/AVP 0\r\n";
  const auto answer = BuildAudioAnswer(offer, "203.0.113.5", 30000, kPayloadPcmu, 101, 42);
  ASSERT_TRUE(answer.ok()) << answer.error().detail;
  EXPECT_NE(answer->find("m=video 0 RTP/AVP 34\r\na=rtpmap:34 H263/90000\r\n"), std::string::npos)
      << *answer;
  EXPECT_EQ(answer->find("a=rtpmap:96"), std::string::npos) << *answer;
  const auto ours = ParseAudioOffer(*answer);
  ASSERT_TRUE(ours.ok()) << ours.error().detail << "\n" << *answer;
  EXPECT_EQ(ours->port, 30000);
}

TEST(BuildAudioAnswerTest, MirrorsTheOfferedDirection) {
  const std::pair<const char*, const char*> cases[] = {
      {"sendrecv", "a=sendrecv"}, {"sendonly", "a=recvonly"},
      {"recvonly", "a=sendonly"}, {"inactive", "a=inactive"}};
  for (const auto& [offered, answered] : cases) {
    const std::string offer =
        "v=0\r\no=caller 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
        "m=audio 5000 RTP/AVP 0\r\na=" + std::string(offered) + "\r\n";
    const auto answer = BuildAudioAnswer(offer, "203.0.113.5", 30000, kPayloadPcmu, -1, 1);
    ASSERT_TRUE(answer.ok()) << offered;
    EXPECT_NE(answer->find(std::string(answered) + "\r\n"), std::string::npos)
        << offered << ":\n" << *answer;
  }
}

TEST(BuildAudioAnswerTest, RefusesWhatParseAudioOfferRefuses) {
  EXPECT_EQ(BuildAudioAnswer("", "203.0.113.5", 30000, kPayloadPcmu, -1, 1).error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_FALSE(BuildAudioAnswer("v=0\r\nm=video 5002 RTP/AVP 96\r\n", "203.0.113.5", 30000,
                                kPayloadPcmu, -1, 1)
                   .ok());
}

}  // namespace
}  // namespace fr::sip
