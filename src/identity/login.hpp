#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.hpp"
#include "common/ids.hpp"
#include "common/result.hpp"

namespace fr {

// A user's optional sign-in for the web console (decision 0052): an e-mail address, unique
// whatever its letter case, and a password kept only as an Argon2id hash.
struct Login {
  UserId user;
  std::string email;                         // as written when set; empty: none yet
  std::optional<std::string> password_hash;  // a PasswordHasher's string; nullopt: none set yet
  std::optional<Timestamp> password_set_at;
};

// A one-time link to set a password (decision 0053). Only the SHA-256 of its secret is kept.
struct PasswordInvite {
  UserId user;
  std::string secret_hash;
  Timestamp created_at;
  Timestamp expires_at;
  std::optional<Timestamp> used_at;
};

inline constexpr std::size_t kMinPasswordLength = 12;    // characters (code points)
inline constexpr std::size_t kMaxPasswordBytes = 1024;   // bounds the work of one hash
inline constexpr std::size_t kMaxEmailBytes = 254;       // RFC 5321's path limit, minus <>

// What makes two e-mail addresses the same login: ASCII letters folded to lower case (the
// domain is case-insensitive, and no mail system in practice tells the local part's cases
// apart). Other characters are kept as they are.
std::string EmailKey(std::string_view email);

// An address with one `@`, something on both sides, a dot in the domain, no whitespace or
// control characters, valid UTF-8, at most kMaxEmailBytes. Errors: kInvalidArgument with a
// FieldError on `field`.
Status ValidateEmail(std::string_view email, std::string_view field = "email");

// A new password: valid UTF-8, at least kMinPasswordLength characters, at most
// kMaxPasswordBytes bytes, and not one of the built-in common passwords (compared ignoring
// ASCII case). Errors: kInvalidArgument with a FieldError on `field`.
Status ValidateNewPassword(std::string_view password, std::string_view field = "password");

// Whether `password` is on the built-in list of common passwords (ignoring ASCII case).
bool IsCommonPassword(std::string_view password);

// Port for the one-way, deliberately slow hash of passwords. Thread-safe.
class PasswordHasher {
 public:
  virtual ~PasswordHasher() = default;
  // A self-describing hash string (algorithm, parameters, salt). Errors: kInternal when the
  // hash cannot be computed (out of memory).
  virtual Result<std::string> Hash(std::string_view password) const = 0;
  // True when `password` is the one `hash` was made from; false for any other, and for a
  // `hash` this hasher cannot read. Takes as long whether or not the password matches.
  virtual bool Verify(std::string_view hash, std::string_view password) const = 0;
};

// The users' logins and their set-password invites. Thread-safe. Every method may fail with
// kUnavailable or kInternal; other errors per method.
class LoginRepository {
 public:
  virtual ~LoginRepository() = default;
  // Sets `user`'s e-mail (already validated) and its EmailKey `email_key`.
  // Errors: kNotFound (no such user), kAlreadyExists (another user has that key).
  virtual Status SetEmail(UserId user, std::string_view email, std::string_view email_key) = 0;
  // The login of `user` (empty e-mail and no password when none was set); nullopt when the
  // user does not exist.
  virtual Result<std::optional<Login>> Find(UserId user) = 0;
  // The login whose EmailKey is `email_key`, or nullopt.
  virtual Result<std::optional<Login>> FindByEmailKey(std::string_view email_key) = 0;
  // Stores `password_hash` for `user` at `now`. Errors: kNotFound.
  virtual Status SetPasswordHash(UserId user, std::string_view password_hash, Timestamp now) = 0;

  // Stores a new invite and deletes the user's earlier ones: only the newest link works.
  // Errors: kNotFound (no such user).
  virtual Status ReplaceInvites(const PasswordInvite& invite) = 0;
  // The invite whose secret has SHA-256 `secret_hash`, used or not, or nullopt.
  virtual Result<std::optional<PasswordInvite>> FindInvite(std::string_view secret_hash) = 0;
  // Marks the invite used at `now` if it is unused and unexpired then, atomically, so that of
  // two concurrent uses one wins; its user, or nullopt when it was not usable.
  virtual Result<std::optional<UserId>> ConsumeInvite(std::string_view secret_hash,
                                                      Timestamp now) = 0;
};

}  // namespace fr
