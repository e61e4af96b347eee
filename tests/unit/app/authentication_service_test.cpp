#include "app/authentication_service.hpp"

#include <gtest/gtest.h>

#include "app/login_service.hpp"
#include "fakes/identity_fixture.hpp"

namespace fr {
namespace {

using AuthenticationServiceTest = testing::IdentityFixture;

TEST_F(AuthenticationServiceTest, PersonalTokenActsAsItsUserWithMemberships) {
  const auto issued = administration_.CreatePersonalToken(user_.id, {});
  ASSERT_TRUE(issued.ok());
  const auto principal = authentication_.Authenticate(
      {CredentialSource::kPersonalAccessTokenHeader, issued->secret});
  ASSERT_TRUE(principal.ok());
  EXPECT_TRUE(principal->IsUser());
  EXPECT_EQ(principal->user_id, user_.id);
  ASSERT_EQ(principal->memberships.size(), 1u);
  EXPECT_EQ(principal->memberships[0].role, Role::kAdmin);
}

TEST_F(AuthenticationServiceTest, OrganizationTokenActsAsItsOrganization) {
  const auto issued = administration_.CreateOrganizationToken(organization_.id, {});
  const auto principal =
      authentication_.Authenticate({CredentialSource::kApiTokenHeader, issued->secret});
  ASSERT_TRUE(principal.ok());
  EXPECT_FALSE(principal->IsUser());
  EXPECT_EQ(principal->organization_id, organization_.id);
}

TEST_F(AuthenticationServiceTest, BearerAcceptsEitherKind) {
  const auto personal = administration_.CreatePersonalToken(user_.id, {});
  const auto organization = administration_.CreateOrganizationToken(organization_.id, {});
  EXPECT_TRUE(authentication_.Authenticate({CredentialSource::kBearer, personal->secret}).ok());
  EXPECT_TRUE(authentication_.Authenticate({CredentialSource::kBearer, organization->secret}).ok());
}

TEST_F(AuthenticationServiceTest, HeaderOfTheWrongKindIsRejected) {
  const auto personal = administration_.CreatePersonalToken(user_.id, {});
  const auto organization = administration_.CreateOrganizationToken(organization_.id, {});
  const auto a = authentication_.Authenticate({CredentialSource::kApiTokenHeader, personal->secret});
  const auto b = authentication_.Authenticate(
      {CredentialSource::kPersonalAccessTokenHeader, organization->secret});
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().code, ErrorCode::kUnauthenticated);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().code, ErrorCode::kUnauthenticated);
}

TEST_F(AuthenticationServiceTest, UnknownMalformedRevokedAndExpiredAllLookTheSame) {
  const auto revoked = administration_.CreatePersonalToken(user_.id, {});
  ASSERT_TRUE(administration_.RevokeToken(revoked->token.id).ok());
  const auto expiring = administration_.CreatePersonalToken(user_.id, {"", 1});
  clock_.Advance(std::chrono::hours(24));
  testing::FakeSecureRandom other_random;
  const std::string unknown = GenerateTokenSecret(TokenKind::kPersonal, other_random) + "";
  std::string forged = revoked->secret;
  forged.back() = forged.back() == 'A' ? 'B' : 'A';

  std::optional<std::string> detail;
  for (const std::string& secret : {revoked->secret, expiring->secret, std::string("nonsense"),
                                    std::string(""), forged}) {
    const auto result = authentication_.Authenticate({CredentialSource::kBearer, secret});
    ASSERT_FALSE(result.ok()) << secret;
    EXPECT_EQ(result.error().code, ErrorCode::kUnauthenticated);
    if (detail) {
      EXPECT_EQ(result.error().detail, *detail);
    }
    detail = result.error().detail;
  }
}

TEST_F(AuthenticationServiceTest, ExpiryIsExact) {
  const auto issued = administration_.CreatePersonalToken(user_.id, {"", 1});
  clock_.Advance(std::chrono::hours(24) - std::chrono::milliseconds(1));
  EXPECT_TRUE(authentication_.Authenticate({CredentialSource::kBearer, issued->secret}).ok());
  clock_.Advance(std::chrono::milliseconds(1));
  EXPECT_FALSE(authentication_.Authenticate({CredentialSource::kBearer, issued->secret}).ok());
}

