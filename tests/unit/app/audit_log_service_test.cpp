// AuditLogService with a fake log: who may read which entries, and the retention cut-off.
#include "app/audit_log_service.hpp"

#include <gtest/gtest.h>

#include "fakes/fake_clock.hpp"

namespace fr {
namespace {

const OrganizationId kOrg(1), kOtherOrg(2);
const UserId kAdmin(10), kMember(11);

// Remembers what it was asked; answers one empty page.
class RecordingAuditLog final : public AuditLogRepository {
 public:
  Status Append(const std::vector<AuditEntry>&) override { return Ok(); }
  Result<AuditPage> List(const AuditFilter& filter, std::int64_t, std::int64_t) override {
    filters.push_back(filter);
    return AuditPage{};
  }
  Result<AuditPage> ListBefore(const AuditFilter& filter, std::optional<AuditEntryId>,
                               std::int64_t) override {
    filters.push_back(filter);
    return AuditPage{};
  }
  Result<std::int64_t> PurgeBefore(Timestamp cutoff) override {
    cutoffs.push_back(cutoff);
    return std::int64_t{3};
  }
  std::vector<AuditFilter> filters;
  std::vector<Timestamp> cutoffs;
};

Principal UserIn(UserId user, Role role) {
  return Principal::ForUser(user, TokenId(1), {Membership{kOrg, user, role, false, Timestamp{}}});
}

class AuditLogServiceTest : public ::testing::Test {
 protected:
  RecordingAuditLog log_;
  testing::FakeClock clock_;
  AuditLogService service_{log_, clock_, AuditRetentionPolicy{365}};
};

TEST_F(AuditLogServiceTest, AdminsAndTheOrganizationsTokenReadItsLogAndNoOneElse) {
  AuditFilter asked;
  asked.member = kMember;  // ignored: the organisation's whole log
  asked.types = {AuditType::kHotlineCreated};
  ASSERT_TRUE(service_.ListForOrganization(UserIn(kAdmin, Role::kAdmin), kOrg, asked, 10, 0).ok());
  ASSERT_EQ(log_.filters.size(), 1u);
  EXPECT_EQ(log_.filters[0].organization, kOrg);
  EXPECT_FALSE(log_.filters[0].member);
  EXPECT_EQ(log_.filters[0].types, asked.types);
  EXPECT_TRUE(
      service_.ListForOrganization(Principal::ForOrganization(kOrg, TokenId(2)), kOrg, {}, 10, 0)
          .ok());

  const auto member = service_.ListForOrganization(UserIn(kMember, Role::kMember), kOrg, {}, 10, 0);
  EXPECT_EQ(member.error().code, ErrorCode::kPermissionDenied);
  const auto outsider =
      service_.ListForOrganization(UserIn(kAdmin, Role::kAdmin), kOtherOrg, {}, 10, 0);
  EXPECT_EQ(outsider.error().code, ErrorCode::kNotFound);
  const auto other_token = service_.ListForOrganization(
      Principal::ForOrganization(kOtherOrg, TokenId(3)), kOrg, {}, 10, 0);
  EXPECT_EQ(other_token.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(log_.filters.size(), 2u);  // the refused ones never reached the log
}

TEST_F(AuditLogServiceTest, AMemberSeesOnlyAccessToTheirOwnPhones) {
  AuditFilter asked;
  asked.organization = kOtherOrg;  // ignored: every organisation, but only about the member
  ASSERT_TRUE(service_.ListAboutMe(UserIn(kMember, Role::kMember), asked, 10, 0).ok());
  ASSERT_EQ(log_.filters.size(), 1u);
  EXPECT_FALSE(log_.filters[0].organization);
  EXPECT_EQ(log_.filters[0].member, kMember);
  EXPECT_EQ(log_.filters[0].types,
            (std::vector<AuditType>{AuditType::kAgentPhonesRead, AuditType::kAgentPhoneCreated,
                                    AuditType::kAgentPhoneChanged, AuditType::kAgentPhoneDeleted}));

  asked.types = {AuditType::kMemberAdded, AuditType::kAgentPhoneChanged};
  ASSERT_TRUE(service_.ListAboutMe(UserIn(kMember, Role::kMember), asked, 10, 0).ok());
  EXPECT_EQ(log_.filters[1].types, std::vector<AuditType>{AuditType::kAgentPhoneChanged});

  asked.types = {AuditType::kMemberAdded};
  const auto none = service_.ListAboutMe(UserIn(kMember, Role::kMember), asked, 10, 0);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->total, 0);
  EXPECT_EQ(log_.filters.size(), 2u);

  const auto token = service_.ListAboutMe(Principal::ForOrganization(kOrg, TokenId(2)), {}, 10, 0);
  EXPECT_EQ(token.error().code, ErrorCode::kPermissionDenied);
}

TEST_F(AuditLogServiceTest, PurgeCutsAtTheRetentionAndZeroKeepsEverything) {
  EXPECT_EQ(*service_.Purge(), 3);
  ASSERT_EQ(log_.cutoffs.size(), 1u);
  EXPECT_EQ(log_.cutoffs[0], clock_.Now() - std::chrono::days(365));

  AuditLogService forever(log_, clock_, AuditRetentionPolicy{0});
  EXPECT_EQ(*forever.Purge(), 0);
  EXPECT_EQ(log_.cutoffs.size(), 1u);
}

}  // namespace
}  // namespace fr
