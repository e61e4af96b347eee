#pragma once

#include <optional>
#include <vector>

#include "common/ids.hpp"
#include "identity/identity.hpp"
#include "identity/token.hpp"

namespace fr {

// Who is making a request, as established by authentication. A user principal carries the
// user's memberships as they were when the request was authenticated, so that every
// authorisation rule is a pure function of the principal and the object.
struct Principal {
  TokenKind kind = TokenKind::kPersonal;
  TokenId token_id;
  UserId user_id;                  // kPersonal and kSession
  OrganizationId organization_id;  // kOrganization only: the token's organisation
  std::vector<Membership> memberships;  // kPersonal and kSession

  static Principal ForUser(UserId user, TokenId token, std::vector<Membership> memberships) {
    return {TokenKind::kPersonal, token, user, OrganizationId{}, std::move(memberships)};
  }
  // A user signed in through a browser session: the same rights as ForUser.
  static Principal ForSession(UserId user, TokenId session, std::vector<Membership> memberships) {
    return {TokenKind::kSession, session, user, OrganizationId{}, std::move(memberships)};
  }
  static Principal ForOrganization(OrganizationId organization, TokenId token) {
    return {TokenKind::kOrganization, token, UserId{}, organization, {}};
  }

  bool IsUser() const { return kind == TokenKind::kPersonal || kind == TokenKind::kSession; }
  bool IsSession() const { return kind == TokenKind::kSession; }
  // The principal's membership in `organization`, if it is a user who has one.
  std::optional<Membership> MembershipIn(OrganizationId organization) const;
};

}  // namespace fr
