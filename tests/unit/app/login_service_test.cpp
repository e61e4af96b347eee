#include "app/login_service.hpp"

#include <gtest/gtest.h>

#include "fakes/fake_clock.hpp"
#include "fakes/fake_crypto.hpp"
#include "fakes/in_memory_identity_repositories.hpp"

namespace fr {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

constexpr std::string_view kPassword = "purple tractor sings";

class LoginServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    organization_ = *organizations_.Create("Relief", clock_.Now());
    ann_ = *users_.Create("Ann", clock_.Now());
    max_ = *users_.Create("Max", clock_.Now());
    ASSERT_TRUE(
        organizations_.AddMember({organization_.id, ann_.id, Role::kAdmin, false, clock_.Now()}).ok());
    ASSERT_TRUE(
        organizations_.AddMember({organization_.id, max_.id, Role::kMember, false, clock_.Now()}).ok());
    ASSERT_TRUE(logins_.SetEmail(ann_.id, "Ann@example.org").ok());
    ASSERT_TRUE(logins_.SetPassword(ann_.id, kPassword).ok());
  }

  Principal AnnAsAdmin() {
    return Principal::ForUser(ann_.id, TokenId(99), *organizations_.MembershipsOfUser(ann_.id));
  }

  testing::FakeClock clock_;
  testing::FakeSecureRandom random_;
  testing::FakeSecretDigest digest_;
  testing::FakePasswordHasher hasher_;
  testing::InMemoryUserRepository users_;
  testing::InMemoryOrganizationRepository organizations_;
  testing::InMemoryTokenRepository tokens_;
  testing::InMemoryLoginRepository login_store_{users_};
  LoginService logins_{users_,  organizations_, login_store_, tokens_, hasher_,
                       digest_, random_,        clock_,       {},      {3, 10, minutes(15)}};
  Organization organization_;
  User ann_, max_;
};

TEST_F(LoginServiceTest, SignInStartsASessionTokenWithDerivedCsrfToken) {
  const auto started = logins_.SignIn("ANN@example.org", kPassword, "10.0.0.1", "Firefox/140");
  ASSERT_TRUE(started.ok()) << started.error().detail;
  EXPECT_EQ(started->user.id, ann_.id);
  EXPECT_EQ(started->session.kind, TokenKind::kSession);
  EXPECT_EQ(started->session.name, "Firefox/140");
  EXPECT_EQ(started->session.expires_at, clock_.Now() + hours(24 * 7));
  EXPECT_EQ(started->idle_expires_at, clock_.Now() + hours(12));
  EXPECT_EQ(TokenKindOfSecret(started->secret), TokenKind::kSession);
  EXPECT_EQ(started->session.secret_hash, digest_.Sha256Hex(started->secret));
  EXPECT_EQ(started->csrf_token, SessionCsrfToken(digest_, started->secret));
  EXPECT_EQ(started->csrf_token.find(started->secret), std::string::npos);
}

TEST_F(LoginServiceTest, UnknownAddressAndWrongPasswordAnswerAlikeAndBothVerify) {
  const int before = hasher_.verifications();
  const auto unknown = logins_.SignIn("nobody@example.org", kPassword, "10.0.0.1", "");
  const auto wrong = logins_.SignIn("ann@example.org", "not the password", "10.0.0.2", "");
  const auto no_password = logins_.SignIn("max@example.org", kPassword, "10.0.0.3", "");
  ASSERT_FALSE(unknown.ok());
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::kUnauthenticated);
  EXPECT_EQ(unknown.error().code, wrong.error().code);
  EXPECT_EQ(unknown.error().detail, wrong.error().detail);
  EXPECT_EQ(no_password.error().detail, wrong.error().detail);
  // Each cost one password verification (the unknown one against a dummy hash; the dummy's
  // own hashing is no verification).
  EXPECT_EQ(hasher_.verifications() - before, 3);
}

TEST_F(LoginServiceTest, FailuresPerAccountThrottleEvenTheRightPasswordUntilTheWindowPasses) {
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(logins_.SignIn("ann@example.org", "wrong password!", "10.0.0." + std::to_string(i), "")
                  .error()
                  .code,
              ErrorCode::kUnauthenticated);
  }
  const int verified = hasher_.verifications();
  const auto throttled = logins_.SignIn("Ann@Example.org", kPassword, "10.0.0.9", "");
  ASSERT_FALSE(throttled.ok());
  EXPECT_EQ(throttled.error().code, ErrorCode::kTooManyRequests);
  EXPECT_EQ(hasher_.verifications(), verified);  // refused before any work
  // Another account from the same addresses is not affected.
  ASSERT_TRUE(logins_.SetEmail(max_.id, "max@example.org").ok());
  ASSERT_TRUE(logins_.SetPassword(max_.id, kPassword).ok());
  EXPECT_TRUE(logins_.SignIn("max@example.org", kPassword, "10.0.0.1", "").ok());
  clock_.Advance(minutes(15));
  EXPECT_TRUE(logins_.SignIn("ann@example.org", kPassword, "10.0.0.9", "").ok());
}

