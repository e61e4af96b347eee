// One suite, every implementation of the identity ports: the in-memory fakes that the core
// tests rely on must behave like the real storage, on SQLite and on PostgreSQL.
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>
#include <type_traits>

#include "adapters/storage/soci_identity_repositories.hpp"
#include "contract/storage_backends.hpp"
#include "fakes/in_memory_identity_repositories.hpp"

namespace fr {
namespace {

struct InMemoryBackend {
  testing::InMemoryUserRepository users;
  testing::InMemoryOrganizationRepository organizations;
  testing::InMemoryTokenRepository tokens;
  testing::InMemoryLoginRepository logins{users};
};

template <typename StorageType>
struct SociBackend {
  using Storage = StorageType;
  Storage storage;
  std::unique_ptr<Database> database = testing::OpenDatabase(storage);
  SociUserRepository users{*database};
  SociOrganizationRepository organizations{*database};
  SociTokenRepository tokens{*database};
  SociLoginRepository logins{*database};
};

template <typename Backend>
class IdentityRepositoryContract : public ::testing::Test {
 protected:
  Timestamp At(std::int64_t ms) { return FromEpochMillis(1'800'000'000'000 + ms); }
  Backend backend_;
};

using Backends = ::testing::Types<InMemoryBackend, SociBackend<testing::SqliteStorage>,
                                  SociBackend<testing::PostgresqlStorage>>;
TYPED_TEST_SUITE(IdentityRepositoryContract, Backends, testing::BackendNames);

TYPED_TEST(IdentityRepositoryContract, UsersGetIncreasingIdsAndCanBeFound) {
  auto& users = this->backend_.users;
  const auto ann = users.Create("Ann", this->At(1));
  const auto bob = users.Create("Bob \xF0\x9F\x9A\x91", this->At(2));
  ASSERT_TRUE(ann.ok() && bob.ok());
  EXPECT_GT(bob->id.value, ann->id.value);
  const auto found = users.Find(bob->id);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->name, "Bob \xF0\x9F\x9A\x91");
  EXPECT_EQ((*found)->created_at, this->At(2));
  EXPECT_FALSE(users.Find(UserId(9999))->has_value());
}

TYPED_TEST(IdentityRepositoryContract, MembershipsRoundTrip) {
  auto& organizations = this->backend_.organizations;
  const auto user = this->backend_.users.Create("Ann", this->At(0));
  const auto first = organizations.Create("First", this->At(0));
  const auto second = organizations.Create("Second", this->At(0));
  EXPECT_EQ(*organizations.Count(), 2);
  ASSERT_TRUE(organizations.AddMember({second->id, user->id, Role::kAdmin, false, this->At(1)}).ok());
  ASSERT_TRUE(organizations.AddMember({first->id, user->id, Role::kMember, true, this->At(2)}).ok());

  const auto duplicate = organizations.AddMember({first->id, user->id, Role::kAdmin, false, {}});
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.error().code, ErrorCode::kAlreadyExists);

  const auto memberships = organizations.MembershipsOfUser(user->id);
  ASSERT_EQ(memberships->size(), 2u);
  EXPECT_EQ((*memberships)[0].organization_id, first->id);
  EXPECT_TRUE((*memberships)[0].allow_admin_access);
  EXPECT_EQ((*memberships)[0].created_at, this->At(2));
  EXPECT_EQ((*memberships)[1].role, Role::kAdmin);

  Membership changed = (*memberships)[1];
  changed.allow_admin_access = true;
  ASSERT_TRUE(organizations.UpdateMembership(changed).ok());
  EXPECT_TRUE((*organizations.FindMembership(second->id, user->id))->allow_admin_access);

  EXPECT_TRUE(*organizations.RemoveMember(second->id, user->id));
  EXPECT_FALSE(*organizations.RemoveMember(second->id, user->id));
  EXPECT_FALSE(organizations.FindMembership(second->id, user->id)->has_value());
  changed.organization_id = second->id;
  EXPECT_EQ(organizations.UpdateMembership(changed).error().code, ErrorCode::kNotFound);
}

