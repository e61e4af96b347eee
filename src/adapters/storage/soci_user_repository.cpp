#include "adapters/storage/soci_identity_repositories.hpp"

namespace fr {
namespace {

constexpr const char* kInsertUser =
    "INSERT INTO users (name, created_at) VALUES (:name, :created_at) RETURNING id";
constexpr const char* kSelectUser = "SELECT name, created_at FROM users WHERE id = :id";

}  // namespace

Result<User> SociUserRepository::Create(std::string_view name, Timestamp now) {
  return database_.Run("create user", [&](soci::session& session) {
    User user{UserId{}, std::string(name), now};
    long long id = 0;
    long long created_at = ToEpochMillis(now);
    session << kInsertUser, soci::use(user.name), soci::use(created_at), soci::into(id);
    user.id = UserId(id);
    return user;
  });
}

Result<std::optional<User>> SociUserRepository::Find(UserId id) {
  return database_.Run("find user", [&](soci::session& session) -> std::optional<User> {
    long long key = id.value;
    std::string name;
    long long created_at = 0;
    session << kSelectUser, soci::use(key), soci::into(name), soci::into(created_at);
    if (!session.got_data()) return std::nullopt;
    return User{id, name, FromEpochMillis(created_at)};
  });
}

}  // namespace fr
