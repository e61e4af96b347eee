#include "adapters/storage/soci_agent_phone_repository.hpp"

namespace fr {
namespace {

constexpr const char* kSelectColumns = "SELECT id, user_id, name, phone, is_active FROM agent_phones";
constexpr const char* kCountByOwner = "SELECT COUNT(*) FROM agent_phones WHERE user_id = :user_id";
constexpr const char* kInsert =
    "INSERT INTO agent_phones (user_id, name, phone, is_active)"
    " VALUES (:user_id, :name, :phone, :is_active) RETURNING id";
constexpr const char* kUpdate =
    "UPDATE agent_phones SET name = :name, phone = :phone, is_active = :is_active WHERE id = :id";
constexpr const char* kDelete = "DELETE FROM agent_phones WHERE id = :id";

// Reads rows of kSelectColumns.
std::vector<AgentPhone> Collect(soci::session& session, const std::string& where, long long key) {
  long long id = 0;
  long long user_id = 0;
  std::string name;
  std::string phone;
  int is_active = 0;
  soci::statement statement = (session.prepare << std::string(kSelectColumns) + where,
                               soci::use(key), soci::into(id), soci::into(user_id),
                               soci::into(name), soci::into(phone), soci::into(is_active));
  std::vector<AgentPhone> phones;
  if (statement.execute(true)) {
    do {
      phones.push_back({AgentPhoneId(id), UserId(user_id), name, phone, is_active != 0});
    } while (statement.fetch());
  }
  return phones;
}

}  // namespace

Result<std::vector<AgentPhone>> SociAgentPhoneRepository::ListByOwner(UserId owner) {
  return database_.Run("list agent phones", [&](soci::session& session) {
    return Collect(session, " WHERE user_id = :user_id ORDER BY id", owner.value);
  });
}

Result<std::optional<AgentPhone>> SociAgentPhoneRepository::Find(AgentPhoneId id) {
  return database_.Run("find agent phone", [&](soci::session& session) -> std::optional<AgentPhone> {
    auto phones = Collect(session, " WHERE id = :id", id.value);
    if (phones.empty()) return std::nullopt;
    return phones.front();
  });
}

Result<AgentPhone> SociAgentPhoneRepository::Create(const AgentPhone& phone) {
  return database_.Run("create agent phone", [&](soci::session& session) -> Result<AgentPhone> {
    // Count and insert in one write transaction, so that concurrent creates cannot exceed it.
    WriteTransaction transaction(session, database_.dialect());
    long long owner = phone.user_id.value;
    long long count = 0;
    session << kCountByOwner, soci::use(owner), soci::into(count);
    if (count >= kMaxAgentPhonesPerUser) {
      return Error::ResourceExhausted("A user can have at most " +
                                      std::to_string(kMaxAgentPhonesPerUser) + " agent phones.");
    }
    std::string name = phone.name;
    std::string number = phone.phone;
    int is_active = phone.is_active ? 1 : 0;
    long long id = 0;
    session << kInsert, soci::use(owner), soci::use(name), soci::use(number),
        soci::use(is_active), soci::into(id);
    transaction.Commit();
    AgentPhone stored = phone;
    stored.id = AgentPhoneId(id);
    return stored;
  });
}

Status SociAgentPhoneRepository::Update(const AgentPhone& phone) {
  return database_.Run("update agent phone", [&](soci::session& session) -> Status {
    std::string name = phone.name;
    std::string number = phone.phone;
    int is_active = phone.is_active ? 1 : 0;
    long long id = phone.id.value;
    soci::statement statement = (session.prepare << kUpdate, soci::use(name), soci::use(number),
                                 soci::use(is_active), soci::use(id));
    statement.execute(true);
    if (statement.get_affected_rows() == 0) return Error::NotFound("No such agent phone.");
    return Ok();
  });
}

Status SociAgentPhoneRepository::Delete(AgentPhoneId id) {
  return database_.Run("delete agent phone", [&](soci::session& session) -> Status {
    long long key = id.value;
    soci::statement statement = (session.prepare << kDelete, soci::use(key));
    statement.execute(true);
    if (statement.get_affected_rows() == 0) return Error::NotFound("No such agent phone.");
    return Ok();
  });
}

}  // namespace fr
