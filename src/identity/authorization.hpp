#pragma once

#include <optional>

#include "common/ids.hpp"
#include "identity/identity.hpp"
#include "identity/principal.hpp"

namespace fr {

// What a principal may do with one object. The HTTP layer answers kNone with 404 for a single
// object (never reveal that it exists) and with 403 for a list; kRead on a write with 403.
enum class Access { kNone, kRead, kReadWrite };

inline bool CanRead(Access access) { return access != Access::kNone; }
inline bool CanWrite(Access access) { return access == Access::kReadWrite; }

// Admin of `organization`: a user with the admin role there, or that organisation's API token.
bool IsOrganizationAdmin(const Principal& principal, OrganizationId organization);

// Member or admin of `organization` (any role), or that organisation's API token.
bool IsOrganizationMember(const Principal& principal, OrganizationId organization);

// Hotlines and the SIP customer account of an organisation: members read, admins write.
Access OrganizationResourceAccess(const Principal& principal, OrganizationId organization);

// Call logs and telephone records hold callers' numbers (personal data): admins only, read-only.
Access CallRecordAccess(const Principal& principal, OrganizationId organization);

// A user's agent phones. The owner has full access. Acting for `via_organization` (the
// `organization_id` parameter), an admin of that organisation has full access too, but only
// while the owner is a member of it and consents: `owner_membership` is the owner's membership
// in `via_organization` as currently stored (nullopt when none).
Access AgentPhoneAccess(const Principal& principal, UserId owner,
                        std::optional<OrganizationId> via_organization,
                        const std::optional<Membership>& owner_membership);

}  // namespace fr
