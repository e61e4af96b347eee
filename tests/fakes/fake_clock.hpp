#pragma once

#include <atomic>

#include "common/clock.hpp"

namespace fr::testing {

// A clock that stands still until told to move. Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(Timestamp start = FromEpochMillis(1'800'000'000'000)) : now_(ToEpochMillis(start)) {}
  Timestamp Now() const override { return FromEpochMillis(now_.load()); }
  void Advance(std::chrono::milliseconds by) { now_ += by.count(); }

 private:
  std::atomic<std::int64_t> now_;
};

}  // namespace fr::testing
