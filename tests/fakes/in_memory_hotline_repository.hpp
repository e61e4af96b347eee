#pragma once

#include <algorithm>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "domain/hotline/hotline_repository.hpp"

namespace fr::testing {

// In-memory HotlineRepository with its own small number inventory (`AddNumber`), with the same
// contract as the SOCI one (tests/contract runs one suite against both). Thread-safe.
class InMemoryHotlineRepository final : public HotlineRepository {
 public:
  void AddNumber(const std::string& number, const std::string& country, const std::string& city) {
    std::lock_guard lock(mutex_);
    numbers_[number] = {country, Lower(city), HotlineId{}, std::nullopt};
  }

  Result<Hotline> Create(const Hotline& hotline, const NumberLocation& where,
                         int max_per_organization, Timestamp now) override {
    std::lock_guard lock(mutex_);
    const auto count = std::count_if(hotlines_.begin(), hotlines_.end(), [&](const auto& entry) {
      return entry.second.organization_id == hotline.organization_id;
    });
    if (count >= max_per_organization) return Error::ResourceExhausted("hotline limit");
    for (auto& [number, slot] : numbers_) {
      const bool free = !slot.hotline.valid() && (!slot.quarantined_until || *slot.quarantined_until <= now);
      if (slot.country != where.country || slot.city_key != Lower(where.city) || !free) continue;
      Hotline stored = hotline;
      stored.id = HotlineId(++last_id_);
      stored.number = number;
      stored.version = 1;
      stored.created_at = stored.updated_at = now;
      slot.hotline = stored.id;
      slot.quarantined_until.reset();
      hotlines_[stored.id] = stored;
      return stored;
    }
    return Error::ResourceExhausted("No free phone number is left in " + where.city + ".");
  }

  Result<std::optional<Hotline>> Find(HotlineId id) override {
    std::lock_guard lock(mutex_);
    const auto found = hotlines_.find(id);
    if (found == hotlines_.end()) return std::optional<Hotline>();
    return std::optional<Hotline>(found->second);
  }

  Result<std::optional<Hotline>> FindByNumber(const std::string& number) override {
    std::lock_guard lock(mutex_);
    for (const auto& [id, hotline] : hotlines_) {
      if (hotline.number == number) return std::optional<Hotline>(hotline);
    }
    return std::optional<Hotline>();
  }

  Result<SharedHotlinePage> ListByOrganization(OrganizationId organization, std::int64_t limit,
                                               std::int64_t offset) override {
    std::lock_guard lock(mutex_);
    HotlinePage page;
    for (const auto& [id, hotline] : hotlines_) {
      if (hotline.organization_id != organization) continue;
      if (page.total >= offset && static_cast<std::int64_t>(page.hotlines.size()) < limit) {
        page.hotlines.push_back(hotline);
      }
      ++page.total;
    }
    return std::make_shared<const HotlinePage>(std::move(page));
  }

  Result<Hotline> Update(const Hotline& hotline, std::optional<std::int64_t> expected_version,
                         Timestamp now) override {
    std::lock_guard lock(mutex_);
    const auto found = hotlines_.find(hotline.id);
    if (found == hotlines_.end()) return Error::NotFound("No such hotline.");
    if (expected_version && *expected_version != found->second.version) {
      return Error::Conflict("stale");
    }
    Hotline updated = hotline;
    updated.organization_id = found->second.organization_id;
    updated.number = found->second.number;
    updated.created_at = found->second.created_at;
    updated.version = found->second.version + 1;
    updated.updated_at = now;
    found->second = updated;
    return updated;
  }

  Status Delete(HotlineId id, std::optional<std::int64_t> expected_version,
                Timestamp quarantined_until) override {
    std::lock_guard lock(mutex_);
    const auto found = hotlines_.find(id);
    if (found == hotlines_.end()) return Error::NotFound("No such hotline.");
    if (expected_version && *expected_version != found->second.version) {
      return Error::Conflict("stale");
    }
    auto& slot = numbers_[found->second.number];
    slot.hotline = HotlineId{};
    slot.quarantined_until = quarantined_until;
    hotlines_.erase(found);
    return Ok();
  }

