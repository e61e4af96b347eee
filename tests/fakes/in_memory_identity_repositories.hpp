#pragma once

#include <algorithm>
#include <map>
#include <mutex>
#include <optional>

#include "identity/login.hpp"
#include "identity/repositories.hpp"

namespace fr::testing {

// In-memory implementations of the identity ports, with the same contract as the SOCI ones
// (tests/contract runs one suite against both). Thread-safe.

class InMemoryUserRepository final : public UserRepository {
 public:
  Result<User> Create(std::string_view name, Timestamp now) override {
    std::lock_guard lock(mutex_);
    User user{UserId(++last_id_), std::string(name), now};
    users_[user.id] = user;
    return user;
  }
  Result<std::optional<User>> Find(UserId id) override {
    std::lock_guard lock(mutex_);
    const auto found = users_.find(id);
    if (found == users_.end()) return std::optional<User>();
    return std::optional<User>(found->second);
  }
  // Only the user: the fakes of the other repositories know nothing of the cascade.
  Result<bool> Delete(UserId id) override {
    std::lock_guard lock(mutex_);
    return users_.erase(id) > 0;
  }

 private:
  std::mutex mutex_;
  std::int64_t last_id_ = 0;
  std::map<UserId, User> users_;
};

class InMemoryOrganizationRepository final : public OrganizationRepository {
 public:
  Result<Organization> Create(std::string_view name, Timestamp now) override {
    std::lock_guard lock(mutex_);
    Organization organization{OrganizationId(++last_id_), std::string(name), now};
    organizations_[organization.id] = organization;
    return organization;
  }
  Result<std::optional<Organization>> Find(OrganizationId id) override {
    std::lock_guard lock(mutex_);
    const auto found = organizations_.find(id);
    if (found == organizations_.end()) return std::optional<Organization>();
    return std::optional<Organization>(found->second);
  }
  Result<std::int64_t> Count() override {
    std::lock_guard lock(mutex_);
    return static_cast<std::int64_t>(organizations_.size());
  }
  Status AddMember(const Membership& membership) override {
    std::lock_guard lock(mutex_);
    const auto key = std::make_pair(membership.organization_id, membership.user_id);
    if (memberships_.contains(key)) return Error::AlreadyExists("The object already exists.");
    memberships_[key] = membership;
    return Ok();
  }
  Status UpdateMembership(const Membership& membership) override {
    std::lock_guard lock(mutex_);
    const auto found = memberships_.find({membership.organization_id, membership.user_id});
    if (found == memberships_.end()) return Error::NotFound("No such membership.");
    found->second.role = membership.role;
    found->second.allow_admin_access = membership.allow_admin_access;
    return Ok();
  }
  Result<bool> RemoveMember(OrganizationId organization, UserId user) override {
    std::lock_guard lock(mutex_);
    return memberships_.erase({organization, user}) > 0;
  }
  Result<Removal> RemoveMemberKeepingAnAdmin(OrganizationId organization, UserId user) override {
    std::lock_guard lock(mutex_);
    const auto found = memberships_.find({organization, user});
    if (found == memberships_.end()) return Removal::kNotAMember;
    if (found->second.role == Role::kAdmin) {
      int admins = 0;
      for (const auto& [key, membership] : memberships_) {
        if (key.first == organization && membership.role == Role::kAdmin) ++admins;
      }
      if (admins <= 1) return Removal::kLastAdmin;
    }
    memberships_.erase(found);
    return Removal::kRemoved;
  }
  Result<RoleChange> ChangeRoleKeepingAnAdmin(OrganizationId organization, UserId user,
                                              Role role) override {
    std::lock_guard lock(mutex_);
    const auto found = memberships_.find({organization, user});
    if (found == memberships_.end()) return RoleChange::kNotAMember;
    if (found->second.role == Role::kAdmin && role != Role::kAdmin) {
      int admins = 0;
      for (const auto& [key, membership] : memberships_) {
        if (key.first == organization && membership.role == Role::kAdmin) ++admins;
      }
      if (admins <= 1) return RoleChange::kLastAdmin;
    }
    found->second.role = role;
    return RoleChange::kChanged;
  }
  Result<std::optional<Membership>> FindMembership(OrganizationId organization,
                                                   UserId user) override {
    std::lock_guard lock(mutex_);
    const auto found = memberships_.find({organization, user});
    if (found == memberships_.end()) return std::optional<Membership>();
    return std::optional<Membership>(found->second);
  }
  Result<std::vector<Membership>> MembershipsOfUser(UserId user) override {
    std::lock_guard lock(mutex_);
    std::vector<Membership> out;
    for (const auto& [key, membership] : memberships_) {
      if (key.second == user) out.push_back(membership);
    }
    return out;  // the map's order is by organisation id first
  }
  Result<std::vector<Membership>> MembersOf(OrganizationId organization) override {
    std::lock_guard lock(mutex_);
    std::vector<Membership> out;
    for (const auto& [key, membership] : memberships_) {
      if (key.first == organization) out.push_back(membership);
    }
    return out;
  }
  Result<bool> SetCallRetentionDays(OrganizationId organization, std::optional<int> days) override {
    std::lock_guard lock(mutex_);
    const auto found = organizations_.find(organization);
    if (found == organizations_.end()) return false;
    found->second.call_retention_days = days;
    return true;
  }

