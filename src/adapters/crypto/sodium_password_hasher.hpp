#pragma once

#include "identity/login.hpp"

namespace fr {

// Argon2id through libsodium's crypto_pwhash_str (decision 0052): the hash string carries the
// algorithm, its parameters and a random salt. Memory 64 MiB and 2 passes per hash
// (libsodium's "interactive" limits), so one sign-in costs tens of milliseconds and a
// guessing attacker as much per guess. Thread-safe; initialises libsodium once.
class SodiumPasswordHasher final : public PasswordHasher {
 public:
  SodiumPasswordHasher();
  Result<std::string> Hash(std::string_view password) const override;
  bool Verify(std::string_view hash, std::string_view password) const override;
};

}  // namespace fr