  Status RemoveAgentFromOrganization(OrganizationId organization, UserId user) override {
    std::lock_guard lock(mutex_);
    for (auto& [id, hotline] : hotlines_) {
      if (hotline.organization_id != organization) continue;
      std::erase(hotline.agents, user);
    }
    return Ok();
  }

  Result<std::vector<Hotline>> ClaimAwaitingProvisioning(const std::string& worker,
                                                         std::int64_t limit, Timestamp now,
                                                         Timestamp until) override {
    std::lock_guard lock(mutex_);
    std::vector<Hotline> pending;
    for (const auto& [id, hotline] : hotlines_) {
      const auto held = provisioning_holds_.find(id);
      const bool free = held == provisioning_holds_.end() || held->second.second < now ||
                        held->second.first == worker;
      if (free && (hotline.status == HotlineStatus::kCreated ||
                   hotline.status == HotlineStatus::kProvisioning)) {
        pending.push_back(hotline);
      }
    }
    std::stable_sort(pending.begin(), pending.end(), [](const Hotline& a, const Hotline& b) {
      return a.updated_at < b.updated_at;
    });
    if (static_cast<std::int64_t>(pending.size()) > limit) pending.resize(limit);
    for (const Hotline& hotline : pending) provisioning_holds_[hotline.id] = {worker, until};
    return pending;
  }

  Result<bool> TransitionStatus(HotlineId id, HotlineStatus from, HotlineStatus to,
                                const std::string& detail, Timestamp now) override {
    std::lock_guard lock(mutex_);
    const auto found = hotlines_.find(id);
    if (found == hotlines_.end() || found->second.status != from) return false;
    found->second.status = to;
    found->second.status_detail = detail;
    found->second.version += 1;
    found->second.updated_at = now;
    return true;
  }

  Result<std::vector<Hotline>> ListByOrganizationAfter(OrganizationId organization,
                                                       std::optional<HotlineId> after,
                                                       std::int64_t limit) override {
    std::lock_guard lock(mutex_);
    std::vector<Hotline> listed;
    const auto first = after ? hotlines_.upper_bound(*after) : hotlines_.begin();
    for (auto it = first; it != hotlines_.end(); ++it) {
      if (static_cast<std::int64_t>(listed.size()) >= limit) break;
      if (it->second.organization_id == organization) listed.push_back(it->second);
    }
    return listed;
  }

 private:
  struct Slot {
    std::string country;
    std::string city_key;
    HotlineId hotline;
    std::optional<Timestamp> quarantined_until;
  };
  static std::string Lower(std::string text) {
    for (char& ch : text) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return text;
  }

  std::mutex mutex_;
  std::int64_t last_id_ = 0;
  std::map<HotlineId, Hotline> hotlines_;
  std::map<std::string, Slot> numbers_;
  std::map<HotlineId, std::pair<std::string, Timestamp>> provisioning_holds_;  // worker, until
};

// A TelephonyProvider that records what it was asked and fails as told.
class FakeTelephonyProvider final : public TelephonyProvider {
 public:
  Status ActivateNumber(const std::string& number) override {
    std::lock_guard lock(mutex_);
    if (next_error_) {
      Error error = *next_error_;
      if (!sticky_) next_error_.reset();
      return error;
    }
    routed_[number] = true;
    return Ok();
  }
  Status DeactivateNumber(const std::string& number) override {
    std::lock_guard lock(mutex_);
    routed_[number] = false;
    return Ok();
  }
  // The next activation fails with `error` (every one, when `sticky`).
  void FailWith(Error error, bool sticky = false) {
    std::lock_guard lock(mutex_);
    next_error_ = std::move(error);
    sticky_ = sticky;
  }
  bool IsRouted(const std::string& number) {
    std::lock_guard lock(mutex_);
    return routed_[number];
  }

 private:
  std::mutex mutex_;
  std::map<std::string, bool> routed_;
  std::optional<Error> next_error_;
  bool sticky_ = false;
};

}  // namespace fr::testing
