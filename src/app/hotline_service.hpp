#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/derived_memo.hpp"
#include "common/result.hpp"
#include "domain/hotline/hotline.hpp"
#include "domain/hotline/hotline_repository.hpp"
#include "domain/sip_customer/sip_customer.hpp"
#include "identity/principal.hpp"
#include "identity/repositories.hpp"

namespace fr {

// The versions a write may replace, as a client's If-Match lists them: nullopt accepts any
// (no condition, or `*`); otherwise the stored version must be one of them, and an empty list
// never matches.
using AcceptedVersions = std::optional<std::vector<std::int64_t>>;

struct HotlinePolicy {
  int max_per_organization = 100;
  int quarantine_days = 30;  // a released number waits this long before it is reserved again
  // The language of a hotline that names none (a canonical BCP 47 tag, from --tts-voice).
  std::string default_language = "en";
  // Only agents with a verified, active phone are rung, and counted in agentsReady
  // (--require-verified-phones; decision 0069).
  bool require_verified_phones = true;
};

// The hotlines of organisations: members read, admins write. Thread-safe.
class HotlineService {
 public:
  // How many pages as seen by a caller List holds per view (with and without the forward
  // numbers); a memo of anything derived from them needs twice as many.
  static constexpr std::size_t kSeenPagesHeld = 64;

  HotlineService(HotlineRepository& hotlines, SipCustomerRepository& customers,
                 OrganizationRepository& organizations, TelephonyProvider& provider,
                 NumberInventory& numbers, const NumberingPlan& plan, const Clock& clock,
                 HotlinePolicy policy)
      : hotlines_(hotlines),
        customers_(customers),
        organizations_(organizations),
        provider_(provider),
        numbers_(numbers),
        plan_(plan),
        clock_(clock),
        policy_(policy) {}

  // List and Get give a member who is not an admin the fallbacks' forwardTo empty: it may be
  // someone's own phone (decision 0075). When the repository's page is `held`, List hands out
  // the same page object again while that page is the same and the caller sees as much as the
  // last one (decision 0093), so what a caller derives from the page (its JSON) may be held by
  // the page's identity; the page it returns is `held` then, and only then.
  // Errors: kPermissionDenied when the caller is not in `organization`.
  Result<SharedHotlinePage> List(const Principal& principal, OrganizationId organization,
                                 std::int64_t limit, std::int64_t offset);
  // Errors: kInvalidArgument (fields; agents that are not members; a forwardTo that is one of
  // the service's own numbers); kNotFound (organisation
  // unknown to the caller); kPermissionDenied (not an admin); kFailedPrecondition (no SIP
  // customer account); kResourceExhausted (hotline limit, or no free number in the city).
  Result<Hotline> Create(const Principal& principal, const HotlineDraft& draft);
  // Errors: kNotFound (no such hotline, or not visible to the caller).
  Result<Hotline> Get(const Principal& principal, HotlineId id);
  // Full replacement of the client's fields. Switching isActive off pauses the hotline and
  // stops routing its number; switching it on again queues it for provisioning.
  // Errors: as Create and Get; kInvalidArgument when organizationID differs; kConflict when
  // the stored version is not one of `accepted`.
  Result<Hotline> Update(const Principal& principal, HotlineId id, const HotlineDraft& draft,
                         const AcceptedVersions& accepted);
  // Deletes the hotline; its number goes into quarantine. Errors: kNotFound,
  // kPermissionDenied, kConflict (as Update).
  Status Delete(const Principal& principal, HotlineId id, const AcceptedVersions& accepted);
  // As List, but the page after hotline `after` (from the first when nullopt), at most `limit`:
  // paging by key, for a reader who goes through all hotlines while they may change (the
  // organisation export). Errors: as List.
  Result<std::vector<Hotline>> ListAfter(const Principal& principal, OrganizationId organization,
                                         std::optional<HotlineId> after, std::int64_t limit);

 private:
  // kPermissionDenied unless the caller may read `organization`'s hotlines.
  Status MayList(const Principal& principal, OrganizationId organization) const;
  // `hotline` as a caller sees it: with the defaults, and the fallbacks' forwardTo only when the
  // caller `sees_forward_numbers` (SeesForwardNumbers; see List).
  Hotline ShowTo(bool sees_forward_numbers, Hotline hotline) const;
  // `hotline` with the policy's language when it names none (stored before languages existed),
  // and agentsReady as the policy counts it.
  Hotline WithDefaults(Hotline hotline) const;
  // Appends a FieldError for every agent that is not a member of `organization`.
  Status CheckAgentsAreMembers(const Hotline& hotline);
  // kInvalidArgument when a fallback forwards to one of the service's own numbers: the call
  // would come back in through the trunk (a loop that costs money on both legs).
  Status RefuseOwnForwardNumbers(const Hotline& hotline);
  // The hotline `id` if the caller may write it. Errors: kNotFound, kPermissionDenied.
  Result<Hotline> WritableHotline(const Principal& principal, HotlineId id);

  HotlineRepository& hotlines_;
  SipCustomerRepository& customers_;
  OrganizationRepository& organizations_;
  TelephonyProvider& provider_;
  NumberInventory& numbers_;
  const NumberingPlan& plan_;
  const Clock& clock_;
  HotlinePolicy policy_;
  // List's pages as its callers see them, by the repository's page: one memo per view, so a
  // page with the forward numbers only ever comes out of the first.
  DerivedMemo<HotlinePage, HotlinePage> seen_with_forward_numbers_{kSeenPagesHeld};
  DerivedMemo<HotlinePage, HotlinePage> seen_without_forward_numbers_{kSeenPagesHeld};
};

}  // namespace fr