TYPED_TEST(IdentityRepositoryContract, TheOnlyAdminStaysWhileMembersAndOtherAdminsMayGo) {
  using Removal = OrganizationRepository::Removal;
  auto& organizations = this->backend_.organizations;
  const auto organization = organizations.Create("Relief", this->At(0));
  const auto ann = this->backend_.users.Create("Ann", this->At(0));
  const auto bea = this->backend_.users.Create("Bea", this->At(0));
  const auto max = this->backend_.users.Create("Max", this->At(0));
  ASSERT_TRUE(organizations.AddMember({organization->id, ann->id, Role::kAdmin, false, {}}).ok());
  ASSERT_TRUE(organizations.AddMember({organization->id, bea->id, Role::kAdmin, false, {}}).ok());
  ASSERT_TRUE(organizations.AddMember({organization->id, max->id, Role::kMember, false, {}}).ok());

  EXPECT_EQ(*organizations.RemoveMemberKeepingAnAdmin(organization->id, max->id),
            Removal::kRemoved);
  EXPECT_EQ(*organizations.RemoveMemberKeepingAnAdmin(organization->id, max->id),
            Removal::kNotAMember);
  EXPECT_EQ(*organizations.RemoveMemberKeepingAnAdmin(organization->id, bea->id),
            Removal::kRemoved);
  EXPECT_EQ(*organizations.RemoveMemberKeepingAnAdmin(organization->id, ann->id),
            Removal::kLastAdmin);
  EXPECT_TRUE(organizations.FindMembership(organization->id, ann->id)->has_value());
}

TYPED_TEST(IdentityRepositoryContract, TwoAdminsLeavingAtOnceLeaveOneBehind) {
  using Removal = OrganizationRepository::Removal;
  auto& organizations = this->backend_.organizations;
  for (int round = 0; round < 10; ++round) {
    const auto organization = organizations.Create("Relief", this->At(round));
    const auto ann = this->backend_.users.Create("Ann", this->At(round));
    const auto bea = this->backend_.users.Create("Bea", this->At(round));
    ASSERT_TRUE(organizations.AddMember({organization->id, ann->id, Role::kAdmin, false, {}}).ok());
    ASSERT_TRUE(organizations.AddMember({organization->id, bea->id, Role::kAdmin, false, {}}).ok());
    Result<Removal> ann_left = Removal::kNotAMember;
    Result<Removal> bea_left = Removal::kNotAMember;
    std::thread other([&] {
      bea_left = organizations.RemoveMemberKeepingAnAdmin(organization->id, bea->id);
    });
    ann_left = organizations.RemoveMemberKeepingAnAdmin(organization->id, ann->id);
    other.join();
    ASSERT_TRUE(ann_left.ok() && bea_left.ok());
    EXPECT_EQ((*ann_left == Removal::kRemoved) + (*bea_left == Removal::kRemoved), 1);
    EXPECT_EQ((*ann_left == Removal::kLastAdmin) + (*bea_left == Removal::kLastAdmin), 1);
    EXPECT_EQ(organizations.MembersOf(organization->id)->size(), 1u);
  }
}

TYPED_TEST(IdentityRepositoryContract, RolesChangeButTheOnlyAdminStaysAdmin) {
  using RoleChange = OrganizationRepository::RoleChange;
  auto& organizations = this->backend_.organizations;
  const auto organization = organizations.Create("Relief", this->At(0));
  const auto ann = this->backend_.users.Create("Ann", this->At(0));
  const auto max = this->backend_.users.Create("Max", this->At(0));
  ASSERT_TRUE(organizations.AddMember({organization->id, ann->id, Role::kAdmin, false, {}}).ok());
  ASSERT_TRUE(organizations.AddMember({organization->id, max->id, Role::kMember, true, {}}).ok());

  EXPECT_EQ(*organizations.ChangeRoleKeepingAnAdmin(organization->id, ann->id, Role::kMember),
            RoleChange::kLastAdmin);
  EXPECT_EQ(*organizations.ChangeRoleKeepingAnAdmin(organization->id, ann->id, Role::kAdmin),
            RoleChange::kChanged);
  EXPECT_EQ(*organizations.ChangeRoleKeepingAnAdmin(organization->id, max->id, Role::kAdmin),
            RoleChange::kChanged);
  EXPECT_EQ(*organizations.ChangeRoleKeepingAnAdmin(organization->id, ann->id, Role::kMember),
            RoleChange::kChanged);
  EXPECT_EQ(*organizations.ChangeRoleKeepingAnAdmin(organization->id, UserId(9999), Role::kMember),
            RoleChange::kNotAMember);
  const auto ann_now = *organizations.FindMembership(organization->id, ann->id);
  const auto max_now = *organizations.FindMembership(organization->id, max->id);
  EXPECT_EQ(ann_now->role, Role::kMember);
  EXPECT_EQ(max_now->role, Role::kAdmin);
  EXPECT_TRUE(max_now->allow_admin_access);  // only the role changes
}

