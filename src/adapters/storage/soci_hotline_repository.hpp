#pragma once

#include <memory>

#include "adapters/storage/database.hpp"
#include "adapters/storage/sqlite_change_watch.hpp"
#include "domain/hotline/hotline_repository.hpp"

namespace fr {

// SOCI implementation of HotlineRepository; number reservation shares its transactions.
// Thread-safe.
class SociHotlineRepository final : public HotlineRepository {
 public:
  explicit SociHotlineRepository(Database& database) : database_(database) {}
  Result<Hotline> Create(const Hotline& hotline, const NumberLocation& where,
                         int max_per_organization, Timestamp now) override;
  Result<std::optional<Hotline>> Find(HotlineId id) override;
  Result<std::optional<Hotline>> FindByNumber(const std::string& number) override;
  // The same page object while nothing is committed (SQLite, decision 0085).
  Result<SharedHotlinePage> ListByOrganization(OrganizationId organization, std::int64_t limit,
                                               std::int64_t offset) override;
  Result<Hotline> Update(const Hotline& hotline, std::optional<std::int64_t> expected_version,
                         Timestamp now) override;
  Status Delete(HotlineId id, std::optional<std::int64_t> expected_version,
                Timestamp quarantined_until) override;
  Status RemoveAgentFromOrganization(OrganizationId organization, UserId user) override;
  Result<std::vector<Hotline>> ClaimAwaitingProvisioning(const std::string& worker,
                                                         std::int64_t limit, Timestamp now,
                                                         Timestamp until) override;
  Result<bool> TransitionStatus(HotlineId id, HotlineStatus from, HotlineStatus to,
                                const std::string& detail, Timestamp now) override;
  Result<std::vector<Hotline>> ListByOrganizationAfter(OrganizationId organization,
                                                       std::optional<HotlineId> after,
                                                       std::int64_t limit) override;

 private:
  // One page of ListByOrganization from the database.
  Result<HotlinePage> ReadPage(OrganizationId organization, std::int64_t limit,
                               std::int64_t offset);

  Database& database_;
  // Hotlines as last read by Find, while nothing was committed since (SQLite only, decision
  // 0084): a GET of one hotline is the API's most frequent read.
  ChangeCheckedCache<std::int64_t, std::optional<Hotline>> found_{1024};
  // Pages of ListByOrganization by organisation, limit and offset, likewise (decision 0085): a
  // console lists its organisation's hotlines on every view. A page is up to 50 hotlines.
  ChangeCheckedCache<ListPageKey, SharedHotlinePage, ListPageKey::Hash> listed_{64};
};

// The built-in TelephonyProvider: the routing table in `phone_numbers`. Thread-safe.
class SociRoutingTable final : public TelephonyProvider {
 public:
  explicit SociRoutingTable(Database& database) : database_(database) {}
  Status ActivateNumber(const std::string& number) override;
  Status DeactivateNumber(const std::string& number) override;
  // Whether calls to `number` are routed here.
  Result<bool> IsRouted(const std::string& number);

 private:
  Status SetRouting(const std::string& number, bool enabled);

  Database& database_;
};

// SOCI implementation of NumberInventory. Thread-safe.
class SociNumberInventory final : public NumberInventory {
 public:
  explicit SociNumberInventory(Database& database) : database_(database) {}
  Status Add(const std::vector<std::string>& numbers, const std::string& country,
             const std::string& city) override;
  Result<std::vector<InventoryNumber>> List(Timestamp now) override;
  Result<std::vector<std::string>> Countries() override;
  Result<bool> Contains(const std::string& number) override;

 private:
  Database& database_;
};

// Migration 11's step: recomputes phone_numbers.city_key with CityKey for every number, in the
// caller's transaction. Throws what SOCI throws.
void RekeyCities(soci::session& session);

}  // namespace fr
