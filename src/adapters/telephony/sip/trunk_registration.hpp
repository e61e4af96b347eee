#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <utility>

#include "adapters/telephony/sip/sip_endpoint.hpp"

// The timing and the published state of the trunk registration (decision 0028). The SIP loop
// drives the REGISTER transactions (sofia_register.cpp); what is decided here has no I/O.
namespace fr::sip {

// How long to wait before the next attempt after failures: 5 s, doubling up to 5 minutes, each
// delay spread by ±20% so that many services behind one carrier do not retry in step after an
// outage. Single-threaded (the SIP thread).
class RegistrationBackoff {
 public:
  static constexpr std::chrono::milliseconds kFirst{5000};
  static constexpr std::chrono::milliseconds kLongest{300000};
  static constexpr double kJitter = 0.2;

  // `unit_random` returns a value in [0, 1); called once per NextDelay().
  explicit RegistrationBackoff(std::function<double()> unit_random)
      : unit_random_(std::move(unit_random)) {}

  // The delay before retrying after one more failure.
  std::chrono::milliseconds NextDelay();
  // After a success: the next failure waits kFirst again.
  void Reset() { failures_ = 0; }

 private:
  std::function<double()> unit_random_;
  int failures_ = 0;
};

// When to refresh a binding the registrar granted for `granted`: halfway for short grants (the
// 2 s a test gives), a minute before it expires for longer ones; never sooner than 500 ms.
std::chrono::milliseconds RefreshDelay(std::chrono::seconds granted);

// The registration's state as the SIP thread publishes it and HTTP threads read it.
// Thread-safe.
class RegistrationBoard {
 public:
  RegistrationStatus Snapshot() const;
  void Registering();
  void Registered();
  // A failed attempt: the state becomes kFailed with `reason` and the failure count grows.
  void Failed(std::string reason);

 private:
  mutable std::mutex mu_;
  RegistrationStatus status_;  // Guarded by mu_.
};

}  // namespace fr::sip