TYPED_TEST(IdentityRepositoryContract, TokensAreFoundByHashListedAndRevoked) {
  auto& tokens = this->backend_.tokens;
  const auto user = this->backend_.users.Create("Ann", this->At(0));
  const auto organization = this->backend_.organizations.Create("Org", this->At(0));
  Token personal;
  personal.kind = TokenKind::kPersonal;
  personal.user_id = user->id;
  personal.name = "laptop";
  personal.secret_hash = std::string(64, 'a');
  personal.created_at = this->At(5);
  personal.expires_at = this->At(1000);
  Token api;
  api.kind = TokenKind::kOrganization;
  api.organization_id = organization->id;
  api.secret_hash = std::string(64, 'b');
  api.created_at = this->At(6);

  const auto stored_personal = tokens.Create(personal);
  const auto stored_api = tokens.Create(api);
  ASSERT_TRUE(stored_personal.ok() && stored_api.ok());
  EXPECT_EQ(tokens.Create(personal).error().code, ErrorCode::kAlreadyExists);

  const auto found = tokens.FindBySecretHash(std::string(64, 'a'));
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->id, stored_personal->id);
  EXPECT_EQ((*found)->user_id, user->id);
  EXPECT_FALSE((*found)->organization_id.valid());
  EXPECT_EQ((*found)->expires_at, this->At(1000));
  EXPECT_FALSE((*found)->last_used_at.has_value());
  EXPECT_FALSE(tokens.FindBySecretHash(std::string(64, 'c'))->has_value());
  const auto by_id = tokens.Find(stored_api->id);
  ASSERT_TRUE(by_id.ok() && by_id->has_value());
  EXPECT_EQ((*by_id)->kind, TokenKind::kOrganization);
  EXPECT_EQ((*by_id)->organization_id, organization->id);
  EXPECT_EQ((*by_id)->secret_hash, std::string(64, 'b'));
  EXPECT_FALSE(tokens.Find(TokenId(999))->has_value());

  EXPECT_EQ(tokens.List({})->size(), 2u);
  EXPECT_EQ(tokens.List({user->id, std::nullopt})->size(), 1u);
  const auto by_organization = tokens.List({std::nullopt, organization->id});
  ASSERT_EQ(by_organization->size(), 1u);
  EXPECT_EQ(by_organization->front().kind, TokenKind::kOrganization);

  ASSERT_TRUE(tokens.RecordUse(stored_api->id, this->At(7)).ok());
  // Uses are written behind the requests, by several nodes: an older one arriving late is kept out.
  ASSERT_TRUE(tokens.RecordUse(stored_api->id, this->At(6)).ok());
  EXPECT_TRUE(*tokens.Revoke(stored_api->id, this->At(8)));
  EXPECT_TRUE(*tokens.Revoke(stored_api->id, this->At(9)));
  EXPECT_FALSE(*tokens.Revoke(TokenId(999), this->At(9)));
  const auto revoked = tokens.FindBySecretHash(std::string(64, 'b'));
  EXPECT_EQ((*revoked)->revoked_at, this->At(8));
  EXPECT_EQ((*revoked)->last_used_at, this->At(7));
}

