// The organisation's events as Server-Sent Events (issue #16 §2 and §4, decision 0063): a client
// connected during a sipp call to the real binary hears call.started, call.answered and
// call.ended in order; one that reconnects with Last-Event-ID hears what it missed; who may
// listen, the caller's number only on request, and the bound on streams per token.
#include "integration/telephony_fixture.hpp"
#include "support/event_stream_client.hpp"

namespace fr::testing {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

class EventStreamTest : public TelephonyTest {
 protected:
  std::string EventsPath(const std::string& query = "") const {
    return "/v1/organizations/" + Str(org_a_) + "/events" + query;
  }
  std::unique_ptr<EventStreamClient> Connect(const std::string& query,
                                             std::vector<std::string> headers) {
    auto client = std::make_unique<EventStreamClient>(static_cast<std::uint16_t>(server_.port()),
                                                      EventsPath(query), headers);
    EXPECT_EQ(client->WaitForStatus(10s), 200) << client->head();
    return client;
  }
  void PlaceAnsweredCall() {
    RtpProbe caller_audio, agent_audio;
    SippProcess trunk(Scenario("trunk_answer_then_bye.xml"), TrunkArgs(agent_audio, {"-d", "500"}),
                      trunk_port_);
    SippProcess caller(Scenario("caller_wait_bye.xml"),
                       CallerArgs("004924155660000", caller_audio));
    EXPECT_EQ(trunk.Wait(), 0) << trunk.Logs();
    EXPECT_EQ(caller.Wait(), 0) << caller.Logs();
  }
};

std::vector<std::string> EventTypes(const std::vector<ReceivedEvent>& events) {
  std::vector<std::string> types;
  for (const auto& event : events) types.push_back(event.type);
  return types;
}

TEST_F(EventStreamTest, AClientHearsACallInOrderAndResumesWhereItLeftOff) {
  const std::int64_t hotline = CreateHotline({{"ttsInbound", ""}, {"ttsOutbound", ""}});
  auto listener = Connect("", {Api(org_a_token_)});
  EXPECT_NE(listener->head().find("Content-Type: text/event-stream"), std::string::npos)
      << listener->head();
  PlaceAnsweredCall();
  const json log = WaitForEndedCall(hotline);
  ASSERT_EQ(log["outcome"], "answered") << log;

  ASSERT_TRUE(listener->WaitForEvents(3, 20s)) << listener->events().size();
  const auto events = listener->events();
  ASSERT_EQ(EventTypes(events),
            (std::vector<std::string>{"call.started", "call.answered", "call.ended"}));
  std::vector<json> bodies;
  for (const auto& event : events) {
    bodies.push_back(json::parse(event.data));
    const json& body = bodies.back();
    EXPECT_EQ(Str(body["id"]), event.id) << "the SSE id is the event's id";
    EXPECT_EQ(body["type"], event.type);
    EXPECT_EQ(body["organizationID"], org_a_);
    EXPECT_EQ(body["data"]["callLogID"], log["id"]);
    EXPECT_EQ(body["data"]["hotlineID"], hotline);
    EXPECT_FALSE(body["data"].contains("callerNumber")) << "only on request";
  }
  EXPECT_EQ(bodies[1]["data"]["answeredBy"]["userID"], ann_);
  EXPECT_EQ(bodies[2]["data"]["outcome"], "answered");
  EXPECT_EQ(bodies[2]["data"]["durationSeconds"], log["durationSeconds"]);
  EXPECT_LT(std::stoll(events[0].id), std::stoll(events[1].id));
  EXPECT_LT(std::stoll(events[1].id), std::stoll(events[2].id));

  // A client that saw only call.started reconnects, as an EventSource does, and hears the rest;
  // asking for the caller's number, it gets it.
  auto resumed =
      Connect("?includeCallerNumber=true", {Pat(ann_token_), "Last-Event-ID: " + events[0].id});
  ASSERT_TRUE(resumed->WaitForEvents(2, 10s));
  const auto replayed = resumed->events();
  EXPECT_EQ(EventTypes(replayed), (std::vector<std::string>{"call.answered", "call.ended"}));
  EXPECT_EQ(replayed[0].id, events[1].id);
  EXPECT_EQ(json::parse(replayed[1].data)["data"]["callerNumber"], log["caller"]);
  EXPECT_FALSE(resumed->WaitForEvents(3, 1s)) << "nothing twice";

  // A client without Last-Event-ID hears only what happens from now on.
  auto fresh = Connect("", {Api(org_a_token_)});
  EXPECT_FALSE(fresh->WaitForEvents(1, 1s));
}

TEST_F(EventStreamTest, OnlyAdminsListenAndEachTokenHasABoundOnOpenStreams) {
  ExpectProblem(client_->Get(EventsPath(), {Pat(max_token_)}), 403);
  for (const std::string& outsider : {Pat(bea_token_), Api(org_b_token_)}) {
    ExpectProblem(client_->Get(EventsPath(), {outsider}), 404);
  }
  ExpectProblem(client_->Get(EventsPath(), {}), 401);
  ExpectProblem(client_->Get(EventsPath(), {Api(org_a_token_), "Last-Event-ID: soon"}), 400);
  ExpectProblem(client_->Get(EventsPath("?includeCallerNumber=maybe"), {Api(org_a_token_)}), 400);

  std::vector<std::unique_ptr<EventStreamClient>> open;
  for (int i = 0; i < 5; ++i) open.push_back(Connect("", {Api(org_a_token_)}));
  ExpectProblem(client_->Get(EventsPath(), {Api(org_a_token_)}), 429);
  open.push_back(Connect("", {Pat(ann_token_)}));  // another token has a bound of its own
}

// Bounds across a user's tokens, and access checked again at each heartbeat (15 s): a revoked
// token and a removed admin stop hearing without reconnecting.
class EventStreamAccessTest : public WorldTest {
 protected:
  std::string EventsPath() const { return "/v1/organizations/" + Str(org_a_) + "/events"; }
  std::unique_ptr<EventStreamClient> Connect(const std::string& header) {
    auto client = std::make_unique<EventStreamClient>(static_cast<std::uint16_t>(server_.port()),
                                                      EventsPath(), std::vector{header});
    EXPECT_EQ(client->WaitForStatus(10s), 200) << client->head();
    return client;
  }
};

TEST_F(EventStreamAccessTest, AUserHasTenStreamsAndLosesThemWithTheTokenOrTheAdminRole) {
  const json second = server_.Admin({"token", "create", "--user", Str(ann_)});
  const std::string third = Secret({"token", "create", "--user", Str(ann_)});
  const std::int64_t ida = server_.Admin({"user", "create", "--name", "Ida Admin"})["id"];
  server_.Admin({"member", "add", "--org", Str(org_a_), "--user", Str(ida), "--role", "admin"});
  const std::string ida_token = Secret({"token", "create", "--user", Str(ida)});

  std::vector<std::unique_ptr<EventStreamClient>> anns, seconds;
  for (int i = 0; i < 5; ++i) anns.push_back(Connect(Pat(ann_token_)));
  for (int i = 0; i < 5; ++i) seconds.push_back(Connect(Pat(second["secret"].get<std::string>())));
  const auto refused = ExpectProblem(client_->Get(EventsPath(), {Pat(third)}), 429);
  EXPECT_NE(refused.value("detail", "").find("its user"), std::string::npos) << refused;
  auto idas = Connect(Pat(ida_token));  // another user has a bound of their own

  server_.Admin({"token", "revoke", Str(second["id"])});
  server_.Admin({"member", "remove", "--org", Str(org_a_), "--user", Str(ida)});
  for (const auto& stream : seconds) EXPECT_TRUE(stream->WaitForEnd(25s)) << "revoked token";
  EXPECT_TRUE(idas->WaitForEnd(5s)) << "no longer a member";
  for (const auto& stream : anns) EXPECT_FALSE(stream->WaitForEnd(0ms)) << "Ann still listens";
  anns.push_back(Connect(Pat(third)));  // the revoked token's places came back
}

}  // namespace
}  // namespace fr::testing
