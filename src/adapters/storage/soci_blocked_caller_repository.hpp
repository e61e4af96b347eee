#pragma once

#include "adapters/storage/database.hpp"
#include "domain/blocked_caller/blocked_caller.hpp"

namespace fr {

// SOCI implementation of BlockedCallerRepository. Thread-safe.
class SociBlockedCallerRepository final : public BlockedCallerRepository {
 public:
  explicit SociBlockedCallerRepository(Database& database) : database_(database) {}
  Result<BlockedCaller> Create(const BlockedCaller& block) override;
  Result<BlockedCallerPage> List(OrganizationId organization, Timestamp now, std::int64_t limit,
                                 std::int64_t offset) override;
  Status Delete(OrganizationId organization, BlockedCallerId id) override;
  Result<bool> IsBlocked(OrganizationId organization, const std::string& number,
                         Timestamp now) override;
  Result<std::int64_t> PurgeExpired(Timestamp now) override;

 private:
  Database& database_;
};

}  // namespace fr