TYPED_TEST(IdentityRepositoryContract, UsesRecordedTogetherKeepEachTokensLatest) {
  auto& tokens = this->backend_.tokens;
  const auto user = this->backend_.users.Create("Ann", this->At(0));
  std::vector<TokenId> ids;
  for (char hash : {'d', 'e', 'f'}) {
    Token token;
    token.kind = TokenKind::kPersonal;
    token.user_id = user->id;
    token.name = std::string(1, hash);
    token.secret_hash = std::string(64, hash);
    token.created_at = this->At(0);
    ids.push_back(tokens.Create(token)->id);
  }
  ASSERT_TRUE(tokens.RecordUse(ids[0], this->At(10)).ok());
  EXPECT_TRUE(tokens.RecordUses({}).ok());

  // Out of id order; an older use than the stored one; two uses of one token; a token that
  // does not exist (deleted meanwhile) is skipped without failing the others.
  ASSERT_TRUE(tokens
                  .RecordUses({{ids[2], this->At(5)},
                               {ids[0], this->At(8)},
                               {TokenId(9999), this->At(9)},
                               {ids[1], this->At(12)},
                               {ids[1], this->At(11)},
                               {ids[2], this->At(6)}})
                  .ok());
  EXPECT_EQ((*tokens.Find(ids[0]))->last_used_at, this->At(10)) << "never backwards";
  EXPECT_EQ((*tokens.Find(ids[1]))->last_used_at, this->At(12));
  EXPECT_EQ((*tokens.Find(ids[2]))->last_used_at, this->At(6));

  ASSERT_TRUE(tokens.RecordUses({{ids[0], this->At(20)}, {ids[2], this->At(4)}}).ok());
  EXPECT_EQ((*tokens.Find(ids[0]))->last_used_at, this->At(20));
  EXPECT_EQ((*tokens.Find(ids[2]))->last_used_at, this->At(6));
  EXPECT_FALSE(tokens.Find(TokenId(9999))->has_value());
}

TYPED_TEST(IdentityRepositoryContract, LoginEmailsAreUniqueByTheirKey) {
  auto& logins = this->backend_.logins;
  const auto ann = this->backend_.users.Create("Ann", this->At(0));
  const auto bob = this->backend_.users.Create("Bob", this->At(0));
  const auto fresh = logins.Find(ann->id);
  ASSERT_TRUE(fresh.ok() && fresh->has_value());
  EXPECT_EQ((*fresh)->email, "");
  EXPECT_FALSE((*fresh)->password_hash.has_value());
  EXPECT_FALSE(logins.Find(UserId(9999))->has_value());

  ASSERT_TRUE(logins.SetEmail(ann->id, "Ann@Example.org", "ann@example.org").ok());
  const auto taken = logins.SetEmail(bob->id, "ANN@example.org", "ann@example.org");
  ASSERT_FALSE(taken.ok());
  EXPECT_EQ(taken.error().code, ErrorCode::kAlreadyExists);
  EXPECT_EQ(logins.SetEmail(UserId(9999), "x@example.org", "x@example.org").error().code,
            ErrorCode::kNotFound);
  // Setting one's own address again, in another case, is no conflict.
  ASSERT_TRUE(logins.SetEmail(ann->id, "ann@example.ORG", "ann@example.org").ok());

  ASSERT_TRUE(logins.SetPasswordHash(ann->id, "$argon2id$hash", this->At(5)).ok());
  const auto found = logins.FindByEmailKey("ann@example.org");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->user, ann->id);
  EXPECT_EQ((*found)->email, "ann@example.ORG");
  EXPECT_EQ((*found)->password_hash, "$argon2id$hash");
  EXPECT_EQ((*found)->password_set_at, this->At(5));
  EXPECT_FALSE(logins.FindByEmailKey("bob@example.org")->has_value());
  EXPECT_EQ(logins.SetPasswordHash(UserId(9999), "h", this->At(5)).error().code,
            ErrorCode::kNotFound);
}

TYPED_TEST(IdentityRepositoryContract, InvitesWorkOnceBeforeExpiryAndOnlyTheNewest) {
  auto& logins = this->backend_.logins;
  const auto ann = this->backend_.users.Create("Ann", this->At(0));
  ASSERT_TRUE(logins.ReplaceInvites({ann->id, "old", this->At(0), this->At(100), {}}).ok());
  ASSERT_TRUE(logins.ReplaceInvites({ann->id, "new", this->At(10), this->At(110), {}}).ok());
  EXPECT_FALSE(logins.FindInvite("old")->has_value());
  EXPECT_FALSE(logins.ConsumeInvite("old", this->At(20))->has_value());
  const auto found = logins.FindInvite("new");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->user, ann->id);
  EXPECT_EQ((*found)->expires_at, this->At(110));
  EXPECT_FALSE((*found)->used_at.has_value());

  EXPECT_FALSE(logins.ConsumeInvite("new", this->At(110))->has_value());  // expired at 110
  EXPECT_EQ(logins.ConsumeInvite("new", this->At(109)).value(), std::optional<UserId>(ann->id));
  EXPECT_FALSE(logins.ConsumeInvite("new", this->At(109))->has_value());  // used
  EXPECT_EQ((*logins.FindInvite("new"))->used_at, this->At(109));
  EXPECT_EQ(logins.ReplaceInvites({UserId(9999), "x", this->At(0), this->At(1), {}}).error().code,
            ErrorCode::kNotFound);
}