TEST_F(AuthenticationServiceTest, LastUseIsRecordedAtMostOncePerMinute) {
  const auto issued = administration_.CreatePersonalToken(user_.id, {});
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(authentication_.Authenticate({CredentialSource::kBearer, issued->secret}).ok());
  }
  EXPECT_EQ(tokens_.uses_recorded(), 1);
  clock_.Advance(std::chrono::minutes(1));
  ASSERT_TRUE(authentication_.Authenticate({CredentialSource::kBearer, issued->secret}).ok());
  EXPECT_EQ(tokens_.uses_recorded(), 2);
}

TEST_F(AuthenticationServiceTest, AnUnchangedStampAnswersFromMemory) {
  const auto issued = administration_.CreatePersonalToken(user_.id, {"", 1});
  tokens_.SetStamp(7);
  for (int i = 0; i < 3; ++i) {
    const auto principal = authentication_.Authenticate({CredentialSource::kBearer, issued->secret});
    ASSERT_TRUE(principal.ok());
    EXPECT_EQ(principal->memberships.size(), 1u);
  }
  EXPECT_EQ(tokens_.lookups(), 1);
  // Expiry is still exact from memory.
  clock_.Advance(std::chrono::hours(24));
  EXPECT_FALSE(authentication_.Authenticate({CredentialSource::kBearer, issued->secret}).ok());
  EXPECT_EQ(tokens_.lookups(), 1);
}

TEST_F(AuthenticationServiceTest, ANewStampReadsTheTokenAgain) {
  const auto issued = administration_.CreatePersonalToken(user_.id, {});
  tokens_.SetStamp(7);
  ASSERT_TRUE(authentication_.Authenticate({CredentialSource::kBearer, issued->secret}).ok());
  ASSERT_TRUE(tokens_.Revoke(issued->token.id, clock_.Now()).ok());
  EXPECT_TRUE(authentication_.Authenticate({CredentialSource::kBearer, issued->secret}).ok())
      << "the same stamp: storage said nothing changed";
  tokens_.SetStamp(8);
  EXPECT_FALSE(authentication_.Authenticate({CredentialSource::kBearer, issued->secret}).ok());
  EXPECT_EQ(tokens_.lookups(), 2);
}

TEST_F(AuthenticationServiceTest, UnknownTokensAreNeverRemembered) {
  tokens_.SetStamp(7);
  // Well-formed, but not the secret of any stored token.
  std::string unknown = administration_.CreatePersonalToken(user_.id, {})->secret;
  unknown.back() = unknown.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(authentication_.Authenticate({CredentialSource::kBearer, unknown}).ok());
  EXPECT_FALSE(authentication_.Authenticate({CredentialSource::kBearer, unknown}).ok());
  EXPECT_EQ(tokens_.lookups(), 2);
}

TEST_F(AuthenticationServiceTest, OnlyTheHashIsStored) {
  const auto issued = administration_.CreatePersonalToken(user_.id, {});
  const auto stored = tokens_.List({});
  ASSERT_EQ(stored->size(), 1u);
  EXPECT_NE(stored->front().secret_hash, issued->secret);
  EXPECT_EQ(stored->front().secret_hash, digest_.Sha256Hex(issued->secret));
}

