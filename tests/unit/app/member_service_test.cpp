#include "app/member_service.hpp"

#include <gtest/gtest.h>

#include "fakes/fake_clock.hpp"
#include "fakes/in_memory_identity_repositories.hpp"

namespace fr {
namespace {

class MemberServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    organization_ = *organizations_.Create("Relief", clock_.Now());
    other_ = *organizations_.Create("Other", clock_.Now());
    ann_ = *users_.Create("Ann", clock_.Now());
    max_ = *users_.Create("Max", clock_.Now());
    ASSERT_TRUE(
        organizations_.AddMember({organization_.id, ann_.id, Role::kAdmin, false, clock_.Now()})
            .ok());
    ASSERT_TRUE(
        organizations_.AddMember({organization_.id, max_.id, Role::kMember, true, clock_.Now()})
            .ok());
    ASSERT_TRUE(logins_.SetEmail(max_.id, "max@example.org", "max@example.org").ok());
    ASSERT_TRUE(logins_.SetPasswordHash(max_.id, "hash", clock_.Now()).ok());
  }
  Principal As(const User& user) {
    return Principal::ForUser(user.id, TokenId(1), *organizations_.MembershipsOfUser(user.id));
  }

  testing::FakeClock clock_;
  testing::InMemoryUserRepository users_;
  testing::InMemoryOrganizationRepository organizations_;
  testing::InMemoryLoginRepository logins_{users_};
  MemberService members_{users_, organizations_, logins_, clock_};
  Organization organization_, other_;
  User ann_, max_;
};

TEST_F(MemberServiceTest, AdminsListMembersWithNameConsentAndLogin) {
  const auto list = members_.ListMembers(As(ann_), organization_.id);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].name, "Ann");
  EXPECT_FALSE((*list)[0].has_login);
  EXPECT_EQ((*list)[1].membership.role, Role::kMember);
  EXPECT_TRUE((*list)[1].membership.allow_admin_access);
  EXPECT_TRUE((*list)[1].has_login);
  EXPECT_TRUE(
      members_
          .ListMembers(Principal::ForOrganization(organization_.id, TokenId(2)), organization_.id)
          .ok());
}

TEST_F(MemberServiceTest, MembersAreDeniedAndOutsidersDoNotSeeTheOrganization) {
  EXPECT_EQ(members_.ListMembers(As(max_), organization_.id).error().code,
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(members_.ChangeRole(As(max_), organization_.id, max_.id, Role::kAdmin).error().code,
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(members_.ListMembers(As(ann_), other_.id).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(
      members_.ListMembers(Principal::ForOrganization(other_.id, TokenId(3)), organization_.id)
          .error()
          .code,
      ErrorCode::kNotFound);
}

TEST_F(MemberServiceTest, TheOnlyAdminKeepsTheRole) {
  EXPECT_EQ(members_.ChangeRole(As(ann_), organization_.id, ann_.id, Role::kMember).error().code,
            ErrorCode::kFailedPrecondition);
  const auto promoted = members_.ChangeRole(As(ann_), organization_.id, max_.id, Role::kAdmin);
  ASSERT_TRUE(promoted.ok());
  EXPECT_EQ(promoted->membership.role, Role::kAdmin);
  EXPECT_TRUE(promoted->membership.allow_admin_access);  // consent is the member's own
  EXPECT_TRUE(members_.ChangeRole(As(ann_), organization_.id, ann_.id, Role::kMember).ok());
  EXPECT_EQ((*organizations_.FindMembership(organization_.id, ann_.id))->role, Role::kMember);
  EXPECT_EQ(
      members_.ChangeRole(As(max_), organization_.id, UserId(999), Role::kMember).error().code,
      ErrorCode::kNotFound);
}

}  // namespace
}  // namespace fr
