#include "adapters/telephony/sip/digest_auth.hpp"

#include <gtest/gtest.h>

#include <regex>

namespace fr::sip {
namespace {

// RFC 7616 3.9.1: the same request answered with MD5 and with SHA-256. The expected responses
// are the RFC's.
constexpr const char* kRfc7616Challenge =
    R"(Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=%s, )"
    R"(nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", )"
    R"(opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS")";

DigestInput Rfc7616Input() {
  return {"Mufasa",
          "Circle of Life",
          "GET",
          "/dir/index.html",
          "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
          1};
}

DigestChallenge Rfc7616(const char* algorithm) {
  char text[512];
  std::snprintf(text, sizeof text, kRfc7616Challenge, algorithm);
  const auto challenges = ParseChallenges(text);
  EXPECT_EQ(challenges.size(), 1u);
  return challenges.at(0);
}

// The value of parameter `name` in a credentials string (quoted or not).
std::string Param(const std::string& credentials, const std::string& name) {
  std::smatch match;
  if (std::regex_search(credentials, match, std::regex("[ ,]" + name + "=\"([^\"]*)\"")) ||
      std::regex_search(credentials, match, std::regex("[ ,]" + name + "=([^,\" ]*)"))) {
    return match[1];
  }
  return "<absent>";
}

TEST(DigestAuthTest, Rfc7616Md5Example) {
  const DigestChallenge challenge = Rfc7616("MD5");
  ASSERT_TRUE(challenge.CanAnswer());
  EXPECT_EQ(DigestResponse(challenge, Rfc7616Input()), "8ca523f5e9506fed4657c9700eebdbec");
}

