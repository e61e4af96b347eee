// A long read's admin check (decisions 0063, 0082) against the in-memory repositories: time
// passing moves no authentication stamp, so a token's expiry must end the read by itself.
#include "app/admin_grant.hpp"

#include <gtest/gtest.h>

#include "app/administration_service.hpp"
#include "app/authentication_service.hpp"
#include "fakes/fake_clock.hpp"
#include "fakes/fake_crypto.hpp"
#include "fakes/in_memory_hotline_repository.hpp"
#include "fakes/in_memory_identity_repositories.hpp"

namespace fr {
namespace {

class AdminGrantTest : public ::testing::Test {
 protected:
  void SetUp() override {
    organization_ = *administration_.CreateOrganization("Relief");
    user_ = *administration_.CreateUser("Ann");
    ASSERT_TRUE(administration_.AddMember(organization_.id, user_.id, Role::kAdmin, true).ok());
  }

  AdminGrant GrantFor(const IssuedToken& issued) {
    const auto principal =
        authentication_.Authenticate({CredentialSource::kPersonalAccessTokenHeader, issued.secret});
    EXPECT_TRUE(principal.ok());
    return AdminGrant{*principal};
  }

  testing::FakeClock clock_;
  testing::FakeSecureRandom random_;
  testing::FakeSecretDigest digest_;
  testing::InMemoryUserRepository users_;
  testing::InMemoryOrganizationRepository organizations_;
  testing::InMemoryTokenRepository tokens_;
  testing::InMemoryHotlineRepository hotlines_;
  AdministrationService administration_{users_,  organizations_, tokens_, hotlines_,
                                        digest_, random_,        clock_};
  AuthenticationService authentication_{tokens_, organizations_, digest_, clock_};
  AdminGrantCheck check_{tokens_, organizations_, clock_};
  Organization organization_;
  User user_;
};

TEST_F(AdminGrantTest, AnExpiringTokenEndsTheReadWhenItExpiresThoughNothingElseChanged) {
  const auto issued = administration_.CreatePersonalToken(user_.id, {"export", 1});
  ASSERT_TRUE(issued.ok());
  tokens_.SetStamp(7);  // nothing changes in storage from here on
  AdminGrant grant = GrantFor(*issued);
  EXPECT_TRUE(*check_.StillHolds(grant, organization_.id));
  clock_.Advance(std::chrono::hours(23));
  EXPECT_TRUE(*check_.StillHolds(grant, organization_.id));
  clock_.Advance(std::chrono::hours(2));
  EXPECT_FALSE(*check_.StillHolds(grant, organization_.id));
}

TEST_F(AdminGrantTest, ARevokedTokenEndsTheRead) {
  const auto issued = administration_.CreatePersonalToken(user_.id, {"a", std::nullopt});
  ASSERT_TRUE(issued.ok());
  tokens_.SetStamp(7);
  AdminGrant grant = GrantFor(*issued);
  EXPECT_TRUE(*check_.StillHolds(grant, organization_.id));
  tokens_.SetStamp(8);  // as the revocation's trigger would move it
  ASSERT_TRUE(tokens_.Revoke(issued->token.id, clock_.Now()).ok());
  EXPECT_FALSE(*check_.StillHolds(grant, organization_.id));
}

}  // namespace
}  // namespace fr
