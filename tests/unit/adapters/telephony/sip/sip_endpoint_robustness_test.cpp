// SipEndpoint's edges: bad input from the network and from its owner, start and stop.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sip_test_fixture.hpp"
#include "support/sipp_process.hpp"

namespace fr::sip::testing {
namespace {

TEST_F(SipEndpointTest, GarbageAndTruncatedRequestsDoNotHurtTheNextCall) {
  StartEndpoint();
  const std::string port = std::to_string(port_);
  const std::vector<std::string> datagrams = {
      std::string("\x00\x01\x02\xff\xfe", 5),
      "\r\n\r\n",
      "INVITE sip:+4924155660001@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP "
      "127.0.0.1:9;branch=z9hG4bK1\r\n",
      // Complete headers, but no From, To, Call-ID or CSeq.
      "INVITE sip:1@127.0.0.1:" + port +
          " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK2\r\n"
          "Content-Length: 0\r\n\r\n",
      // Content-Length larger than the body.
      "INVITE sip:1@127.0.0.1:" + port +
          " SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK3\r\n"
          "From: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:1@127.0.0.1>\r\nCall-ID: x3\r\nCSeq: 1 "
          "INVITE\r\n"
          "Content-Type: application/sdp\r\nContent-Length: 5000\r\n\r\nv=0\r\n",
      // Nonsense in every header.
      "INVITE sip:@ SIP/2.0\r\nVia: ???\r\nFrom: <<<\r\nTo: >\r\nCall-ID: \r\nCSeq: x INVITE\r\n"
      "Contact: *\r\nContent-Length: -4\r\n\r\n",
      "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKnone\r\nCSeq: 1 INVITE\r\n\r\n",
      "BYE sip:nobody@127.0.0.1 SIP/2.0\r\n\r\n",
      std::string(70000 % 65000, 'A'),
  };
  for (const std::string& datagram : datagrams) SendUdp(port_, datagram);

  SippProcess caller(Scenario("uac_answer_bye.xml"),
                     {"-s", "+4924155660001", "-key", "caller", "0301234567", Target()});
  auto call = events_.WaitFor<IncomingCall>(
      [](const IncomingCall& c) { return c.caller_user == "0301234567"; });
  ASSERT_TRUE(call) << caller.Logs();
  endpoint_->Answer(call->leg, OurSdp());
  ASSERT_TRUE(events_.WaitEnded(call->leg));
  EXPECT_EQ(caller.Wait(), 0) << caller.Logs();
}

// Found by fuzzing (fuzz/corpus/sip_message/regression_repeated_max_forwards.sip): sofia files
// the second copy of a header that may appear once among the erroneous headers, in its own
// class; reading it as an unparsable header crashed the SIP thread, and the service with it.
TEST_F(SipEndpointTest, AnInviteRepeatingASingleHeaderIsStillACall) {
  StartEndpoint();
  const std::string sdp =
      "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
      "m=audio 40000 RTP/AVP 0\r\n";
  std::string invite = "INVITE sip:+4924155660001@" + Target() + " SIP/2.0\r\n";
  invite +=
      "Via: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bKrepeated\r\n"
      "From: <sip:0301234567@127.0.0.1>;tag=1\r\n"
      "To: <sip:+4924155660001@127.0.0.1>\r\n"
      "Call-ID: repeated-max-forwards\r\nCSeq: 1 INVITE\r\n"
      "Contact: <sip:0301234567@127.0.0.1:9>\r\n"
      "Max-Forwards: 70\r\nMax-Forwards: 70\r\n"
      "Content-Type: application/sdp\r\n";
  invite += "Content-Length: " + std::to_string(sdp.size()) + "\r\n\r\n" + sdp;
  SendUdp(port_, invite);
  auto call = events_.WaitFor<IncomingCall>(
      [](const IncomingCall& c) { return c.dialed_user == "+4924155660001"; });
  ASSERT_TRUE(call);
  EXPECT_EQ(call->caller_user, "0301234567");
  EXPECT_FALSE(call->caller_withheld);
  endpoint_->Reject(call->leg, 486, "Busy Here");
  EXPECT_TRUE(events_.WaitEnded(call->leg));
}

TEST_F(SipEndpointTest, DialToADeadTrunkStillEndsTheLegOnce) {
  StartEndpoint(FreeUdpPort());  // nothing listens there: ICMP unreachable, or a timeout
  auto leg = endpoint_->Dial(AgentCall());
  ASSERT_TRUE(leg.ok());
  auto ended = events_.WaitEnded(*leg, std::chrono::seconds(60));
  ASSERT_TRUE(ended);
  EXPECT_TRUE(ended->cause == EndCause::kError || ended->cause == EndCause::kTimeout)
      << EndCauseName(ended->cause) << " " << ended->status << " " << ended->reason;
  EXPECT_EQ(events_.Count<LegEnded>(*leg), 1);
}

TEST_F(SipEndpointTest, DialRefusesUsersThatCouldBreakTheUri) {
  StartEndpoint();
  OutgoingCall call = AgentCall("2001>;evil");
  auto leg = endpoint_->Dial(call);
  ASSERT_FALSE(leg.ok());
  EXPECT_EQ(leg.error().code, ErrorCode::kInvalidArgument);
  call = AgentCall();
  call.local_sdp.clear();
  EXPECT_FALSE(endpoint_->Dial(call).ok());
}

TEST(SipEndpointLifecycleTest, DialBeforeStartFails) {
  SipConfig config;
  config.listen_port = 0;
  config.trunk_host = "127.0.0.1";
  SipEndpoint endpoint(config, [](SipEvent) {});
  auto leg = endpoint.Dial({"2001", "100", "Hotline", "v=0\r\n"});
  ASSERT_FALSE(leg.ok());
  EXPECT_EQ(leg.error().code, ErrorCode::kFailedPrecondition);
  endpoint.Stop();  // harmless without Start()
}

TEST(SipEndpointLifecycleTest, PortInUseIsUnavailable) {
  // Hold a UDP port on 127.0.0.1 so the endpoint cannot bind it.
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);

  SipConfig config;
  config.listen_port = ntohs(addr.sin_port);
  SipEndpoint endpoint(config, [](SipEvent) {});
  auto port = endpoint.Start();
  close(fd);
  ASSERT_FALSE(port.ok());
  EXPECT_EQ(port.error().code, ErrorCode::kUnavailable);
  EXPECT_FALSE(endpoint.Start().ok());  // not twice
}

TEST(SipEndpointLifecycleTest, StartsAndStopsRepeatedly) {
  for (int i = 0; i < 3; ++i) {
    SipConfig config;
    config.listen_port = 0;
    SipEndpoint endpoint(config, [](SipEvent) {});
    auto port = endpoint.Start();
    ASSERT_TRUE(port.ok()) << port.error().detail;
    endpoint.Stop();
    endpoint.Stop();
  }
}

}  // namespace
}  // namespace fr::sip::testing
