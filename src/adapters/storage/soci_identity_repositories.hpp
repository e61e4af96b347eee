#pragma once

#include "adapters/storage/database.hpp"
#include "adapters/storage/sqlite_change_watch.hpp"
#include "identity/login.hpp"
#include "identity/repositories.hpp"

namespace fr {

// SOCI implementations of the identity ports. Each holds a reference to the Database, which
// must outlive it. Thread-safe (every call leases its own session).

class SociUserRepository final : public UserRepository {
 public:
  explicit SociUserRepository(Database& database) : database_(database) {}
  Result<User> Create(std::string_view name, Timestamp now) override;
  Result<std::optional<User>> Find(UserId id) override;
  Result<bool> Delete(UserId id) override;

 private:
  Database& database_;
};

class SociOrganizationRepository final : public OrganizationRepository {
 public:
  explicit SociOrganizationRepository(Database& database) : database_(database) {}
  Result<Organization> Create(std::string_view name, Timestamp now) override;
  Result<std::optional<Organization>> Find(OrganizationId id) override;
  Result<std::int64_t> Count() override;
  Status AddMember(const Membership& membership) override;
  Status UpdateMembership(const Membership& membership) override;
  Result<bool> RemoveMember(OrganizationId organization, UserId user) override;
  Result<Removal> RemoveMemberKeepingAnAdmin(OrganizationId organization, UserId user) override;
  Result<RoleChange> ChangeRoleKeepingAnAdmin(OrganizationId organization, UserId user,
                                              Role role) override;
  Result<std::optional<Membership>> FindMembership(OrganizationId organization,
                                                   UserId user) override;
  Result<std::vector<Membership>> MembershipsOfUser(UserId user) override;
  Result<std::vector<Membership>> MembersOf(OrganizationId organization) override;
  Result<bool> SetCallRetentionDays(OrganizationId organization, std::optional<int> days) override;

 private:
  Database& database_;
};

class SociTokenRepository final : public TokenRepository {
 public:
  explicit SociTokenRepository(Database& database) : database_(database) {}
  Result<Token> Create(const Token& token) override;
  Result<std::optional<Token>> FindBySecretHash(std::string_view secret_hash) override;
  Result<std::optional<Token>> Find(TokenId id) override;
  Result<std::vector<Token>> List(const TokenFilter& filter) override;
  Result<bool> Revoke(TokenId id, Timestamp now) override;
  Status RecordUse(TokenId id, Timestamp now) override;
  Status RecordUses(const std::vector<TokenUse>& uses) override;
  Result<std::int64_t> RevokeSessions(UserId user, Timestamp now) override;
  Result<std::int64_t> AuthenticationStamp() override;

 private:
  Database& database_;
  // The stamp as last read, while nothing was committed since (SQLite only, decision 0084).
  ChangeCheckedCache<int, std::int64_t> stamp_{1};
};

class SociLoginRepository final : public LoginRepository {
 public:
  explicit SociLoginRepository(Database& database) : database_(database) {}
  Status SetEmail(UserId user, std::string_view email, std::string_view email_key) override;
  Result<std::optional<Login>> Find(UserId user) override;
  Result<std::optional<Login>> FindByEmailKey(std::string_view email_key) override;
  Status SetPasswordHash(UserId user, std::string_view password_hash, Timestamp now) override;
  Status ReplaceInvites(const PasswordInvite& invite) override;
  Result<std::optional<PasswordInvite>> FindInvite(std::string_view secret_hash) override;
  Result<std::optional<UserId>> ConsumeInvite(std::string_view secret_hash, Timestamp now) override;

 private:
  Database& database_;
};

}  // namespace fr