 private:
  std::mutex mutex_;
  std::int64_t last_id_ = 0;
  std::map<OrganizationId, Organization> organizations_;
  std::map<std::pair<OrganizationId, UserId>, Membership> memberships_;
};

class InMemoryTokenRepository final : public TokenRepository {
 public:
  Result<Token> Create(const Token& token) override {
    std::lock_guard lock(mutex_);
    for (const auto& [id, existing] : tokens_) {
      if (existing.secret_hash == token.secret_hash) {
        return Error::AlreadyExists("The object already exists.");
      }
    }
    Token stored = token;
    stored.id = TokenId(++last_id_);
    tokens_[stored.id] = stored;
    return stored;
  }
  Result<std::optional<Token>> FindBySecretHash(std::string_view secret_hash) override {
    std::lock_guard lock(mutex_);
    ++lookups_;
    for (const auto& [id, token] : tokens_) {
      if (token.secret_hash == secret_hash) return std::optional<Token>(token);
    }
    return std::optional<Token>();
  }
  Result<std::optional<Token>> Find(TokenId id) override {
    std::lock_guard lock(mutex_);
    const auto found = tokens_.find(id);
    if (found == tokens_.end()) return std::optional<Token>();
    return std::optional<Token>(found->second);
  }
  Result<std::vector<Token>> List(const TokenFilter& filter) override {
    std::lock_guard lock(mutex_);
    std::vector<Token> out;
    for (const auto& [id, token] : tokens_) {
      if (filter.user && token.user_id != *filter.user) continue;
      if (filter.organization && token.organization_id != *filter.organization) continue;
      if (filter.kind ? token.kind != *filter.kind : token.kind == TokenKind::kSession) continue;
      out.push_back(token);
    }
    return out;
  }
  Result<bool> Revoke(TokenId id, Timestamp now) override {
    std::lock_guard lock(mutex_);
    const auto found = tokens_.find(id);
    if (found == tokens_.end()) return false;
    if (!found->second.revoked_at) found->second.revoked_at = now;
    return true;
  }
  Status RecordUse(TokenId id, Timestamp now) override {
    std::lock_guard lock(mutex_);
    const auto found = tokens_.find(id);
    if (found != tokens_.end() &&
        (!found->second.last_used_at || *found->second.last_used_at < now)) {
      found->second.last_used_at = now;
    }
    ++uses_recorded_;
    return Ok();
  }
  Status RecordUses(const std::vector<TokenUse>& uses) override {
    for (const TokenUse& use : uses) FR_RETURN_IF_ERROR(RecordUse(use.id, use.at));
    return Ok();
  }
  Result<std::int64_t> RevokeSessions(UserId user, Timestamp now) override {
    std::lock_guard lock(mutex_);
    std::int64_t revoked = 0;
    for (auto& [id, token] : tokens_) {
      if (token.kind == TokenKind::kSession && token.user_id == user && !token.revoked_at) {
        token.revoked_at = now;
        ++revoked;
      }
    }
    return revoked;
  }
  int uses_recorded() {
    std::lock_guard lock(mutex_);
    return uses_recorded_;
  }
  // A new stamp on every call unless a test fixes it with `SetStamp`: the fake organisation
  // repository does not tell this one about membership changes, so nothing may be cached.
  Result<std::int64_t> AuthenticationStamp() override {
    std::lock_guard lock(mutex_);
    ++stamp_reads_;
    return fixed_stamp_ ? *fixed_stamp_ : ++stamp_reads_ * 1000;
  }
  void SetStamp(std::int64_t stamp) {
    std::lock_guard lock(mutex_);
    fixed_stamp_ = stamp;
  }
  int lookups() {
    std::lock_guard lock(mutex_);
    return lookups_;
  }

