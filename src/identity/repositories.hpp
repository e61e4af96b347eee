#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/ids.hpp"
#include "common/result.hpp"
#include "identity/identity.hpp"
#include "identity/token.hpp"

namespace fr {

// Ports of the identity core, implemented by adapters/storage and by tests/fakes.
// Every method is thread-safe. Every method may fail with kUnavailable (storage busy or down,
// worth retrying) or kInternal; other errors are listed per method.

class UserRepository {
 public:
  virtual ~UserRepository() = default;
  // Stores a new user named `name` (already validated) and returns it with its id.
  virtual Result<User> Create(std::string_view name, Timestamp now) = 0;
  // The user with `id`, or nullopt.
  virtual Result<std::optional<User>> Find(UserId id) = 0;
  // Deletes the user with their memberships, places on hotlines, agent phones and tokens, in
  // one transaction. Call history keeps the user's id. False when there was no such user.
  virtual Result<bool> Delete(UserId id) = 0;
};

class OrganizationRepository {
 public:
  virtual ~OrganizationRepository() = default;
  // Stores a new organisation named `name` (already validated) and returns it with its id.
  virtual Result<Organization> Create(std::string_view name, Timestamp now) = 0;
  virtual Result<std::optional<Organization>> Find(OrganizationId id) = 0;
  // How many organisations exist.
  virtual Result<std::int64_t> Count() = 0;

  // Adds a membership. Errors: kAlreadyExists when the user is already a member.
  // Organisation and user must exist (the caller checks; a dangling id is kInternal).
  virtual Status AddMember(const Membership& membership) = 0;
  // Replaces role and consent of an existing membership. Errors: kNotFound.
  virtual Status UpdateMembership(const Membership& membership) = 0;
  // Removes a membership; false when there was none.
  virtual Result<bool> RemoveMember(OrganizationId organization, UserId user) = 0;
  // Removes a membership unless it is the organisation's only admin, in one step: two admins
  // leaving at once never leave the organisation without one.
  enum class Removal { kRemoved, kNotAMember, kLastAdmin };
  virtual Result<Removal> RemoveMemberKeepingAnAdmin(OrganizationId organization, UserId user) = 0;
  // Gives a member `role` unless that takes the admin role from the organisation's only admin,
  // in one step like RemoveMemberKeepingAnAdmin.
  enum class RoleChange { kChanged, kNotAMember, kLastAdmin };
  virtual Result<RoleChange> ChangeRoleKeepingAnAdmin(OrganizationId organization, UserId user,
                                                      Role role) = 0;
  virtual Result<std::optional<Membership>> FindMembership(OrganizationId organization,
                                                           UserId user) = 0;
  // All memberships of `user`, ordered by organisation id.
  virtual Result<std::vector<Membership>> MembershipsOfUser(UserId user) = 0;
  // All members of `organization`, ordered by user id.
  virtual Result<std::vector<Membership>> MembersOf(OrganizationId organization) = 0;
  // Sets (or with nullopt clears) the organisation's own call retention, already validated.
  // False when there is no such organisation.
  virtual Result<bool> SetCallRetentionDays(OrganizationId organization,
                                            std::optional<int> days) = 0;
};

// Which tokens TokenRepository::List returns; an empty filter lists every personal and
// organisation token. Sessions are listed only when `kind` asks for them, so that no listing of
// tokens shows a user's browser sign-ins.
struct TokenFilter {
  std::optional<UserId> user;
  std::optional<OrganizationId> organization;
  std::optional<TokenKind> kind;
};

// That token `id` authenticated a request at `at` (TokenRepository::RecordUses).
struct TokenUse {
  TokenId id;
  Timestamp at;
};

class TokenRepository {
 public:
  virtual ~TokenRepository() = default;
  // Stores `token` (its id is ignored) and returns it with its new id.
  // Errors: kAlreadyExists when the secret hash is already stored.
  virtual Result<Token> Create(const Token& token) = 0;
  // The token whose secret has SHA-256 `secret_hash` (lower-case hex), or nullopt.
  virtual Result<std::optional<Token>> FindBySecretHash(std::string_view secret_hash) = 0;
  // The token `id`, of any kind (sessions too), or nullopt.
  virtual Result<std::optional<Token>> Find(TokenId id) = 0;
  // Tokens matching `filter`, ordered by id.
  virtual Result<std::vector<Token>> List(const TokenFilter& filter) = 0;
  // Marks the token revoked at `now`; false when no such token exists. Revoking twice keeps the
  // first time.
  virtual Result<bool> Revoke(TokenId id, Timestamp now) = 0;
  // Records that the token authenticated a request at `now`. An implementation may store it
  // later (WriteBehindTokenRepository); then kResourceExhausted says it was not taken.
  virtual Status RecordUse(TokenId id, Timestamp now) = 0;
  // Records every use of `uses` at once (one transaction, one durable commit): all are stored,
  // or none on error. As with RecordUse, a stored last use never goes backwards: a use earlier
  // than the one stored is skipped, and of several uses of one token the latest wins. A token
  // that does not exist is skipped. Errors: storage's (kUnavailable while it is busy).
  virtual Status RecordUses(const std::vector<TokenUse>& uses) = 0;
  // Revokes every session of `user` not revoked yet (a new password signs out everywhere);
  // how many it revoked.
  virtual Result<std::int64_t> RevokeSessions(UserId user, Timestamp now) = 0;
  // A number that changes, whichever process writes, whenever a request's authentication may
  // come out differently: a token revoked, deleted or otherwise changed (its last use aside),
  // a membership added, changed or removed, a user or an organisation deleted. Equal numbers
  // mean nothing of that changed in between, so a cached authentication still holds.
  virtual Result<std::int64_t> AuthenticationStamp() = 0;
};

// Port for the one-way digest of token secrets. Thread-safe.
class SecretDigest {
 public:
  virtual ~SecretDigest() = default;
  // SHA-256 of `secret`, lower-case hex (64 characters).
  virtual std::string Sha256Hex(std::string_view secret) const = 0;
  // HMAC-SHA-256 of `message` under `key`, lower-case hex (64 characters).
  virtual std::string HmacSha256Hex(std::string_view key, std::string_view message) const = 0;
};

}  // namespace fr
