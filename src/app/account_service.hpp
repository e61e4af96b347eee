#pragma once

#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "domain/audit/audit.hpp"
#include "domain/hotline/hotline_repository.hpp"
#include "identity/principal.hpp"
#include "identity/repositories.hpp"

namespace fr {

struct MembershipView {
  Membership membership;
  std::string organization_name;
};

struct Account {
  User user;
  std::vector<MembershipView> memberships;
};

// The signed-in user's own account: `GET /v1/me` and the user's consent to admin access.
// Thread-safe.
class AccountService {
 public:
  // Consent given or withdrawn, and leaving, are recorded in the audit log (decision 0058).
  AccountService(UserRepository& users, OrganizationRepository& organizations,
                 HotlineRepository& hotlines, const Clock& clock)
      : users_(users), organizations_(organizations), hotlines_(hotlines), clock_(clock) {}

  // Errors: kPermissionDenied for an organisation token (it has no user).
  Result<Account> GetAccount(const Principal& principal);

  // Sets the user's `allowAdminAccess` in `organization`. Errors: kPermissionDenied for an
  // organisation token; kNotFound when the user is not a member of `organization`.
  Result<MembershipView> SetAdminAccessConsent(const Principal& principal,
                                               OrganizationId organization, bool allow);

  // The user leaves `organization`: the membership goes, and with it the user's places on its
  // hotlines, so the user's phones do not ring for it from the next call on. Errors:
  // kPermissionDenied for an organisation token; kNotFound when the user is not a member;
  // kFailedPrecondition when the user is its only admin (an organisation without an admin could not be
  // managed through the API any more).
  Status LeaveOrganization(const Principal& principal, OrganizationId organization);

 private:
  Result<MembershipView> ViewOf(const Membership& membership);

  UserRepository& users_;
  OrganizationRepository& organizations_;
  HotlineRepository& hotlines_;
  const Clock& clock_;
};

}  // namespace fr