 private:
  std::mutex mutex_;
  std::int64_t last_id_ = 0;
  std::map<TokenId, Token> tokens_;
  int uses_recorded_ = 0;
  int lookups_ = 0;
  int stamp_reads_ = 0;
  std::optional<std::int64_t> fixed_stamp_;
};

// Logins beside the users of an InMemoryUserRepository (which must outlive it).
class InMemoryLoginRepository final : public LoginRepository {
 public:
  explicit InMemoryLoginRepository(InMemoryUserRepository& users) : users_(users) {}

  Status SetEmail(UserId user, std::string_view email, std::string_view email_key) override {
    FR_RETURN_IF_ERROR(RequireUser(user));
    std::lock_guard lock(mutex_);
    for (const auto& [id, key] : keys_) {
      if (id != user && key == email_key) {
        return Error::AlreadyExists("The object already exists.");
      }
    }
    Login& login = LoginOf(user);
    login.email = std::string(email);
    keys_[user] = std::string(email_key);
    return Ok();
  }
  Result<std::optional<Login>> Find(UserId user) override {
    FR_ASSIGN_OR_RETURN(const auto found, users_.Find(user));
    if (!found) return std::optional<Login>();
    std::lock_guard lock(mutex_);
    return std::optional<Login>(LoginOf(user));
  }
  Result<std::optional<Login>> FindByEmailKey(std::string_view email_key) override {
    std::lock_guard lock(mutex_);
    for (const auto& [id, key] : keys_) {
      if (key == email_key) return std::optional<Login>(logins_.at(id));
    }
    return std::optional<Login>();
  }
  Status SetPasswordHash(UserId user, std::string_view password_hash, Timestamp now) override {
    FR_RETURN_IF_ERROR(RequireUser(user));
    std::lock_guard lock(mutex_);
    Login& login = LoginOf(user);
    login.password_hash = std::string(password_hash);
    login.password_set_at = now;
    return Ok();
  }
  Status ReplaceInvites(const PasswordInvite& invite) override {
    FR_RETURN_IF_ERROR(RequireUser(invite.user));
    std::lock_guard lock(mutex_);
    std::erase_if(invites_, [&](const auto& entry) { return entry.second.user == invite.user; });
    invites_[invite.secret_hash] = invite;
    return Ok();
  }
  Result<std::optional<PasswordInvite>> FindInvite(std::string_view secret_hash) override {
    std::lock_guard lock(mutex_);
    const auto found = invites_.find(std::string(secret_hash));
    if (found == invites_.end()) return std::optional<PasswordInvite>();
    return std::optional<PasswordInvite>(found->second);
  }
  Result<std::optional<UserId>> ConsumeInvite(std::string_view secret_hash,
                                              Timestamp now) override {
    std::lock_guard lock(mutex_);
    const auto found = invites_.find(std::string(secret_hash));
    if (found == invites_.end() || found->second.used_at || now >= found->second.expires_at) {
      return std::optional<UserId>();
    }
    found->second.used_at = now;
    return std::optional<UserId>(found->second.user);
  }

 private:
  Status RequireUser(UserId user) {
    FR_ASSIGN_OR_RETURN(const auto found, users_.Find(user));
    if (!found) return Error::NotFound("User " + std::to_string(user.value) + " does not exist.");
    return Ok();
  }
  // Requires mutex_.
  Login& LoginOf(UserId user) {
    auto [it, added] = logins_.try_emplace(user);
    if (added) it->second.user = user;
    return it->second;
  }

  InMemoryUserRepository& users_;
  std::mutex mutex_;
  std::map<UserId, Login> logins_;                  // Guarded by mutex_.
  std::map<UserId, std::string> keys_;              // Guarded by mutex_.
  std::map<std::string, PasswordInvite> invites_;   // Guarded by mutex_.
};

}  // namespace fr::testing
