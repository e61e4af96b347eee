#include "adapters/telephony/sip/trunk_registration.hpp"

#include <algorithm>

namespace fr::sip {

std::chrono::milliseconds RegistrationBackoff::NextDelay() {
  std::chrono::milliseconds base = kFirst;
  for (int i = 0; i < failures_ && base < kLongest; ++i) base *= 2;
  base = std::min(base, kLongest);
  ++failures_;
  const double spread = 1.0 + kJitter * (2.0 * unit_random_() - 1.0);
  return std::chrono::milliseconds(
      static_cast<std::int64_t>(static_cast<double>(base.count()) * spread));
}

std::chrono::milliseconds RefreshDelay(std::chrono::seconds granted) {
  using std::chrono::milliseconds;
  const milliseconds whole = granted;
  const milliseconds delay =
      granted > std::chrono::seconds(120) ? whole - std::chrono::seconds(60) : whole / 2;
  return std::max(delay, milliseconds(500));
}

RegistrationStatus RegistrationBoard::Snapshot() const {
  std::lock_guard lock(mu_);
  return status_;
}

void RegistrationBoard::Registering() {
  std::lock_guard lock(mu_);
  if (status_.state == RegistrationState::kOff) status_.state = RegistrationState::kRegistering;
}

void RegistrationBoard::Registered() {
  std::lock_guard lock(mu_);
  status_.state = RegistrationState::kRegistered;
  status_.failure.clear();
}

void RegistrationBoard::Failed(std::string reason) {
  std::lock_guard lock(mu_);
  status_.state = RegistrationState::kFailed;
  status_.failure = std::move(reason);
  ++status_.failures;
}

}  // namespace fr::sip
