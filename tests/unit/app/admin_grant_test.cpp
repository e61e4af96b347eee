// A long read's admin check (decisions 0063, 0082) against the in-memory repositories: time
// passing moves no authentication stamp, so a token's expiry must end the read by itself.
#include "app/admin_grant.hpp"

#include <gtest/gtest.h>

#include "fakes/identity_fixture.hpp"

namespace fr {
namespace {

class AdminGrantTest : public testing::IdentityFixture {
 protected:
  AdminGrant GrantFor(const IssuedToken& issued) {
    const auto principal =
        authentication_.Authenticate({CredentialSource::kPersonalAccessTokenHeader, issued.secret});
    EXPECT_TRUE(principal.ok());
    return AdminGrant{*principal};
  }

  AdminGrantCheck check_{tokens_, organizations_, clock_};
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
