// SipEndpoint against sipp on loopback: sipp plays the caller (uac_*) or the trunk (uas_*).
#include <gtest/gtest.h>

#include "sip_test_fixture.hpp"
#include "support/sipp_process.hpp"

namespace fr::sip::testing {
namespace {

constexpr char kHotlineNumber[] = "+4924155660001";

std::vector<std::string> CallerArgs(const std::string& target,
                                    const std::string& caller = "0301234567") {
  return {"-s", kHotlineNumber, "-key", "caller", caller, target};
}

TEST_F(SipEndpointTest, InboundCallIsReportedAnsweredAndEndedByTheCallersBye) {
  StartEndpoint();
  SippProcess caller(Scenario("uac_answer_bye.xml"), CallerArgs(Target()));

  auto call = events_.WaitFor<IncomingCall>();
  ASSERT_TRUE(call) << caller.Logs();
  EXPECT_EQ(call->dialed_user, kHotlineNumber);
  EXPECT_EQ(call->caller_user, "0301234567");
  EXPECT_FALSE(call->caller_withheld);
  EXPECT_EQ(call->source_ip, "127.0.0.1");
  EXPECT_EQ(call->source_port, caller.port());
  auto offer = ParseAudioOffer(call->remote_sdp);
  ASSERT_TRUE(offer.ok()) << call->remote_sdp;
  EXPECT_EQ(ChooseCodec(*offer), kPayloadPcma);
  EXPECT_EQ(offer->telephone_event_pt, 101);
  endpoint_->Answer(call->leg, OurSdp());

  auto ended = events_.WaitEnded(call->leg);
  ASSERT_TRUE(ended) << caller.Logs();
  EXPECT_EQ(ended->cause, EndCause::kRemoteBye);
  EXPECT_EQ(ended->status, 200);
  EXPECT_EQ(caller.Wait(), 0) << caller.Logs();
  EXPECT_EQ(events_.Count<LegEnded>(call->leg), 1);
}

TEST_F(SipEndpointTest, InboundCallRejectedBusy) {
  StartEndpoint();
  SippProcess caller(Scenario("uac_expect_486.xml"), CallerArgs(Target()));
  auto call = events_.WaitFor<IncomingCall>();
  ASSERT_TRUE(call) << caller.Logs();
  endpoint_->Reject(call->leg, 486, "Busy Here");

  auto ended = events_.WaitEnded(call->leg);
  ASSERT_TRUE(ended);
  EXPECT_EQ(ended->cause, EndCause::kRejected);
  EXPECT_EQ(ended->status, 486);
  EXPECT_EQ(caller.Wait(), 0) << caller.Logs();
}

TEST_F(SipEndpointTest, AnUnreadablePrivacyHeaderWithholdsTheNumber) {
  StartEndpoint();
  SippProcess caller(Scenario("uac_unreadable_privacy_expect_403.xml"),
                     {"-s", kHotlineNumber, Target()});
  auto call = events_.WaitFor<IncomingCall>();
  ASSERT_TRUE(call) << caller.Logs();
  EXPECT_TRUE(call->caller_withheld);
  EXPECT_EQ(call->caller_user, "");
  endpoint_->Reject(call->leg, 403, "Forbidden");
  ASSERT_TRUE(events_.WaitEnded(call->leg));
  EXPECT_EQ(caller.Wait(), 0) << caller.Logs();
}

TEST_F(SipEndpointTest, WithheldCallerIsFlaggedAndNotPassedOn) {
  StartEndpoint();
  SippProcess caller(Scenario("uac_anonymous_expect_403.xml"), {"-s", kHotlineNumber, Target()});
  auto call = events_.WaitFor<IncomingCall>();
  ASSERT_TRUE(call) << caller.Logs();
  EXPECT_TRUE(call->caller_withheld);
  EXPECT_EQ(call->caller_user, "");
  endpoint_->Reject(call->leg, 403, "Forbidden");
  ASSERT_TRUE(events_.WaitEnded(call->leg));
  EXPECT_EQ(caller.Wait(), 0) << caller.Logs();
}

TEST_F(SipEndpointTest, CallerCancelsWhileRinging) {
  StartEndpoint();
  SippProcess caller(Scenario("uac_cancel.xml"), CallerArgs(Target()));
  auto call = events_.WaitFor<IncomingCall>();
  ASSERT_TRUE(call) << caller.Logs();
  endpoint_->Ring(call->leg);

  auto ended = events_.WaitEnded(call->leg);
  ASSERT_TRUE(ended) << caller.Logs();
  EXPECT_EQ(ended->cause, EndCause::kRemoteCancel);
  EXPECT_EQ(ended->status, 487);
  EXPECT_EQ(caller.Wait(), 0) << caller.Logs();
  // Commands on the ended leg are ignored and produce no second LegEnded. Stop() is the
  // barrier: it runs after every command queued before it, and delivers their events first.
  endpoint_->Hangup(call->leg);
  endpoint_->Answer(call->leg, OurSdp());
  endpoint_->Stop();
  EXPECT_EQ(events_.Count<LegEnded>(call->leg), 1);
}

TEST_F(SipEndpointTest, LocalHangupOfAnAnsweredInboundCallSendsBye) {
  StartEndpoint();
  SippProcess caller(Scenario("uac_wait_bye.xml"), CallerArgs(Target()));
  auto call = events_.WaitFor<IncomingCall>();
  ASSERT_TRUE(call) << caller.Logs();
  endpoint_->Answer(call->leg, OurSdp());
  endpoint_->Hangup(call->leg);

  auto ended = events_.WaitEnded(call->leg);
  ASSERT_TRUE(ended) << caller.Logs();
  EXPECT_EQ(ended->cause, EndCause::kLocalHangup);
  EXPECT_EQ(caller.Wait(), 0) << caller.Logs();
}

TEST_F(SipEndpointTest, OutboundCallRingsIsAnsweredAndHungUp) {
  SippProcess trunk(Scenario("uas_answer.xml"), {});
  StartEndpoint(trunk.port());
  auto leg = endpoint_->Dial(AgentCall());
  ASSERT_TRUE(leg.ok());

  auto ringing = events_.WaitFor<LegRinging>();
  ASSERT_TRUE(ringing) << trunk.Logs();
  EXPECT_EQ(ringing->leg, *leg);
  EXPECT_EQ(ringing->status, 180);
  auto answered = events_.WaitFor<LegAnswered>();
  ASSERT_TRUE(answered) << trunk.Logs();
  EXPECT_EQ(answered->leg, *leg);
  EXPECT_TRUE(ParseAudioOffer(answered->remote_sdp).ok()) << answered->remote_sdp;

  endpoint_->Hangup(*leg);
  auto ended = events_.WaitEnded(*leg);
  ASSERT_TRUE(ended) << trunk.Logs();
  EXPECT_EQ(ended->cause, EndCause::kLocalHangup);
  EXPECT_EQ(ended->status, 200);
  // uas_answer.xml also checks the Request-URI and the From display name and user.
  EXPECT_EQ(trunk.Wait(), 0) << trunk.Logs();
  EXPECT_EQ(events_.Count<LegEnded>(*leg), 1);
}

TEST_F(SipEndpointTest, AgentHangsUpAnOutboundCall) {
  SippProcess trunk(Scenario("uas_answer_then_bye.xml"), {});
  StartEndpoint(trunk.port());
  auto leg = endpoint_->Dial(AgentCall());
  ASSERT_TRUE(leg.ok());
  ASSERT_TRUE(events_.WaitFor<LegAnswered>()) << trunk.Logs();

  auto ended = events_.WaitEnded(*leg);
  ASSERT_TRUE(ended) << trunk.Logs();
  EXPECT_EQ(ended->cause, EndCause::kRemoteBye);
  EXPECT_EQ(trunk.Wait(), 0) << trunk.Logs();
}

TEST_F(SipEndpointTest, KeysSentAsSipInfoAreReportedAndAnswered) {
  SippProcess trunk(Scenario("uas_answer_info_bye.xml"), {});
  StartEndpoint(trunk.port());
  auto leg = endpoint_->Dial(AgentCall());
  ASSERT_TRUE(leg.ok());
  ASSERT_TRUE(events_.WaitEnded(*leg)) << trunk.Logs();
  // The scenario fails unless both INFOs got 200.
  EXPECT_EQ(trunk.Wait(), 0) << trunk.Logs();
  auto one = events_.WaitFor<LegDigit>([](const LegDigit& d) { return d.key == '1'; });
  auto hash = events_.WaitFor<LegDigit>([](const LegDigit& d) { return d.key == '#'; });
  ASSERT_TRUE(one && hash);
  EXPECT_EQ(one->leg, *leg);
  EXPECT_EQ(events_.Count<LegDigit>(*leg), 2);
}

TEST_F(SipEndpointTest, HangupWhileRingingCancels) {
  SippProcess trunk(Scenario("uas_ring_until_cancel.xml"), {});
  StartEndpoint(trunk.port());
  auto leg = endpoint_->Dial(AgentCall());
  ASSERT_TRUE(leg.ok());
  ASSERT_TRUE(events_.WaitFor<LegRinging>()) << trunk.Logs();

  endpoint_->Hangup(*leg);
  endpoint_->Hangup(*leg);  // twice: still one CANCEL, one LegEnded
  auto ended = events_.WaitEnded(*leg);
  ASSERT_TRUE(ended) << trunk.Logs();
  EXPECT_EQ(ended->cause, EndCause::kLocalHangup);
  EXPECT_EQ(ended->status, 487);
  EXPECT_EQ(trunk.Wait(), 0) << trunk.Logs();
  EXPECT_EQ(events_.Count<LegEnded>(*leg), 1);
}

TEST_F(SipEndpointTest, BusyAgentEndsTheLegWithItsStatus) {
  SippProcess trunk(Scenario("uas_busy.xml"), {});
  StartEndpoint(trunk.port());
  auto leg = endpoint_->Dial(AgentCall());
  ASSERT_TRUE(leg.ok());

  auto ended = events_.WaitEnded(*leg);
  ASSERT_TRUE(ended) << trunk.Logs();
  EXPECT_EQ(ended->cause, EndCause::kRejected);
  EXPECT_EQ(ended->status, 486);
  EXPECT_EQ(trunk.Wait(), 0) << trunk.Logs();
  EXPECT_EQ(events_.Count<LegAnswered>(*leg), 0);
}

TEST_F(SipEndpointTest, ATrunkThatAsksForCredentialsEndsTheLeg) {
  SippProcess trunk(Scenario("uas_challenge.xml"), {});
  StartEndpoint(trunk.port());
  auto leg = endpoint_->Dial(AgentCall());
  ASSERT_TRUE(leg.ok());
  auto ended = events_.WaitEnded(*leg);
  ASSERT_TRUE(ended) << "a 407 must end the leg, not leave it waiting: " << trunk.Logs();
  EXPECT_EQ(ended->cause, EndCause::kRejected);
  EXPECT_EQ(ended->status, 407);
  EXPECT_EQ(trunk.Wait(), 0) << trunk.Logs();
}

TEST_F(SipEndpointTest, A200CrossingOurCancelIsAckedAndByed) {
  SippProcess trunk(Scenario("uas_answer_crossing_cancel.xml"), {});
  StartEndpoint(trunk.port());
  auto leg = endpoint_->Dial(AgentCall());
  ASSERT_TRUE(leg.ok());
  ASSERT_TRUE(events_.WaitFor<LegRinging>()) << trunk.Logs();
  endpoint_->Hangup(*leg);

  auto ended = events_.WaitEnded(*leg);
  ASSERT_TRUE(ended) << trunk.Logs();
  EXPECT_EQ(ended->cause, EndCause::kLocalHangup);
  EXPECT_EQ(trunk.Wait(), 0) << trunk.Logs();  // the trunk got its ACK and BYE
  EXPECT_EQ(events_.Count<LegAnswered>(*leg), 0);
  EXPECT_EQ(events_.Count<LegEnded>(*leg), 1);
}

TEST_F(SipEndpointTest, StopHangsUpEveryLegAndReportsThem) {
  SippProcess trunk(Scenario("uas_ring_until_cancel.xml"), {});
  StartEndpoint(trunk.port());
  SippProcess caller(Scenario("uac_wait_bye.xml"), CallerArgs(Target()));
  auto call = events_.WaitFor<IncomingCall>();
  ASSERT_TRUE(call) << caller.Logs();
  endpoint_->Answer(call->leg, OurSdp());
  auto leg = endpoint_->Dial(AgentCall());
  ASSERT_TRUE(leg.ok());
  ASSERT_TRUE(events_.WaitFor<LegRinging>()) << trunk.Logs();

  const auto started = std::chrono::steady_clock::now();
  endpoint_->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(20));
  for (LegId id : {call->leg, *leg}) {
    auto ended = events_.WaitEnded(id, std::chrono::seconds(1));
    ASSERT_TRUE(ended) << id;
    EXPECT_EQ(ended->cause, EndCause::kStopped);
    EXPECT_EQ(events_.Count<LegEnded>(id), 1);
  }
  EXPECT_EQ(caller.Wait(), 0) << caller.Logs();  // got our BYE
  EXPECT_EQ(trunk.Wait(), 0) << trunk.Logs();    // got our CANCEL
  EXPECT_FALSE(endpoint_->Dial(AgentCall()).ok());
}

}  // namespace
}  // namespace fr::sip::testing