TEST(DigestAuthTest, Rfc7616Sha256Example) {
  const DigestChallenge challenge = Rfc7616("SHA-256");
  ASSERT_TRUE(challenge.CanAnswer());
  EXPECT_EQ(DigestResponse(challenge, Rfc7616Input()),
            "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
}

// RFC 2617 3.5: MD5 with qop, written by another author in another decade.
TEST(DigestAuthTest, Rfc2617Example) {
  const auto challenges = ParseChallenges(
      R"(Digest realm="testrealm@host.com", qop="auth,auth-int", )"
      R"(nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41")");
  ASSERT_EQ(challenges.size(), 1u);
  const DigestInput input{"Mufasa", "Circle Of Life", "GET", "/dir/index.html", "0a4f113b", 1};
  EXPECT_EQ(DigestResponse(challenges[0], input), "6629fae49393a05397450978507c4ef1");
}

TEST(DigestAuthTest, CredentialsCarryEveryParameterTheServerNeeds) {
  const std::string credentials = BuildCredentials(Rfc7616("SHA-256"), Rfc7616Input());
  EXPECT_EQ(credentials.rfind("Digest ", 0), 0u) << credentials;
  EXPECT_EQ(Param(credentials, "username"), "Mufasa");
  EXPECT_EQ(Param(credentials, "realm"), "http-auth@example.org");
  EXPECT_EQ(Param(credentials, "uri"), "/dir/index.html");
  EXPECT_EQ(Param(credentials, "algorithm"), "SHA-256");
  EXPECT_EQ(Param(credentials, "nonce"), "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v");
  EXPECT_EQ(Param(credentials, "nc"), "00000001");
  EXPECT_EQ(Param(credentials, "cnonce"), "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ");
  EXPECT_EQ(Param(credentials, "qop"), "auth");
  EXPECT_EQ(Param(credentials, "opaque"), "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS");
  EXPECT_EQ(Param(credentials, "response"),
            "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
}

// Without qop (RFC 2069 style) the response skips nc and cnonce, and so do the credentials;
// an absent algorithm means MD5 and stays absent. Expected value: python3 hashlib,
// md5(md5("bob:sip.example:pw") + ":n1:" + md5("INVITE:sip:+49@t")).
TEST(DigestAuthTest, NoQopMeansTheOldFormula) {
  const auto challenges = ParseChallenges(R"(Digest realm="sip.example", nonce="n1")");
  ASSERT_EQ(challenges.size(), 1u);
  ASSERT_TRUE(challenges[0].CanAnswer());
  const DigestInput input{"bob", "pw", "INVITE", "sip:+49@t", "ignored", 1};
  EXPECT_EQ(DigestResponse(challenges[0], input), "f1ab6bab7c7d3660a1032fc8bf5452fc");
  const std::string credentials = BuildCredentials(challenges[0], input);
  EXPECT_EQ(Param(credentials, "qop"), "<absent>");
  EXPECT_EQ(Param(credentials, "cnonce"), "<absent>");
  EXPECT_EQ(Param(credentials, "algorithm"), "<absent>");
}

// -sess: HA1 = H(H(user:realm:pass):nonce:cnonce). Expected: python3 hashlib.
TEST(DigestAuthTest, SessVariantsHashTheCnonceIntoHa1) {
  const auto md5 = ParseChallenges(R"(Digest realm="r", nonce="n", algorithm=MD5-sess, qop=auth)");
  const auto sha =
      ParseChallenges(R"(Digest realm="r", nonce="n", algorithm=SHA-256-sess, qop=auth)");
  ASSERT_EQ(md5.size(), 1u);
  ASSERT_EQ(sha.size(), 1u);
  const DigestInput input{"u", "p", "INVITE", "sip:x@y", "c", 1};
  EXPECT_EQ(DigestResponse(md5[0], input), "1672e4db27412c5cb188507e46e210ba");
  EXPECT_EQ(DigestResponse(sha[0], input),
            "9e37c1840571f618b95925d5854cfab4e65395345f476b7f8e68acc6782debc5");
}

TEST(DigestAuthTest, QuotedStringsKeepCommasAndEscapes) {
  const auto challenges = ParseChallenges(
      R"(Digest realm="a, \"quoted\" realm", nonce="x,y\\z", opaque="o", qop="auth")");
  ASSERT_EQ(challenges.size(), 1u);
  EXPECT_EQ(challenges[0].realm, R"(a, "quoted" realm)");
  EXPECT_EQ(challenges[0].nonce, R"(x,y\z)");
  const std::string credentials =
      BuildCredentials(challenges[0], {"u", "p", "INVITE", "sip:x@y", "c", 1});
  EXPECT_NE(credentials.find(R"(realm="a, \"quoted\" realm")"), std::string::npos) << credentials;
  EXPECT_NE(credentials.find(R"(nonce="x,y\\z")"), std::string::npos) << credentials;
}

TEST(DigestAuthTest, SeveralChallengesInOneValueAndNamesInAnyCase) {
  const auto challenges = ParseChallenges(
      R"(Basic realm="b", DIGEST NONCE="n1" , Realm = "r1", ALGORITHM=sha-256, QOP="auth",)"
      R"( Digest realm="r2", nonce="n2", stale=TRUE, algorithm=MD5)");
  ASSERT_EQ(challenges.size(), 3u);
  EXPECT_FALSE(challenges[0].IsDigest());
  EXPECT_EQ(challenges[1].realm, "r1");
  EXPECT_EQ(challenges[1].nonce, "n1");
  EXPECT_EQ(challenges[1].algorithm, DigestAlgorithm::kSha256);
  EXPECT_FALSE(challenges[1].stale);
  EXPECT_EQ(challenges[2].realm, "r2");
  EXPECT_TRUE(challenges[2].stale);
  EXPECT_EQ(challenges[2].algorithm, DigestAlgorithm::kMd5);
}

TEST(DigestAuthTest, Token68OfAnotherSchemeDoesNotDerailTheNextChallenge) {
  const auto challenges = ParseChallenges(
      R"(Negotiate YIIBhQYGKwYBBQUCoIIBeTCCAXWgMDAuBgkqhkiG9xIBAgIGCSqGSIb3EgECAg==, )"
      R"(Digest realm="r", nonce="n")");
  ASSERT_EQ(challenges.size(), 2u);
  EXPECT_EQ(challenges[1].realm, "r");
  EXPECT_TRUE(challenges[1].CanAnswer());
}

TEST(DigestAuthTest, UnknownAlgorithmsAndAuthIntOnlyCannotBeAnswered) {
  for (const char* text : {R"(Digest realm="r", nonce="n", algorithm=SHA-512-256, qop=auth)",
                           R"(Digest realm="r", nonce="n", algorithm=AKAv1-MD5)",
                           R"(Digest realm="r", nonce="n", qop="auth-int")",
                           R"(Digest realm="r", nonce="n", algorithm=MD5-sess)",
                           R"(Digest realm="r", qop=auth)", R"(Basic realm="r")"}) {
    const auto challenges = ParseChallenges(text);
    ASSERT_EQ(challenges.size(), 1u) << text;
    EXPECT_FALSE(challenges[0].CanAnswer()) << text;
    EXPECT_FALSE(ChooseChallenge(challenges, "")) << text;
  }
}

TEST(DigestAuthTest, AnUnterminatedQuoteEndsTheParseKeepingWhatCameBefore) {
  const auto challenges = ParseChallenges(R"(Digest realm="r", nonce="n", Digest realm="open)");
  ASSERT_EQ(challenges.size(), 2u);
  EXPECT_TRUE(challenges[0].CanAnswer());
  EXPECT_TRUE(challenges[1].realm.empty());
  EXPECT_TRUE(ParseChallenges("").empty());
  EXPECT_TRUE(ParseChallenges(" , ,").empty());
}

TEST(DigestAuthTest, ChooseChallengePrefersSha256AndHonoursTheRealm) {
  const auto offered =
      ParseChallenges(R"(Digest realm="a", nonce="1", algorithm=MD5, qop=auth, )"
                      R"(Digest realm="a", nonce="2", algorithm=SHA-256, qop=auth, )"
                      R"(Digest realm="b", nonce="3", algorithm=MD5, qop=auth)");
  ASSERT_EQ(offered.size(), 3u);
  EXPECT_EQ(ChooseChallenge(offered, "")->nonce, "2");
  EXPECT_EQ(ChooseChallenge(offered, "a")->nonce, "2");
  EXPECT_EQ(ChooseChallenge(offered, "b")->nonce, "3");
  EXPECT_FALSE(ChooseChallenge(offered, "c"));
  EXPECT_FALSE(ChooseChallenge(offered, "A")) << "realms compare exactly";
}

TEST(DigestAuthTest, UserhashSendsTheHashedUsername) {
  const auto challenges =
      ParseChallenges(R"(Digest realm="r", nonce="n", algorithm=SHA-256, qop=auth, userhash=true)");
  ASSERT_EQ(challenges.size(), 1u);
  const std::string credentials =
      BuildCredentials(challenges[0], {"u", "p", "INVITE", "sip:x@y", "c", 1});
  // sha256("u:r"), from python3 hashlib.
  EXPECT_EQ(Param(credentials, "username"),
            "1d8a03a6e21a4ce775060ea57360329ac750dea5d847297b42f0d46539af8ab2");
  EXPECT_EQ(Param(credentials, "userhash"), "true");
}

}  // namespace
}  // namespace fr::sip
