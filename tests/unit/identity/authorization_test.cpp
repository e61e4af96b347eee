#include "identity/authorization.hpp"

#include <gtest/gtest.h>

namespace fr {
namespace {

constexpr OrganizationId kOrg{1};
constexpr OrganizationId kOtherOrg{2};
constexpr UserId kOwner{10};
constexpr UserId kAdmin{11};
constexpr UserId kMember{12};
constexpr UserId kOtherAdmin{13};

Principal User(UserId user, std::vector<Membership> memberships) {
  return Principal::ForUser(user, TokenId(1), std::move(memberships));
}
Membership In(OrganizationId organization, UserId user, Role role, bool consent = false) {
  return {organization, user, role, consent, {}};
}

const Principal kOwnerPrincipal = User(kOwner, {In(kOrg, kOwner, Role::kMember)});
const Principal kAdminPrincipal = User(kAdmin, {In(kOrg, kAdmin, Role::kAdmin)});
const Principal kMemberPrincipal = User(kMember, {In(kOrg, kMember, Role::kMember)});
const Principal kOtherAdminPrincipal = User(kOtherAdmin, {In(kOtherOrg, kOtherAdmin, Role::kAdmin)});
const Principal kOrgToken = Principal::ForOrganization(kOrg, TokenId(2));
const Principal kOtherOrgToken = Principal::ForOrganization(kOtherOrg, TokenId(3));

struct AgentPhoneCase {
  const char* name;
  const Principal* principal;
  std::optional<OrganizationId> via;
  std::optional<Membership> owner_membership;
  Access expected;
};

TEST(AgentPhoneAccess, FollowsTheContractTable) {
  const auto consenting = In(kOrg, kOwner, Role::kMember, true);
  const auto withholding = In(kOrg, kOwner, Role::kMember, false);
  const AgentPhoneCase cases[] = {
      {"owner", &kOwnerPrincipal, std::nullopt, std::nullopt, Access::kReadWrite},
      {"owner naming an organization", &kOwnerPrincipal, kOrg, withholding, Access::kReadWrite},
      {"consenting owner, admin via org", &kAdminPrincipal, kOrg, consenting, Access::kReadWrite},
      {"consenting owner, org token", &kOrgToken, kOrg, consenting, Access::kReadWrite},
      {"admin without naming org", &kAdminPrincipal, std::nullopt, consenting, Access::kNone},
      {"non-consenting owner", &kAdminPrincipal, kOrg, withholding, Access::kNone},
      {"owner not a member", &kAdminPrincipal, kOrg, std::nullopt, Access::kNone},
      {"member is no admin", &kMemberPrincipal, kOrg, consenting, Access::kNone},
      {"admin of another org via own org", &kOtherAdminPrincipal, kOtherOrg, consenting,
       Access::kNone},
      {"admin of another org via this org", &kOtherAdminPrincipal, kOrg, consenting,
       Access::kNone},
      {"other org's token", &kOtherOrgToken, kOrg, consenting, Access::kNone},
      {"membership of another org passed", &kAdminPrincipal, kOrg,
       In(kOtherOrg, kOwner, Role::kMember, true), Access::kNone},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(AgentPhoneAccess(*c.principal, kOwner, c.via, c.owner_membership), c.expected)
        << c.name;
  }
}

TEST(OrganizationResourceAccess, MembersReadAdminsWrite) {
  EXPECT_EQ(OrganizationResourceAccess(kAdminPrincipal, kOrg), Access::kReadWrite);
  EXPECT_EQ(OrganizationResourceAccess(kOrgToken, kOrg), Access::kReadWrite);
  EXPECT_EQ(OrganizationResourceAccess(kMemberPrincipal, kOrg), Access::kRead);
  EXPECT_EQ(OrganizationResourceAccess(kOtherAdminPrincipal, kOrg), Access::kNone);
  EXPECT_EQ(OrganizationResourceAccess(kOtherOrgToken, kOrg), Access::kNone);
  EXPECT_EQ(OrganizationResourceAccess(kAdminPrincipal, OrganizationId{}), Access::kNone);
}

TEST(CallRecordAccess, AdminsOnlyBecauseCallerNumbersArePersonalData) {
  EXPECT_EQ(CallRecordAccess(kAdminPrincipal, kOrg), Access::kRead);
  EXPECT_EQ(CallRecordAccess(kOrgToken, kOrg), Access::kRead);
  EXPECT_EQ(CallRecordAccess(kMemberPrincipal, kOrg), Access::kNone);
  EXPECT_EQ(CallRecordAccess(kOtherOrgToken, kOrg), Access::kNone);
  EXPECT_FALSE(CanWrite(CallRecordAccess(kAdminPrincipal, kOrg)));
}

TEST(RequireOrganizationAdmin, OutsidersGetNotFoundAndMembersPermissionDenied) {
  EXPECT_TRUE(RequireOrganizationAdmin(kAdminPrincipal, kOrg, "admins only").ok());
  EXPECT_TRUE(RequireOrganizationAdmin(kOrgToken, kOrg, "admins only").ok());
  const Status member = RequireOrganizationAdmin(kMemberPrincipal, kOrg, "admins only");
  ASSERT_FALSE(member.ok());
  EXPECT_EQ(member.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(member.error().detail, "admins only");
  const Status outsider = RequireOrganizationAdmin(kOtherOrgToken, kOrg, "admins only");
  ASSERT_FALSE(outsider.ok());
  EXPECT_EQ(outsider.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(RequireOrganizationAdmin(kAdminPrincipal, OrganizationId(), "x").error().code,
            ErrorCode::kNotFound);
}

}  // namespace
}  // namespace fr