TEST(AdministrationService, ValidatesNamesAndExpiry) {
  testing::FakeClock clock;
  testing::FakeSecureRandom random;
  testing::FakeSecretDigest digest;
  testing::InMemoryUserRepository users;
  testing::InMemoryOrganizationRepository organizations;
  testing::InMemoryTokenRepository tokens;
  testing::InMemoryHotlineRepository hotlines;
  AdministrationService administration{users, organizations, tokens, hotlines,
                                       digest, random, clock};
  EXPECT_EQ(administration.CreateOrganization("  ").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(administration.CreateUser(std::string(101, 'x')).error().code,
            ErrorCode::kInvalidArgument);
  const auto user = administration.CreateUser("Ann");
  EXPECT_EQ(administration.CreatePersonalToken(user->id, {"", 0}).error().code,
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(administration.CreatePersonalToken(UserId(99), {}).error().code,
            ErrorCode::kNotFound);
  EXPECT_EQ(administration.AddMember(OrganizationId(5), user->id, Role::kAdmin, false)
                .error()
                .code,
            ErrorCode::kNotFound);
  const auto organization = administration.CreateOrganization("Relief");
  ASSERT_TRUE(administration.AddMember(organization->id, user->id, Role::kMember, false).ok());
  EXPECT_EQ(administration.AddMember(organization->id, user->id, Role::kAdmin, false)
                .error()
                .code,
            ErrorCode::kAlreadyExists);
  EXPECT_EQ(administration.RevokeToken(TokenId(42)).error().code, ErrorCode::kNotFound);
}

// A session token as LoginService::SignIn stores it.
std::string StoreSession(testing::InMemoryTokenRepository& tokens, const SecretDigest& digest,
                         SecureRandom& random, UserId user, Timestamp now) {
  Token session;
  session.kind = TokenKind::kSession;
  session.user_id = user;
  session.name = "browser";
  session.created_at = now;
  session.expires_at = now + std::chrono::hours(24 * 7);
  std::string secret = GenerateTokenSecret(TokenKind::kSession, random);
  session.secret_hash = digest.Sha256Hex(secret);
  EXPECT_TRUE(tokens.Create(session).ok());
  return secret;
}

TEST_F(AuthenticationServiceTest, SessionsComeOnlyInTheCookieAndActAsTheirUser) {
  const std::string secret = StoreSession(tokens_, digest_, random_, user_.id, clock_.Now());
  const auto principal = authentication_.Authenticate({CredentialSource::kSessionCookie, secret});
  ASSERT_TRUE(principal.ok());
  EXPECT_TRUE(principal->IsUser());
  EXPECT_TRUE(principal->IsSession());
  EXPECT_EQ(principal->user_id, user_.id);
  EXPECT_EQ(principal->memberships.size(), 1u);
  for (const auto source : {CredentialSource::kBearer, CredentialSource::kPersonalAccessTokenHeader,
                            CredentialSource::kApiTokenHeader}) {
    EXPECT_FALSE(authentication_.Authenticate({source, secret}).ok());
  }
  const auto personal = administration_.CreatePersonalToken(user_.id, {});
  EXPECT_FALSE(authentication_.Authenticate({CredentialSource::kSessionCookie, personal->secret}).ok());
}

TEST_F(AuthenticationServiceTest, SessionsEndWhenIdleAndUseKeepsThemAlive) {
  tokens_.SetStamp(1);  // cached: the idle check must hold on cached sessions too
  AuthenticationService authentication{tokens_, organizations_, digest_, clock_,
                                       std::chrono::minutes(10)};
  const std::string secret = StoreSession(tokens_, digest_, random_, user_.id, clock_.Now());
  const Credential cookie{CredentialSource::kSessionCookie, secret};
  for (int i = 0; i < 5; ++i) {
    clock_.Advance(std::chrono::minutes(9));
    ASSERT_TRUE(authentication.Authenticate(cookie).ok()) << i;
  }
  clock_.Advance(std::chrono::minutes(10));
  const auto idle = authentication.Authenticate(cookie);
  ASSERT_FALSE(idle.ok());
  EXPECT_EQ(idle.error().code, ErrorCode::kUnauthenticated);
}

TEST_F(AuthenticationServiceTest, SessionsEndAtTheirAbsoluteExpiryHoweverUsed) {
  AuthenticationService authentication{tokens_, organizations_, digest_, clock_,
                                       std::chrono::hours(12)};
  const std::string secret = StoreSession(tokens_, digest_, random_, user_.id, clock_.Now());
  const Credential cookie{CredentialSource::kSessionCookie, secret};
  for (int hour = 0; hour < 24 * 7 - 1; hour += 6) {
    ASSERT_TRUE(authentication.Authenticate(cookie).ok()) << hour;
    clock_.Advance(std::chrono::hours(6));
  }
  // Now exactly seven days after the sign-in.
  EXPECT_FALSE(authentication.Authenticate(cookie).ok());
}

TEST_F(AuthenticationServiceTest, TheCsrfTokenIsDerivedFromTheSessionSecret) {
  EXPECT_EQ(authentication_.CsrfTokenOf("frses_a"), authentication_.CsrfTokenOf("frses_a"));
  EXPECT_NE(authentication_.CsrfTokenOf("frses_a"), authentication_.CsrfTokenOf("frses_b"));
  EXPECT_EQ(authentication_.CsrfTokenOf("frses_a"), SessionCsrfToken(digest_, "frses_a"));
}

}  // namespace
}  // namespace fr