TEST_F(LoginServiceTest, FailuresPerAddressThrottleThatAddressOnly) {
  for (int i = 0; i < 10; ++i) {
    (void)logins_.SignIn("guess" + std::to_string(i) + "@example.org", kPassword, "10.0.0.1", "");
  }
  EXPECT_EQ(logins_.SignIn("ann@example.org", kPassword, "10.0.0.1", "").error().code,
            ErrorCode::kTooManyRequests);
  EXPECT_TRUE(logins_.SignIn("ann@example.org", kPassword, "10.0.0.2", "").ok());
}

TEST_F(LoginServiceTest, InvitesSetThePasswordOnceAndSignOutEverywhere) {
  const auto session = logins_.SignIn("ann@example.org", kPassword, "10.0.0.1", "");
  ASSERT_TRUE(session.ok());
  const auto invite = logins_.InviteUser(ann_.id);
  ASSERT_TRUE(invite.ok());
  EXPECT_EQ(invite->expires_at, clock_.Now() + hours(24));
  EXPECT_TRUE(IsWellFormedSecret(invite->secret, kInviteSecretPrefix));

  const auto weak = logins_.SetPasswordWithInvite(invite->secret, "password1234");
  ASSERT_FALSE(weak.ok());
  EXPECT_EQ(weak.error().field_errors.at(0).field, "password");
  ASSERT_TRUE(logins_.SetPasswordWithInvite(invite->secret, "a brand new passphrase").ok());
  const auto again = logins_.SetPasswordWithInvite(invite->secret, "another new passphrase");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().field_errors.at(0).field, "invite");

  EXPECT_TRUE((*tokens_.FindBySecretHash(session->session.secret_hash))->revoked_at.has_value());
  EXPECT_FALSE(logins_.SignIn("ann@example.org", kPassword, "10.0.0.1", "").ok());
  EXPECT_TRUE(logins_.SignIn("ann@example.org", "a brand new passphrase", "10.0.0.1", "").ok());
}

TEST_F(LoginServiceTest, InvitesExpireAfterADay) {
  const auto invite = logins_.InviteUser(max_.id);
  clock_.Advance(hours(24));
  EXPECT_EQ(logins_.SetPasswordWithInvite(invite->secret, "a brand new passphrase")
                .error()
                .field_errors.at(0)
                .field,
            "invite");
}

TEST_F(LoginServiceTest, AnAdminInvitesOnlyMembersWithoutPassword) {
  const auto max_invite =
      logins_.InviteMember(AnnAsAdmin(), organization_.id, max_.id, "max@example.org");
  ASSERT_TRUE(max_invite.ok()) << max_invite.error().detail;
  EXPECT_EQ((*login_store_.Find(max_.id))->email, "max@example.org");
  // Ann has a password: her account is in use, and only the operator may send her a link.
  EXPECT_EQ(logins_.InviteMember(AnnAsAdmin(), organization_.id, ann_.id, std::nullopt)
                .error()
                .code,
            ErrorCode::kFailedPrecondition);
  const Principal max_as_member =
      Principal::ForUser(max_.id, TokenId(98), *organizations_.MembershipsOfUser(max_.id));
  EXPECT_EQ(logins_.InviteMember(max_as_member, organization_.id, max_.id, std::nullopt)
                .error()
                .code,
            ErrorCode::kPermissionDenied);
  const User stranger = *users_.Create("Stranger", clock_.Now());
  EXPECT_EQ(logins_.InviteMember(AnnAsAdmin(), organization_.id, stranger.id, "s@example.org")
                .error()
                .code,
            ErrorCode::kNotFound);
}

TEST_F(LoginServiceTest, SessionsAreListedAndRevokedOnlyByTheirUser) {
  const auto first = logins_.SignIn("ann@example.org", kPassword, "10.0.0.1", "A");
  clock_.Advance(minutes(1));
  const auto second = logins_.SignIn("ann@example.org", kPassword, "10.0.0.1", "B");
  const Principal ann = Principal::ForSession(ann_.id, second->session.id, {});
  const auto listed = logins_.ListSessions(ann);
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].session.name, "B");  // newest first
  const Principal max = Principal::ForUser(max_.id, TokenId(98), {});
  EXPECT_EQ(logins_.RevokeSession(max, first->session.id).error().code, ErrorCode::kNotFound);
  ASSERT_TRUE(logins_.RevokeSession(ann, first->session.id).ok());
  EXPECT_EQ(logins_.ListSessions(ann)->size(), 1u);
  EXPECT_EQ(logins_.RevokeSession(ann, first->session.id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(logins_.SignOut(Principal::ForUser(ann_.id, TokenId(1), {})).error().code,
            ErrorCode::kFailedPrecondition);
  ASSERT_TRUE(logins_.SignOut(ann).ok());
  EXPECT_TRUE(logins_.ListSessions(ann)->empty());
  EXPECT_EQ(logins_.ListSessions(Principal::ForOrganization(organization_.id, TokenId(3)))
                .error()
                .code,
            ErrorCode::kPermissionDenied);
}

}  // namespace
}  // namespace fr
