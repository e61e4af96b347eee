#include "adapters/crypto/sodium_password_hasher.hpp"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>

namespace fr {

SodiumPasswordHasher::SodiumPasswordHasher() {
  // Safe to call again from other instances and threads; fails only without a random source.
  if (sodium_init() < 0) {
    std::fputs("fatal: libsodium cannot be initialised\n", stderr);
    std::abort();
  }
}

Result<std::string> SodiumPasswordHasher::Hash(std::string_view password) const {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Error::Internal("the password could not be hashed (out of memory)");
  }
  return std::string(out);
}

bool SodiumPasswordHasher::Verify(std::string_view hash, std::string_view password) const {
  // crypto_pwhash_str_verify wants a NUL-terminated string of at most STRBYTES.
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  char stored[crypto_pwhash_STRBYTES] = {};
  hash.copy(stored, hash.size());
  return crypto_pwhash_str_verify(stored, password.data(), password.size()) == 0;
}

}  // namespace fr
