#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fr {

// Wall-clock time with millisecond precision: what the API shows and the database stores.
using Timestamp = std::chrono::sys_time<std::chrono::milliseconds>;

// Port for the current time, so that rules with deadlines (token expiry) are testable.
// Implementations are thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp Now() const = 0;
};

// The real clock.
class SystemClock final : public Clock {
 public:
  Timestamp Now() const override;
};

// RFC 3339 in UTC with milliseconds: "2026-11-29T05:01:26.123Z".
std::string FormatTimestamp(Timestamp t);

// An RFC 3339 date-time ("2026-12-24T18:00:00Z", "2026-12-24T19:00:00.5+01:00"; "T" or "t",
// "Z" or "z"; fractions beyond milliseconds are cut). nullopt when malformed or not a real
// date or time (leap seconds included).
std::optional<Timestamp> ParseTimestamp(std::string_view text);

// Milliseconds since the Unix epoch, as the database stores them.
inline std::int64_t ToEpochMillis(Timestamp t) { return t.time_since_epoch().count(); }
inline Timestamp FromEpochMillis(std::int64_t ms) { return Timestamp(std::chrono::milliseconds(ms)); }

}  // namespace fr
