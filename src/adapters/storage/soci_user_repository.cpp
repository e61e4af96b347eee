#include "adapters/storage/row_reader.hpp"
#include "adapters/storage/soci_audit_log_repository.hpp"
#include "adapters/storage/soci_identity_repositories.hpp"

namespace fr {
namespace {

constexpr const char* kInsertUser =
    "INSERT INTO users (name, created_at) VALUES (:name, :created_at) RETURNING id";
constexpr const char* kSelectUser = "SELECT id, name, created_at FROM users WHERE id = :id";
// Memberships, hotline places, agent phones and tokens go with the user (ON DELETE CASCADE);
// call logs and records keep the id of the agent they name, whose user is then gone.
constexpr const char* kDeleteUser = "DELETE FROM users WHERE id = :id";

// The columns of kSelectUser, in order.
struct UserRow {
  long long id = 0, created_at = 0;
  std::string name;

  auto Columns() { return std::tie(id, name, created_at); }
  User ToUser() const { return User{UserId(id), name, FromEpochMillis(created_at)}; }
};

}  // namespace

Result<User> SociUserRepository::Create(std::string_view name, Timestamp now) {
  return database_.RunWrite("create user", [&](soci::session& session) {
    User user{UserId{}, std::string(name), now};
    const auto id = ReadValue<long long>(session, kInsertUser, user.name, ToEpochMillis(now));
    user.id = UserId(id.value_or(0));
    return user;
  });
}

Result<std::optional<User>> SociUserRepository::Find(UserId id) {
  return database_.Run("find user", [&](soci::session& session) {
    soci::statement statement = OneUseStatement(session, kSelectUser);
    return ReadFirstRow<UserRow>(statement, &UserRow::ToUser, id.value);
  });
}

Result<bool> SociUserRepository::Delete(UserId id) {
  return database_.Run("delete user", [&](soci::session& session) {
    WriteTransaction transaction(database_, session);
    long long key = id.value;
    soci::statement statement = (session.prepare << kDeleteUser, soci::use(key));
    statement.execute(true);
    const bool deleted = statement.get_affected_rows() > 0;
    if (deleted) AppendAuditedChanges(session);
    transaction.Commit();
    return deleted;
  });
}

}  // namespace fr
