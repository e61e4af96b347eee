#include "identity/identity.hpp"

namespace fr {

const char* RoleName(Role role) { return role == Role::kAdmin ? "admin" : "member"; }

std::optional<Role> ParseRole(std::string_view name) {
  if (name == "admin") return Role::kAdmin;
  if (name == "member") return Role::kMember;
  return std::nullopt;
}

}  // namespace fr
