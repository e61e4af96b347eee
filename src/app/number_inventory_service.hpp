#pragma once

#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/result.hpp"
#include "domain/hotline/hotline_repository.hpp"
#include "domain/numbers/phone_number.hpp"

namespace fr {

// The operator's view of the number inventory (`first-responder admin numbers …`). Thread-safe.
class NumberInventoryService {
 public:
  static constexpr std::int64_t kMaxBlockSize = 10000;

  NumberInventoryService(NumberInventory& inventory, const NumberingPlan& plan, const Clock& clock)
      : inventory_(inventory), plan_(plan), clock_(clock) {}

  // Imports every number from `from` to `to` (inclusive, same length, at most kMaxBlockSize),
  // each valid in `country`. Returns how many were added. Errors: kInvalidArgument (a bad
  // bound, country, city or number in the block); kAlreadyExists (a number is known already;
  // nothing is added).
  Result<std::int64_t> AddBlock(const std::string& country, const std::string& city,
                                const std::string& from, const std::string& to);
  Result<std::vector<InventoryNumber>> List() { return inventory_.List(clock_.Now()); }

 private:
  NumberInventory& inventory_;
  const NumberingPlan& plan_;
  const Clock& clock_;
};

}  // namespace fr
