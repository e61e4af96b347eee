#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/clock.hpp"
#include "common/ids.hpp"

namespace fr {

enum class Role { kAdmin, kMember };

// "admin" | "member".
const char* RoleName(Role role);
std::optional<Role> ParseRole(std::string_view name);

struct Organization {
  OrganizationId id;
  std::string name;
  Timestamp created_at;
  // Days its call logs and telephone records are kept, when shorter than the server's
  // retention; nullopt: the server's.
  std::optional<int> call_retention_days;
};

struct User {
  UserId id;
  std::string name;
  Timestamp created_at;
};

// A user's place in an organisation. `allow_admin_access` is the user's own consent that the
// organisation's admins may manage the user's agent phones; only the user changes it.
struct Membership {
  OrganizationId organization_id;
  UserId user_id;
  Role role = Role::kMember;
  bool allow_admin_access = false;
  Timestamp created_at;
};

}  // namespace fr
