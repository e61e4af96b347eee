// The calls in progress (issue #16 §2, decision 0062): open calls in every phase, written into
// the database by another process as the telephony engine reports them (tests/support/
// call_feeder.cpp), so the server answers from the database and not from its own memory; who
// sees which call, and the caller's number only for admins and the API token.
#include "common/clock.hpp"
#include "integration/call_log_world.hpp"

namespace fr::testing {
namespace {

class LiveCallsHttpTest : public CallLogsHttpTest {
 protected:
  // Calls in every phase on the hotline, one ended, and one on the other hotline.
  void FeedCallsInEveryPhase() {
    t0_ = NowMillis() - 600'000;
    CallScript script(hotline_, hotline_number_);
    // Greeting: the caller is in, no phone rings yet.
    script.Add({{"op", "open_call"},
                {"call", "greeting"},
                {"hotline", hotline_},
                {"caller", "004924110001"},
                {"at", t0_}});
    script.Entry("greeting", "call_received", t0_);
    // Ringing both agents' phones; and one that rings Ann's phone only.
    script.Ringing("ringing", "004924110002", t0_ + 1000, agents_);
    script.Ringing("ann-only", "004924110003", t0_ + 2000, {agents_[0]});
    // Ann's phone answered, she has not pressed 1 yet; Max's phone rings on.
    script.Ringing("confirming", "004924110004", t0_ + 3000, agents_);
    script.Add(
        {{"op", "answer_leg"}, {"leg", CallScript::AgentLeg("confirming", 0)}, {"at", t0_ + 9000}});
    script.Entry("confirming", "agent_answered", t0_ + 9000, agents_[0]);
    // Ann talks to the caller; Max's phone stopped ringing.
    script.Ringing("bridged", nullptr, t0_ + 4000, agents_);
    script.Add(
        {{"op", "answer_leg"}, {"leg", CallScript::AgentLeg("bridged", 0)}, {"at", t0_ + 10000}});
    script.Entry("bridged", "agent_answered", t0_ + 10000, agents_[0]);
    script.CloseLeg(CallScript::AgentLeg("bridged", 1), "cancelled", 487, t0_ + 10000);
    script.Entry("bridged", "agent_confirmed", t0_ + 12000, agents_[0]);
    script.Entry("bridged", "bridged", t0_ + 12000, agents_[0]);
    // Over: not in progress.
    script.Answered("ended", "004924110006", t0_ + 5000, agents_);
    CallScript other(other_hotline_, "004924155660001");
    other.Ringing("other", "004924110007", t0_ + 6000, agents_);
    Feed(script);
    Feed(other);
  }

  std::string At(std::int64_t offset) const {
    return FormatTimestamp(FromEpochMillis(t0_ + offset));
  }
  json Phone(const Agent& agent, std::int64_t since) const {
    return {{"agentPhoneID", agent.phone}, {"since", At(since)}, {"userID", agent.user}};
  }

  std::int64_t t0_ = 0;
};

TEST_F(LiveCallsHttpTest, AdminsSeeEveryCallInProgressWithItsPhaseAndPhones) {
  FeedCallsInEveryPhase();
  const json page = GetJson(Path("/calls"), Pat(ann_token_));
  const json& calls = page["calls"];
  ASSERT_EQ(calls.size(), 5u) << page;
  for (const auto& call : calls) {
    EXPECT_EQ(Keys(call), SchemaRequired("LiveCall")) << call;
    EXPECT_EQ(call["hotlineID"], hotline_);
  }

  const json& greeting = calls[0];
  EXPECT_EQ(greeting["caller"], "004924110001");
  EXPECT_EQ(greeting["phase"], "greeting");
  EXPECT_EQ(greeting["phaseSince"], At(0));
  EXPECT_EQ(greeting["startTime"], At(0));
  EXPECT_EQ(greeting["ringing"], json::array());
  EXPECT_TRUE(greeting["connected"].is_null());

  const json& ringing = calls[1];
  EXPECT_EQ(ringing["phase"], "ringing");
  EXPECT_EQ(ringing["phaseSince"], At(1000 + 3000)) << "since the first phone was dialled";
  EXPECT_EQ(ringing["ringing"], (json{Phone(agents_[0], 4000), Phone(agents_[1], 4000)}));

  EXPECT_EQ(calls[2]["ringing"], json{Phone(agents_[0], 5000)});

  const json& confirming = calls[3];
  EXPECT_EQ(confirming["phase"], "confirming");
  EXPECT_EQ(confirming["phaseSince"], At(9000));
  EXPECT_EQ(confirming["confirming"], Phone(agents_[0], 9000));
  EXPECT_EQ(confirming["ringing"], json{Phone(agents_[1], 6000)}) << "Max's phone rings on";

  const json& bridged = calls[4];
  EXPECT_TRUE(bridged["caller"].is_null()) << "withheld";
  EXPECT_EQ(bridged["phase"], "bridged");
  EXPECT_EQ(bridged["phaseSince"], At(12000));
  EXPECT_EQ(bridged["connected"], Phone(agents_[0], 12000));
  EXPECT_EQ(bridged["ringing"], json::array());
  EXPECT_TRUE(bridged["confirming"].is_null());

  EXPECT_EQ(GetJson(Path("/calls"), Api(org_a_token_)), page) << "the API token sees the same";
  EXPECT_EQ(GetJson(Path("/calls", other_hotline_), Pat(ann_token_))["calls"].size(), 1u);
}

TEST_F(LiveCallsHttpTest, MembersSeeOnlyTheirOwnCallsWithoutTheCallersNumber) {
  FeedCallsInEveryPhase();
  const json calls = GetJson(Path("/calls"), Pat(max_token_))["calls"];
  std::vector<std::string> phases;
  for (const auto& call : calls) {
    phases.push_back(call["phase"]);
    EXPECT_TRUE(call["caller"].is_null()) << call;
  }
  EXPECT_EQ(phases, (std::vector<std::string>{"ringing", "confirming", "bridged"}))
      << "not the greeting (no phone yet), not the call that rings Ann alone";

  ExpectProblem(client_->Get(Path("/calls"), {Pat(bea_token_)}), 404);
  ExpectProblem(client_->Get(Path("/calls"), {Api(org_b_token_)}), 404);
  ExpectProblem(client_->Get(Path("/calls"), {}), 401);
  ExpectProblem(client_->Get("/v1/hotlines/987654/calls", {Pat(ann_token_)}), 404);
}

}  // namespace
}  // namespace fr::testing
