#pragma once

#include <vector>

#include "common/result.hpp"
#include "domain/call_log/live_call.hpp"
#include "domain/hotline/hotline_repository.hpp"
#include "identity/principal.hpp"

namespace fr {

// The calls in progress of a hotline (decision 0062), read from the database, so that every
// node answers for the calls of all. Admins and the API token see every call with the caller's
// number; members see only the calls that reached one of their phones, without the number.
// Thread-safe.
class LiveCallService {
 public:
  // More open calls than this on one hotline would be a stuck database, not a busy hotline.
  static constexpr int kMaxCalls = 500;

  LiveCallService(HotlineRepository& hotlines, LiveCallSource& source)
      : hotlines_(hotlines), source_(source) {}

  // Oldest first. Errors: kNotFound when the hotline does not exist or the caller is not in its
  // organisation; kUnavailable, kInternal.
  Result<std::vector<LiveCall>> List(const Principal& principal, HotlineId hotline);

 private:
  HotlineRepository& hotlines_;
  LiveCallSource& source_;
};

}  // namespace fr
