#pragma once

#include <compare>
#include <cstdint>
#include <functional>

namespace fr {

// A strongly typed int64 id: a UserId cannot be passed where an OrganizationId is expected.
// Valid ids are > 0; a default-constructed id (0) means "none".
template <typename Tag>
struct Id {
  std::int64_t value = 0;

  constexpr Id() = default;
  constexpr explicit Id(std::int64_t v) : value(v) {}
  constexpr bool valid() const { return value > 0; }
  constexpr auto operator<=>(const Id&) const = default;
};

using UserId = Id<struct UserTag>;
using OrganizationId = Id<struct OrganizationTag>;
using TokenId = Id<struct TokenTag>;
using AgentPhoneId = Id<struct AgentPhoneTag>;
using HotlineId = Id<struct HotlineTag>;
using CallLogId = Id<struct CallLogTag>;
using TelephoneRecordId = Id<struct TelephoneRecordTag>;
using BlockedCallerId = Id<struct BlockedCallerTag>;
using VoicemailId = Id<struct VoicemailTag>;

}  // namespace fr

template <typename Tag>
struct std::hash<fr::Id<Tag>> {
  std::size_t operator()(const fr::Id<Tag>& id) const noexcept {
    return std::hash<std::int64_t>{}(id.value);
  }
};
