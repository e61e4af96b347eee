#pragma once

#include <optional>
#include <string>

#include "common/ids.hpp"
#include "common/result.hpp"
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

// The rule of every admin-only resource under an organisation (decision 0004): whoever is not
// a member of `organization` learns nothing about it (NotFound "No such organization."), a
// member without the admin role is told `denial` (PermissionDenied). Ok for an admin or the
// organisation's API token. Webhooks, the event stream and invite links use it: a webhook sends
// callers' numbers out of the service, so whoever configures one may read call records already.
Status RequireOrganizationAdmin(const Principal& principal, OrganizationId organization,
                                const std::string& denial);

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

// An agent's own phone number where it appears in an organisation's records of calls (telephone
// records, call-log entries, and every later view of them): the agent sees it, and a reader
// acting for `organization` only while the agent is a member of it and consents, as for the
// phones themselves (decision 0018). `agent_membership` is the agent's membership in
// `organization` as currently stored, so withdrawn consent hides past calls too.
bool MaySeeAgentNumber(const Principal& principal, UserId agent, OrganizationId organization,
                       const std::optional<Membership>& agent_membership);

}  // namespace fr
