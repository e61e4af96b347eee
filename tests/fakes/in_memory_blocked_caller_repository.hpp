#pragma once

#include <algorithm>
#include <map>
#include <mutex>

#include "domain/blocked_caller/blocked_caller.hpp"

namespace fr::testing {

// In-memory BlockedCallerRepository with the SOCI one's contract (tests/contract runs one suite
// against both). Thread-safe.
class InMemoryBlockedCallerRepository final : public BlockedCallerRepository {
 public:
  Result<BlockedCaller> Create(const BlockedCaller& block) override {
    std::lock_guard lock(mutex_);
    for (auto it = blocks_.begin(); it != blocks_.end(); ++it) {
      const BlockedCaller& other = it->second;
      if (other.organization_id != block.organization_id || other.number != block.number) continue;
      if (BlockApplies(other, block.created_at)) {
        return Error::AlreadyExists("This number is blocked in the organization already.");
      }
      blocks_.erase(it);
      break;
    }
    BlockedCaller stored = block;
    stored.id = BlockedCallerId(++last_id_);
    blocks_[stored.id.value] = stored;
    return stored;
  }

  Result<BlockedCallerPage> List(OrganizationId organization, Timestamp now, std::int64_t limit,
                                 std::int64_t offset) override {
    std::lock_guard lock(mutex_);
    BlockedCallerPage page;
    for (const auto& [id, block] : blocks_) {
      if (block.organization_id != organization || !BlockApplies(block, now)) continue;
      if (page.total++ >= offset &&
          static_cast<std::int64_t>(page.blocked_callers.size()) < limit) {
        page.blocked_callers.push_back(block);
      }
    }
    return page;
  }

  Status Delete(OrganizationId organization, BlockedCallerId id) override {
    std::lock_guard lock(mutex_);
    const auto found = blocks_.find(id.value);
    if (found == blocks_.end() || found->second.organization_id != organization) {
      return Error::NotFound("No such blocked caller.");
    }
    blocks_.erase(found);
    return Ok();
  }

  Result<bool> IsBlocked(OrganizationId organization, const std::string& number,
                         Timestamp now) override {
    std::lock_guard lock(mutex_);
    return std::any_of(blocks_.begin(), blocks_.end(), [&](const auto& entry) {
      const BlockedCaller& block = entry.second;
      return block.organization_id == organization && block.number == number &&
             BlockApplies(block, now);
    });
  }

  Result<std::int64_t> PurgeExpired(Timestamp now) override {
    std::lock_guard lock(mutex_);
    return static_cast<std::int64_t>(
        std::erase_if(blocks_, [now](const auto& entry) {
          return entry.second.expires_at && !BlockApplies(entry.second, now);
        }));
  }

 private:
  std::mutex mutex_;
  std::map<std::int64_t, BlockedCaller> blocks_;  // by id
  std::int64_t last_id_ = 0;
};

}  // namespace fr::testing
