#include "adapters/telephony/sip/trunk_challenge.hpp"

#include <gtest/gtest.h>

namespace fr::sip {
namespace {

constexpr const char* kTrunk = "192.0.2.10";
constexpr const char* kUri = "sip:+4915112340001@192.0.2.10:5060";

TrunkAccount Account(std::string realm = "") {
  return {"hotline", "s3cret", std::move(realm), {kTrunk, "2001:db8::10"}};
}

ReceivedChallenge Challenge(int status, std::string value, std::string source = kTrunk) {
  return {status, {std::move(value)}, std::move(source)};
}

ChallengedRequest Invite() { return {"INVITE", kUri, "cn0nce"}; }

constexpr const char* kMd5 =
    R"(Digest realm="carrier.example", nonce="n1", algorithm=MD5, qop="auth")";

TEST(TrunkChallengeTest, A401FromTheTrunkIsAnsweredInAuthorization) {
  ChallengeState state;
  EXPECT_EQ(AnswerChallenge(Account(), state, Challenge(401, kMd5), Invite()), std::nullopt);
  ASSERT_TRUE(state.authorization);
  EXPECT_FALSE(state.proxy_authorization);
  EXPECT_NE(state.authorization->find(R"(username="hotline")"), std::string::npos);
  EXPECT_NE(state.authorization->find(std::string("uri=\"") + kUri + "\""), std::string::npos);
  EXPECT_EQ(state.authorization->find("s3cret"), std::string::npos) << "never the password";
}

TEST(TrunkChallengeTest, A407IsAnsweredInProxyAuthorization) {
  ChallengeState state;
  EXPECT_EQ(AnswerChallenge(Account(), state, Challenge(407, kMd5), Invite()), std::nullopt);
  EXPECT_FALSE(state.authorization);
  ASSERT_TRUE(state.proxy_authorization);
}

TEST(TrunkChallengeTest, SeveralHeadersOfferedSha256Wins) {
  ChallengeState state;
  ReceivedChallenge challenge{
      401,
      {kMd5, R"(Digest realm="carrier.example", nonce="n2", algorithm=SHA-256, qop="auth")"},
      kTrunk};
  EXPECT_EQ(AnswerChallenge(Account(), state, challenge, Invite()), std::nullopt);
  EXPECT_NE(state.authorization->find("algorithm=SHA-256"), std::string::npos)
      << *state.authorization;
}

TEST(TrunkChallengeTest, WithoutAnAccountNothingIsSent) {
  ChallengeState state;
  const auto why = AnswerChallenge(std::nullopt, state, Challenge(401, kMd5), Invite());
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("none are configured"), std::string::npos) << *why;
  EXPECT_NE(why->find("carrier.example"), std::string::npos) << *why;
  EXPECT_FALSE(state.authorization);
}

TEST(TrunkChallengeTest, AChallengeFromAnotherSourceIsNeverAnswered) {
  for (const char* source : {"192.0.2.66", "", "192.0.2.1"}) {
    ChallengeState state;
    const auto why = AnswerChallenge(Account(), state, Challenge(401, kMd5, source), Invite());
    ASSERT_TRUE(why) << source;
    EXPECT_NE(why->find("not the trunk"), std::string::npos) << *why;
    EXPECT_FALSE(state.authorization);
  }
  ChallengeState v6;
  EXPECT_EQ(AnswerChallenge(Account(), v6, Challenge(407, kMd5, "2001:db8::10"), Invite()),
            std::nullopt);
}

TEST(TrunkChallengeTest, AForeignRealmIsRefusedWhenARealmIsConfigured) {
  ChallengeState state;
  const auto why = AnswerChallenge(Account("other.example"), state, Challenge(401, kMd5), Invite());
  ASSERT_TRUE(why);
  EXPECT_NE(why->find(R"(realm "carrier.example", not the configured "other.example")"),
            std::string::npos)
      << *why;
  EXPECT_FALSE(state.authorization);
  EXPECT_EQ(AnswerChallenge(Account("carrier.example"), state, Challenge(401, kMd5), Invite()),
            std::nullopt);
}

TEST(TrunkChallengeTest, AChallengeWeCannotAnswerSaysWhatWasOffered) {
  ChallengeState state;
  const auto why = AnswerChallenge(
      Account(), state,
      Challenge(401, R"(Digest realm="r", nonce="n", algorithm=SHA-512-256, qop=auth)"), Invite());
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("SHA-512-256"), std::string::npos) << *why;
  EXPECT_NE(why->find("not one we can answer"), std::string::npos) << *why;
}

