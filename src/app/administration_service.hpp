#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.hpp"
#include "common/random.hpp"
#include "common/result.hpp"
#include "domain/audit/audit.hpp"
#include "domain/hotline/hotline_repository.hpp"
#include "identity/repositories.hpp"

namespace fr {

// A token as just created: the only moment its secret exists outside the client.
struct IssuedToken {
  Token token;
  std::string secret;
};

struct TokenRequest {
  std::string name;                  // a label for operators, e.g. "ci" (0..100 characters)
  std::optional<int> expires_in_days;  // 1..3650; nullopt: never expires
};

// The operator's use cases behind `first-responder admin`: organisations, users,
// memberships and tokens. Thread-safe.
class AdministrationService {
 public:
  AdministrationService(UserRepository& users, OrganizationRepository& organizations,
                        TokenRepository& tokens, HotlineRepository& hotlines,
                        const SecretDigest& digest, SecureRandom& random, const Clock& clock)
      : users_(users),
        organizations_(organizations),
        tokens_(tokens),
        hotlines_(hotlines),
        digest_(digest),
        random_(random),
        clock_(clock) {}

  // Errors: kInvalidArgument (name: 1..200 characters).
  Result<Organization> CreateOrganization(std::string_view name);
  // Errors: kInvalidArgument (name: 1..100 characters).
  Result<User> CreateUser(std::string_view name);
  // Deletes the user with their memberships, hotline places, agent phones and tokens; call
  // history keeps their id (a deleted user). Errors: kNotFound.
  Status DeleteUser(UserId user);
  // Errors: kNotFound (organisation or user), kAlreadyExists (already a member).
  Result<Membership> AddMember(OrganizationId organization, UserId user, Role role,
                               bool allow_admin_access);
  // Removes the membership and takes the user off the organisation's hotlines.
  // Errors: kNotFound (no such membership).
  Status RemoveMember(OrganizationId organization, UserId user);

  // Errors: kNotFound (user or organisation), kInvalidArgument (name, expiry).
  Result<IssuedToken> CreatePersonalToken(UserId user, const TokenRequest& request);
  Result<IssuedToken> CreateOrganizationToken(OrganizationId organization,
                                              const TokenRequest& request);
  Result<std::vector<Token>> ListTokens(const TokenFilter& filter);
  // Errors: kNotFound.
  Status RevokeToken(TokenId id);

  // How many organisations exist (the demo seeds only an empty database).
  Result<std::int64_t> CountOrganizations() { return organizations_.Count(); }

 private:
  Result<IssuedToken> Issue(Token token, const TokenRequest& request);
  // Adds the audit entries of `type` for `token` to `audited`.
  Status AuditTokenChange(AuditedChange& audited, const Token& token, AuditType type);

  UserRepository& users_;
  OrganizationRepository& organizations_;
  TokenRepository& tokens_;
  HotlineRepository& hotlines_;
  const SecretDigest& digest_;
  SecureRandom& random_;
  const Clock& clock_;
};

}  // namespace fr