// On SQLite every write of the process takes its turn in the write gate (decision 0095); the
// single-statement ones through RunWrite, each counted as a member of a group. One that went
// around it would wait in SQLite's busy handler while a group holds the write lock.
TYPED_TEST(IdentityRepositoryContract, OnSqliteTheSingleStatementWritesPassTheWriteGate) {
  if constexpr (!std::is_same_v<TypeParam, SociBackend<testing::SqliteStorage>>) {
    GTEST_SKIP() << "the write gate is SQLite's";
  } else {
    auto& backend = this->backend_;
    const auto before = backend.database->write_group_counts().members;
    const auto ann = backend.users.Create("Ann", this->At(0));
    const auto organization = backend.organizations.Create("Org", this->At(0));
    ASSERT_TRUE(ann.ok() && organization.ok());
    ASSERT_TRUE(*backend.organizations.SetCallRetentionDays(organization->id, 30));
    ASSERT_TRUE(backend.logins.SetEmail(ann->id, "ann@example.org", "ann@example.org").ok());
    ASSERT_TRUE(backend.logins.SetPasswordHash(ann->id, "$argon2id$hash", this->At(1)).ok());
    // A write transaction of its own: alone in the gate, not a member of a group.
    ASSERT_TRUE(
        backend.logins.ReplaceInvites({ann->id, "new", this->At(1), this->At(100), {}}).ok());
    ASSERT_TRUE(backend.logins.ConsumeInvite("new", this->At(2))->has_value());
    ASSERT_TRUE(backend.tokens.RevokeSessions(ann->id, this->At(3)).ok());
    EXPECT_EQ(backend.database->write_group_counts().members - before, 7u);
  }
}

TYPED_TEST(IdentityRepositoryContract, SessionsAreTokensListedOnlyWhenAskedFor) {
  auto& tokens = this->backend_.tokens;
  const auto ann = this->backend_.users.Create("Ann", this->At(0));
  Token personal;
  personal.kind = TokenKind::kPersonal;
  personal.user_id = ann->id;
  personal.name = "laptop";
  personal.secret_hash = std::string(64, 'a');
  personal.created_at = this->At(1);
  Token session = personal;
  session.kind = TokenKind::kSession;
  session.name = "Firefox";
  session.secret_hash = std::string(64, 'b');
  session.expires_at = this->At(1000);
  ASSERT_TRUE(tokens.Create(personal).ok());
  const auto stored = tokens.Create(session);
  ASSERT_TRUE(stored.ok()) << stored.error().detail;
  Token second_session = session;
  second_session.secret_hash = std::string(64, 'c');
  ASSERT_TRUE(tokens.Create(second_session).ok());

  const auto found = tokens.FindBySecretHash(std::string(64, 'b'));
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->kind, TokenKind::kSession);
  EXPECT_EQ((*found)->user_id, ann->id);

  const auto listed = tokens.List({ann->id, std::nullopt, std::nullopt});
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].kind, TokenKind::kPersonal);
  EXPECT_EQ(tokens.List({})->size(), 1u);
  EXPECT_EQ(tokens.List({ann->id, std::nullopt, TokenKind::kSession})->size(), 2u);

  const auto before = tokens.AuthenticationStamp();
  EXPECT_EQ(tokens.RevokeSessions(ann->id, this->At(50)).value(), 2);
  EXPECT_NE(tokens.AuthenticationStamp().value(), before.value());
  EXPECT_EQ(tokens.RevokeSessions(ann->id, this->At(60)).value(), 0);
  EXPECT_EQ(tokens.FindBySecretHash(std::string(64, 'b')).value()->revoked_at, this->At(50));
  EXPECT_FALSE(tokens.FindBySecretHash(std::string(64, 'a')).value()->revoked_at.has_value());
}

}  // namespace
}  // namespace fr
