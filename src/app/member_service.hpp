#pragma once

#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "identity/login.hpp"
#include "identity/principal.hpp"
#include "identity/repositories.hpp"

namespace fr {

// A member as the organisation's admins see them (decision 0073): no e-mail address, only
// whether the member can sign in to the console.
struct MemberView {
  Membership membership;
  std::string name;
  bool has_login = false;  // a password is set, so the member signs in; an invite is pointless
};

// An organisation's members, for its admins: who they are, their roles and consent, and role
// changes. Thread-safe.
class MemberService {
 public:
  // Role changes are recorded in the audit log (decision 0058).
  MemberService(UserRepository& users, OrganizationRepository& organizations,
                LoginRepository& logins, const Clock& clock)
      : users_(users), organizations_(organizations), logins_(logins), clock_(clock) {}

  // Every member of `organization`, ordered by user id. Who may: its admins and its API token.
  // Errors: kPermissionDenied (a member who is not an admin), kNotFound (anybody else, and an
  // organisation that does not exist: decision 0004).
  Result<std::vector<MemberView>> ListMembers(const Principal& principal,
                                              OrganizationId organization);

  // Gives `member` the role `role`. Who may: as ListMembers. The organisation's only admin keeps
  // the role (decision 0068); the check and the change are one step. Errors: as ListMembers;
  // kNotFound (no such member); kFailedPrecondition (the only admin).
  Result<MemberView> ChangeRole(const Principal& principal, OrganizationId organization,
                                UserId member, Role role);

 private:
  Status MayManage(const Principal& principal, OrganizationId organization) const;
  Result<MemberView> ViewOf(const Membership& membership);

  UserRepository& users_;
  OrganizationRepository& organizations_;
  LoginRepository& logins_;
  const Clock& clock_;
};

}  // namespace fr
