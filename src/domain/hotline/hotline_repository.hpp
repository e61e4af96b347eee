#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "domain/hotline/hotline.hpp"

namespace fr {

struct HotlinePage {
  std::vector<Hotline> hotlines;  // ordered by id
  std::int64_t total = 0;         // all hotlines of the organisation
  // The repository holds this object and hands it out again while the page is unchanged
  // (SQLite with a change watch, decision 0085). False for a page made for one request alone:
  // a memo keyed by such an object would never be hit.
  bool held = false;
};

// A page shared read-only. A repository may hand out the same object again while the page is
// unchanged (a `held` page), so a caller may hold what it derives from the page, keyed by the
// object.
using SharedHotlinePage = std::shared_ptr<const HotlinePage>;

// Where a hotline's number must come from: the SIP customer's country and city.
struct NumberLocation {
  std::string country;  // "DE"
  std::string city;     // "Aachen" (compared case-insensitively)
};

// Port: hotlines, and the reservation of their numbers from the inventory. Thread-safe.
// Every method may fail with kUnavailable or kInternal; other errors are listed per method.
class HotlineRepository {
 public:
  virtual ~HotlineRepository() = default;
  // Stores a new hotline and reserves a number for it at `where`, atomically: two concurrent
  // creates never get the same number. Returns the hotline with id, number and version.
  // Errors: kResourceExhausted when the organisation has `max_per_organization` hotlines, or
  // when no number is free at `where` (the detail says which).
  virtual Result<Hotline> Create(const Hotline& hotline, const NumberLocation& where,
                                 int max_per_organization, Timestamp now) = 0;
  virtual Result<std::optional<Hotline>> Find(HotlineId id) = 0;
  // The hotline that owns `number` ("00…"), if any.
  virtual Result<std::optional<Hotline>> FindByNumber(const std::string& number) = 0;
  // Never null.
  virtual Result<SharedHotlinePage> ListByOrganization(OrganizationId organization,
                                                       std::int64_t limit, std::int64_t offset) = 0;
  // Replaces the stored hotline's fields with `hotline`'s (the number and organisation never
  // change) and increments its version. With `expected_version`, only if it still matches.
  // Errors: kNotFound; kConflict when the version does not match.
  virtual Result<Hotline> Update(const Hotline& hotline, std::optional<std::int64_t> expected_version,
                                 Timestamp now) = 0;
  // Deletes the hotline and quarantines its number until `quarantined_until`.
  // Errors: kNotFound; kConflict when `expected_version` is given and does not match.
  virtual Status Delete(HotlineId id, std::optional<std::int64_t> expected_version,
                        Timestamp quarantined_until) = 0;
  // Takes `user` off every hotline of `organization` (the user left it).
  virtual Status RemoveAgentFromOrganization(OrganizationId organization, UserId user) = 0;

  // Hotlines waiting for provisioning (status created or provisioning) that no other worker
  // holds, oldest change first, at most `limit`; each is then held by `worker` until `until`
  // (decision 0039). A hold ends at `until` or when `worker` claims again; one that ended
  // before `now` is taken over, so a job of a worker that died resumes elsewhere. The status
  // itself is the persisted job: a restart finds them again. Two workers claiming at once
  // never get the same hotline.
  virtual Result<std::vector<Hotline>> ClaimAwaitingProvisioning(const std::string& worker,
                                                                 std::int64_t limit,
                                                                 Timestamp now,
                                                                 Timestamp until) = 0;
  // Moves hotline `id` from status `from` to `to` with `detail`, records the change and bumps
  // the version; false (and nothing written) when the hotline is gone or no longer in `from`,
  // e.g. because an admin paused it meanwhile.
  virtual Result<bool> TransitionStatus(HotlineId id, HotlineStatus from, HotlineStatus to,
                                        const std::string& detail, Timestamp now) = 0;
  // At most `limit` hotlines of `organization` with ids above `after` (from the first when
  // nullopt), ordered by id. Paging by key: a hotline created or deleted between two pages
  // moves no other hotline across a page's edge, so none is skipped or read twice.
  virtual Result<std::vector<Hotline>> ListByOrganizationAfter(OrganizationId organization,
                                                               std::optional<HotlineId> after,
                                                               std::int64_t limit) = 0;
};

// Port: the carrier side of a hotline's number. The built-in implementation is the service's
// own routing table, which the telephony engine answers calls from. Thread-safe.
class TelephonyProvider {
 public:
  virtual ~TelephonyProvider() = default;
  // Makes calls to `number` reach this service. Idempotent. Errors: kUnavailable (transient:
  // try again later); anything else is permanent and its detail becomes the statusDetail.
  virtual Status ActivateNumber(const std::string& number) = 0;
  // Stops routing calls to `number`. Idempotent. Errors: as ActivateNumber.
  virtual Status DeactivateNumber(const std::string& number) = 0;
};

enum class NumberState { kFree, kReserved, kQuarantined };
const char* NumberStateName(NumberState state);

struct InventoryNumber {
  std::string number;  // "00…"
  std::string country;
  std::string city;
  NumberState state = NumberState::kFree;
  HotlineId hotline;                        // kReserved
  std::optional<Timestamp> quarantined_until;  // kQuarantined
  bool routed = false;  // calls to it reach this service (TelephonyProvider)
};

// Port: the numbers the SIP trunk routes to this service. Thread-safe.
class NumberInventory {
 public:
  virtual ~NumberInventory() = default;
  // Adds `numbers` (normalised) at `country`/`city`, all or none.
  // Errors: kAlreadyExists when any of them is in the inventory already.
  virtual Status Add(const std::vector<std::string>& numbers, const std::string& country,
                     const std::string& city) = 0;
  // Every number, ordered; a quarantine that ended shows as free.
  virtual Result<std::vector<InventoryNumber>> List(Timestamp now) = 0;
  // The countries the inventory has numbers in ("DE", …), ordered.
  virtual Result<std::vector<std::string>> Countries() = 0;
  // Whether `number` ("00…", normalised) is one of the service's own, in any state.
  virtual Result<bool> Contains(const std::string& number) = 0;
};

}  // namespace fr
