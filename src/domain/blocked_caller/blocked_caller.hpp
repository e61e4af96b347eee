#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "common/ids.hpp"
#include "common/result.hpp"
#include "domain/numbers/phone_number.hpp"

namespace fr {

inline constexpr std::size_t kMaxBlockNoteLength = 200;

// A number an organisation keeps off all its hotlines (decision 0044): its calls are refused
// busy without ringing anyone, until `expires_at` if set.
struct BlockedCaller {
  BlockedCallerId id;
  OrganizationId organization_id;
  std::string number;  // "00…"
  std::string note;    // 0..200 code points, why (for the admins; never said to anyone)
  std::optional<Timestamp> expires_at;
  Timestamp created_at;
};

struct BlockedCallerDraft {
  std::string number;  // any international form: "+49 …", "0049…"
  std::string note;
  std::optional<Timestamp> expires_at;
};

// Validates and normalises a draft for `organization`: a valid international number (any
// type: premium-rate lines can call too), a note of at most 200 code points, an expiry after
// `now`. Errors: kInvalidArgument with one FieldError per bad field.
Result<BlockedCaller> ValidateBlockedCaller(const BlockedCallerDraft& draft,
                                            OrganizationId organization, const NumberingPlan& plan,
                                            Timestamp now);

// Whether the block still applies at `now`.
inline bool BlockApplies(const BlockedCaller& block, Timestamp now) {
  return !block.expires_at || *block.expires_at > now;
}

struct BlockedCallerPage {
  std::vector<BlockedCaller> blocked_callers;  // ordered by id
  std::int64_t total = 0;
};

// Port: the organisations' blocklists. Thread-safe. Every method may fail with kUnavailable or
// kInternal; other errors are listed per method.
class BlockedCallerRepository {
 public:
  virtual ~BlockedCallerRepository() = default;
  // Stores `block` (id and created_at are assigned). A block of the same number in the same
  // organisation that expired by `block.created_at` is replaced. Errors: kAlreadyExists when
  // the number is blocked in the organisation already.
  virtual Result<BlockedCaller> Create(const BlockedCaller& block) = 0;
  // The blocks of `organization` that still apply at `now` (an expired one is not listed),
  // ordered by id.
  virtual Result<BlockedCallerPage> List(OrganizationId organization, Timestamp now,
                                         std::int64_t limit, std::int64_t offset) = 0;
  // Errors: kNotFound when the organisation has no block `id`.
  virtual Status Delete(OrganizationId organization, BlockedCallerId id) = 0;
  // Whether `number` ("00…") is blocked in `organization` at `now` (an expired block is not).
  virtual Result<bool> IsBlocked(OrganizationId organization, const std::string& number,
                                 Timestamp now) = 0;
  // Deletes every block of every organisation that expired by `now`; how many.
  virtual Result<std::int64_t> PurgeExpired(Timestamp now) = 0;
};

}  // namespace fr