TEST(TrunkChallengeTest, AHostileRealmReachesTheReasonEscapedAndCut) {
  ChallengeState state;
  const std::string realm = "evil\\\x1b[31m\\\"" + std::string(300, 'x');
  const auto why = AnswerChallenge(
      Account("carrier.example"), state,
      Challenge(401, "Digest realm=\"" + realm + "\", nonce=\"n\", qop=auth"), Invite());
  ASSERT_TRUE(why);
  EXPECT_EQ(why->find('\x1b'), std::string::npos) << *why;
  EXPECT_NE(why->find(R"(realm "evil\x1b[31m\")"), std::string::npos) << *why;
  EXPECT_LT(why->size(), 200u) << *why;
}

TEST(TrunkChallengeTest, TheSameChallengeAgainMeansWrongCredentials) {
  ChallengeState state;
  ASSERT_EQ(AnswerChallenge(Account(), state, Challenge(401, kMd5), Invite()), std::nullopt);
  const std::string first = *state.authorization;
  const auto why = AnswerChallenge(
      Account(), state,
      Challenge(401, R"(Digest realm="carrier.example", nonce="n9", algorithm=MD5, qop="auth")"),
      Invite());
  ASSERT_TRUE(why);
  EXPECT_EQ(*why, R"(the trunk refused our credentials (realm "carrier.example"))");
  EXPECT_EQ(*state.authorization, first) << "nothing new is sent";
}

TEST(TrunkChallengeTest, AStaleNonceIsRenewedWithinABoundButNeverWithTheSameNonce) {
  ChallengeState state;
  ASSERT_EQ(AnswerChallenge(Account(), state, Challenge(401, kMd5), Invite()), std::nullopt);
  const char* stale_same = R"(Digest realm="carrier.example", nonce="n1", stale=true, qop=auth)";
  EXPECT_TRUE(AnswerChallenge(Account(), state, Challenge(401, stale_same), Invite()));
  ChallengeState fresh;
  ASSERT_EQ(AnswerChallenge(Account(), fresh, Challenge(401, kMd5), Invite()), std::nullopt);
  const char* stale_new = R"(Digest realm="carrier.example", nonce="n2", stale=true, qop=auth)";
  EXPECT_EQ(AnswerChallenge(Account(), fresh, Challenge(401, stale_new), Invite()), std::nullopt);
  EXPECT_NE(fresh.authorization->find(R"(nonce="n2")"), std::string::npos);
  const char* stale_again = R"(Digest realm="carrier.example", nonce="n3", stale=true, qop=auth)";
  const auto why = AnswerChallenge(Account(), fresh, Challenge(401, stale_again), Invite());
  EXPECT_EQ(why, std::nullopt) << "a second renewal is still within the bound";
  const char* stale_more = R"(Digest realm="carrier.example", nonce="n4", stale=true, qop=auth)";
  EXPECT_TRUE(AnswerChallenge(Account(), fresh, Challenge(401, stale_more), Invite()))
      << "but no endless loop";
}

// A registrar (401) and a proxy (407) on the way may both ask: both answers are sent.
TEST(TrunkChallengeTest, A407AfterAnswered401IsAnsweredToo) {
  ChallengeState state;
  ASSERT_EQ(AnswerChallenge(Account(), state, Challenge(401, kMd5), Invite()), std::nullopt);
  ASSERT_EQ(AnswerChallenge(Account(), state, Challenge(407, kMd5), Invite()), std::nullopt);
  EXPECT_TRUE(state.authorization);
  EXPECT_TRUE(state.proxy_authorization);
}

}  // namespace
}  // namespace fr::sip
