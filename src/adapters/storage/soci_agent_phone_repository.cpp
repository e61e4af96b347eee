#include "adapters/storage/soci_agent_phone_repository.hpp"

#include "adapters/storage/row_reader.hpp"
#include "adapters/storage/soci_audit_log_repository.hpp"
#include "adapters/storage/webhook_outbox.hpp"

namespace fr {
namespace {

constexpr const char* kSelectColumns = "SELECT id, user_id, name, phone, is_active FROM agent_phones";
// A join rather than a query per agent: routing reads it for every call.
constexpr const char* kSelectActiveForHotline =
    "SELECT p.id, p.user_id, p.name, p.phone, p.is_active,"
    " CASE WHEN n.number IS NULL THEN 0 ELSE 1 END"
    " FROM hotline_agents a"
    " JOIN agent_phones p ON p.user_id = a.user_id"
    " LEFT JOIN phone_numbers n ON n.number = p.phone"
    " WHERE a.hotline_id = :hotline_id AND p.is_active = 1"
    " ORDER BY a.position, p.id";
constexpr const char* kCountByOwner = "SELECT COUNT(*) FROM agent_phones WHERE user_id = :user_id";
constexpr const char* kInsert =
    "INSERT INTO agent_phones (user_id, name, phone, is_active)"
    " VALUES (:user_id, :name, :phone, :is_active) RETURNING id";
constexpr const char* kUpdate =
    "UPDATE agent_phones SET name = :name, phone = :phone, is_active = :is_active WHERE id = :id"
    " RETURNING user_id";
constexpr const char* kDelete = "DELETE FROM agent_phones WHERE id = :id RETURNING user_id";
// Serialises one user's phone creations across nodes, so that the count checked against the
// maximum stays true until the commit (SQLite's write transaction is exclusive already).
constexpr const char* kLockOwnerPostgresql =
    "SELECT id FROM users WHERE id = :id FOR NO KEY UPDATE";

// The columns of kSelectColumns, in order.
struct AgentPhoneRow {
  long long id = 0, user_id = 0;
  std::string name, phone;
  int is_active = 0;

  auto Columns() { return std::tie(id, user_id, name, phone, is_active); }
  AgentPhone ToAgentPhone() const {
    return {AgentPhoneId(id), UserId(user_id), name, phone, is_active != 0};
  }
};

// The columns of kSelectActiveForHotline, in order.
struct AgentPhoneToRingRow {
  AgentPhoneRow phone;
  int is_service_number = 0;

  auto Columns() { return std::tuple_cat(phone.Columns(), std::tie(is_service_number)); }
  AgentPhoneToRing ToAgentPhoneToRing() const {
    return {phone.ToAgentPhone(), is_service_number != 0};
  }
};

// agent_phone.changed for the organisations of the phone's owner. It names the phone, never its
// number: an agent's number goes only to whom the agent consents, when they read it (0050).
void AppendPhoneChanged(Database& database, soci::session& session, AgentPhoneId phone,
                        UserId owner, const char* change, std::optional<bool> is_active) {
  WebhookEvent event;
  event.type = WebhookEventType::kAgentPhoneChanged;
  event.occurred_at = SystemClock().Now();
  event.user = owner;
  event.agent_phone = phone;
  event.change = change;
  event.is_active = is_active;
  AppendMemberWebhookEvent(database, session, event);
}

}  // namespace

Result<std::vector<AgentPhone>> SociAgentPhoneRepository::ListByOwner(UserId owner) {
  return database_.Run("list agent phones", [&](soci::session& session) {
    soci::statement statement = OneUseStatement(
        session, kSelectColumns + std::string(" WHERE user_id = :user_id ORDER BY id"));
    return ReadRows<AgentPhoneRow>(statement, &AgentPhoneRow::ToAgentPhone, owner.value);
  });
}

Result<std::optional<AgentPhone>> SociAgentPhoneRepository::Find(AgentPhoneId id) {
  return database_.Run("find agent phone", [&](soci::session& session) {
    soci::statement statement =
        OneUseStatement(session, kSelectColumns + std::string(" WHERE id = :id"));
    return ReadFirstRow<AgentPhoneRow>(statement, &AgentPhoneRow::ToAgentPhone, id.value);
  });
}

Result<std::vector<AgentPhoneToRing>> SociAgentPhoneRepository::ListActiveForHotline(
    HotlineId hotline) {
  return database_.Run("list the phones to ring", [&](soci::session& session) {
    PreparedStatement statement(database_, session, kSelectActiveForHotline);
    return ReadRows<AgentPhoneToRingRow>(*statement, &AgentPhoneToRingRow::ToAgentPhoneToRing,
                                         hotline.value);
  });
}

Result<AgentPhone> SociAgentPhoneRepository::Create(const AgentPhone& phone) {
  return database_.Run("create agent phone", [&](soci::session& session) -> Result<AgentPhone> {
    // Count and insert in one write transaction, so that concurrent creates cannot exceed it.
    WriteTransaction transaction(session, database_.dialect());
    long long owner = phone.user_id.value;
    if (database_.dialect() == Dialect::kPostgresql) {
      ReadValue<long long>(session, kLockOwnerPostgresql, owner);
    }
    if (ReadValue<long long>(session, kCountByOwner, owner).value_or(0) >= kMaxAgentPhonesPerUser) {
      return Error::ResourceExhausted("A user can have at most " +
                                      std::to_string(kMaxAgentPhonesPerUser) + " agent phones.");
    }
    std::string name = phone.name;
    std::string number = phone.phone;
    int is_active = phone.is_active ? 1 : 0;
    const auto id = ReadValue<long long>(session, kInsert, owner, name, number, is_active);
    AgentPhone stored = phone;
    stored.id = AgentPhoneId(id.value_or(0));
    AppendPhoneChanged(database_, session, stored.id, stored.user_id, "created", phone.is_active);
    AppendAuditedChanges(session, {.agent_phone = stored.id});
    transaction.Commit();
    return stored;
  });
}

Status SociAgentPhoneRepository::Update(const AgentPhone& phone) {
  return database_.Run("update agent phone", [&](soci::session& session) -> Status {
    std::string name = phone.name;
    std::string number = phone.phone;
    int is_active = phone.is_active ? 1 : 0;
    long long id = phone.id.value;
    WriteTransaction transaction(session, database_.dialect());
    const auto owner = ReadValue<long long>(session, kUpdate, name, number, is_active, id);
    if (!owner) return Error::NotFound("No such agent phone.");
    AppendPhoneChanged(database_, session, phone.id, UserId(*owner), "updated", phone.is_active);
    AppendAuditedChanges(session);
    transaction.Commit();
    return Ok();
  });
}

Status SociAgentPhoneRepository::Delete(AgentPhoneId id) {
  return database_.Run("delete agent phone", [&](soci::session& session) -> Status {
    long long key = id.value;
    WriteTransaction transaction(session, database_.dialect());
    const auto owner = ReadValue<long long>(session, kDelete, key);
    if (!owner) return Error::NotFound("No such agent phone.");
    AppendPhoneChanged(database_, session, id, UserId(*owner), "deleted", std::nullopt);
    AppendAuditedChanges(session);
    transaction.Commit();
    return Ok();
  });
}

}  // namespace fr
