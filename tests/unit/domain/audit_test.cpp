// The audit log's thread-local plumbing (decision 0058): which actor an entry names, and which
// entries a repository takes into its transaction.
#include "domain/audit/audit.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace fr {
namespace {

const Timestamp kNow = FromEpochMillis(1'700'000'000'000);

AuditActor Ann() { return {UserId(1), TokenId(7), "192.0.2.1", "req-1"}; }

TEST(AuditTest, TypeNamesRoundTripAndUnknownNamesAreRefused) {
  for (const AuditType type : AllAuditTypes()) {
    EXPECT_EQ(AuditTypeFromName(AuditTypeName(type)), type) << AuditTypeName(type);
  }
  EXPECT_EQ(AllAuditTypes().size(), 22u);
  EXPECT_EQ(AuditTypeName(AuditType::kHotlinePaused), "hotline.paused");
  EXPECT_EQ(AuditTypeName(AuditType::kMemberRoleChanged), "member.role_changed");
  EXPECT_FALSE(AuditTypeFromName("hotline.exploded"));
  EXPECT_FALSE(AuditTypeFromName(""));
}

TEST(AuditTest, WorkWithoutAScopeIsTheSystemsOwnAndNotAudited) {
  EXPECT_EQ(AuditScope::Current(), nullptr);
  EXPECT_FALSE(MakeAuditEntry(OrganizationId(1), AuditType::kHotlineCreated, {}, kNow));
  AuditedChange change;
  change.Add(OrganizationId(1), AuditType::kHotlineCreated, {}, kNow);
  EXPECT_TRUE(TakeAuditedChanges().empty());
}

TEST(AuditTest, AnEntryNamesTheInnermostScopesActor) {
  const AuditScope outer(Ann());
  {
    const AuditScope inner(AuditActor{std::nullopt, std::nullopt, "admin-command", ""});
    const auto entry =
        MakeAuditEntry(OrganizationId(3), AuditType::kMemberAdded, {.member = UserId(9)}, kNow);
    ASSERT_TRUE(entry);
    EXPECT_EQ(entry->actor.source_address, "admin-command");
    EXPECT_FALSE(entry->actor.user);
  }
  const auto entry =
      MakeAuditEntry(OrganizationId(3), AuditType::kMemberAdded, {.member = UserId(9)}, kNow);
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->organization, OrganizationId(3));
  EXPECT_EQ(entry->actor.user, UserId(1));
  EXPECT_EQ(entry->actor.token, TokenId(7));
  EXPECT_EQ(entry->actor.request_id, "req-1");
  EXPECT_EQ(entry->subject.member, UserId(9));
  EXPECT_EQ(entry->occurred_at, kNow);
}

TEST(AuditTest, TheWriterTakesEveryLiveChangesEntriesOnce) {
  const AuditScope scope(Ann());
  AuditedChange outer;
  outer.Add(OrganizationId(1), AuditType::kTokenCreated, {}, kNow);
  {
    AuditedChange inner;
    inner.Add(OrganizationId(2), AuditType::kTokenCreated, {}, kNow);
    const auto taken = TakeAuditedChanges();
    ASSERT_EQ(taken.size(), 2u);
    EXPECT_EQ(taken[0].organization, OrganizationId(2));
    EXPECT_EQ(taken[1].organization, OrganizationId(1));
    EXPECT_TRUE(TakeAuditedChanges().empty());  // a second transaction writes none again
  }
  outer.Add(OrganizationId(1), AuditType::kTokenRevoked, {}, kNow);
  EXPECT_EQ(TakeAuditedChanges().size(), 1u);
}

TEST(AuditTest, AChangeThatFailedBeforeItsWriteLeavesNothingBehind) {
  const AuditScope scope(Ann());
  {
    AuditedChange failed;
    failed.Add(OrganizationId(1), AuditType::kHotlineDeleted, {}, kNow);
  }  // the repository was never reached
  AuditedChange next;
  next.Add(OrganizationId(1), AuditType::kHotlineCreated, {}, kNow);
  const auto taken = TakeAuditedChanges();
  ASSERT_EQ(taken.size(), 1u);
  EXPECT_EQ(taken[0].type, AuditType::kHotlineCreated);
}

TEST(AuditTest, ScopesAndChangesBelongToTheirThread) {
  const AuditScope scope(Ann());
  AuditedChange change;
  change.Add(OrganizationId(1), AuditType::kCallerErased, {}, kNow);
  std::thread other([] {
    EXPECT_EQ(AuditScope::Current(), nullptr);
    EXPECT_TRUE(TakeAuditedChanges().empty());
  });
  other.join();
  EXPECT_EQ(TakeAuditedChanges().size(), 1u);
}

}  // namespace
}  // namespace fr
