#include "adapters/storage/row_reader.hpp"
#include "adapters/storage/soci_identity_repositories.hpp"

namespace fr {
namespace {

constexpr const char* kSetEmail =
    "UPDATE users SET email = :email, email_key = :email_key WHERE id = :id";
constexpr const char* kSetPasswordHash =
    "UPDATE users SET password_hash = :hash, password_set_at = :now WHERE id = :id";
constexpr const char* kLoginColumns =
    "SELECT id, email, password_hash, password_set_at FROM users";
constexpr const char* kUserExists = "SELECT COUNT(*) FROM users WHERE id = :id";
constexpr const char* kDeleteInvitesOfUser = "DELETE FROM password_invites WHERE user_id = :id";
constexpr const char* kInsertInvite =
    "INSERT INTO password_invites (user_id, secret_hash, created_at, expires_at)"
    " VALUES (:user_id, :secret_hash, :created_at, :expires_at)";
constexpr const char* kSelectInvite =
    "SELECT user_id, secret_hash, created_at, expires_at, used_at FROM password_invites"
    " WHERE secret_hash = :secret_hash";
// One statement, so that of two concurrent uses exactly one finds the invite unused.
constexpr const char* kConsumeInvite =
    "UPDATE password_invites SET used_at = :now"
    " WHERE secret_hash = :secret_hash AND used_at IS NULL AND expires_at > :now_again"
    " RETURNING user_id";

// The columns of kLoginColumns, in order.
struct LoginRow {
  long long id = 0;
  Nullable<std::string> email, password_hash;
  Nullable<long long> password_set_at;

  auto Columns() { return std::tie(id, email, password_hash, password_set_at); }
  Login ToLogin() const {
    return Login{UserId(id), email.ToOptional().value_or(""), password_hash.ToOptional(),
                 password_set_at.ToOptional(FromEpochMillis)};
  }
};

// The columns of kSelectInvite, in order.
struct InviteRow {
  long long user_id = 0, created_at = 0, expires_at = 0;
  std::string secret_hash;
  Nullable<long long> used_at;

  auto Columns() { return std::tie(user_id, secret_hash, created_at, expires_at, used_at); }
  PasswordInvite ToInvite() const {
    return PasswordInvite{UserId(user_id), secret_hash, FromEpochMillis(created_at),
                          FromEpochMillis(expires_at), used_at.ToOptional(FromEpochMillis)};
  }
};

Error NoSuchUser(UserId user) {
  return Error::NotFound("User " + std::to_string(user.value) + " does not exist.");
}

}  // namespace

Status SociLoginRepository::SetEmail(UserId user, std::string_view email,
                                     std::string_view email_key) {
  return database_.RunWrite("set login e-mail", [&](soci::session& session) -> Status {
    std::string email_value(email), key_value(email_key);
    long long id = user.value;
    soci::statement statement = (session.prepare << kSetEmail, soci::use(email_value),
                                 soci::use(key_value), soci::use(id));
    statement.execute(true);
    if (statement.get_affected_rows() == 0) return NoSuchUser(user);
    return Ok();
  });
}

Result<std::optional<Login>> SociLoginRepository::Find(UserId user) {
  return database_.Run("find login", [&](soci::session& session) {
    soci::statement statement =
        OneUseStatement(session, kLoginColumns + std::string(" WHERE id = :id"));
    return ReadFirstRow<LoginRow>(statement, &LoginRow::ToLogin, user.value);
  });
}

Result<std::optional<Login>> SociLoginRepository::FindByEmailKey(std::string_view email_key) {
  return database_.Run("find login by e-mail", [&](soci::session& session) {
    const std::string key(email_key);
    soci::statement statement =
        OneUseStatement(session, kLoginColumns + std::string(" WHERE email_key = :email_key"));
    return ReadFirstRow<LoginRow>(statement, &LoginRow::ToLogin, key);
  });
}

Status SociLoginRepository::SetPasswordHash(UserId user, std::string_view password_hash,
                                            Timestamp now) {
  return database_.RunWrite("set password", [&](soci::session& session) -> Status {
    std::string hash(password_hash);
    long long at = ToEpochMillis(now);
    long long id = user.value;
    soci::statement statement = (session.prepare << kSetPasswordHash, soci::use(hash),
                                 soci::use(at), soci::use(id));
    statement.execute(true);
    if (statement.get_affected_rows() == 0) return NoSuchUser(user);
    return Ok();
  });
}

Status SociLoginRepository::ReplaceInvites(const PasswordInvite& invite) {
  return database_.Run("create invite", [&](soci::session& session) -> Status {
    WriteTransaction transaction(database_, session);
    long long user = invite.user.value;
    const auto users = ReadValue<long long>(session, kUserExists, user);
    if (users.value_or(0) == 0) return NoSuchUser(invite.user);
    session << kDeleteInvitesOfUser, soci::use(user);
    std::string hash = invite.secret_hash;
    long long created_at = ToEpochMillis(invite.created_at);
    long long expires_at = ToEpochMillis(invite.expires_at);
    session << kInsertInvite, soci::use(user), soci::use(hash), soci::use(created_at),
        soci::use(expires_at);
    transaction.Commit();
    return Ok();
  });
}

Result<std::optional<PasswordInvite>> SociLoginRepository::FindInvite(
    std::string_view secret_hash) {
  return database_.Run("find invite", [&](soci::session& session) {
    const std::string hash(secret_hash);
    soci::statement statement = OneUseStatement(session, kSelectInvite);
    return ReadFirstRow<InviteRow>(statement, &InviteRow::ToInvite, hash);
  });
}

Result<std::optional<UserId>> SociLoginRepository::ConsumeInvite(std::string_view secret_hash,
                                                                 Timestamp now) {
  return database_.RunWrite("use invite", [&](soci::session& session) {
    const std::string hash(secret_hash);
    long long at = ToEpochMillis(now);
    const auto user = ReadValue<long long>(session, kConsumeInvite, at, hash, at);
    return user ? std::optional<UserId>(UserId(*user)) : std::nullopt;
  });
}

}  // namespace fr
