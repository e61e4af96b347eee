#include "adapters/storage/soci_agent_phone_repository.hpp"

#include <algorithm>
#include <chrono>

#include "adapters/storage/row_reader.hpp"
#include "adapters/storage/soci_audit_log_repository.hpp"
#include "adapters/storage/webhook_outbox.hpp"

namespace fr {
namespace {

constexpr const char* kSelectColumns =
    "SELECT id, user_id, name, phone, is_active, verification FROM agent_phones";
// A join rather than a query per agent: routing reads it for every call.
constexpr const char* kSelectActiveForHotline =
    "SELECT p.id, p.user_id, p.name, p.phone, p.is_active, p.verification,"
    " CASE WHEN n.number IS NULL THEN 0 ELSE 1 END"
    " FROM hotline_agents a"
    " JOIN agent_phones p ON p.user_id = a.user_id"
    " LEFT JOIN phone_numbers n ON n.number = p.phone"
    " WHERE a.hotline_id = :hotline_id AND p.is_active = 1"
    " ORDER BY a.position, p.id";
constexpr const char* kCountByOwner = "SELECT COUNT(*) FROM agent_phones WHERE user_id = :user_id";
constexpr const char* kInsert =
    "INSERT INTO agent_phones (user_id, name, phone, is_active, verification)"
    " VALUES (:user_id, :name, :phone, :is_active, 'pending') RETURNING id";
// The right-hand sides read the row as it was: a new number makes the phone pending.
constexpr const char* kUpdate =
    "UPDATE agent_phones SET name = :name,"
    " verification = CASE WHEN phone = :new_phone THEN verification ELSE 'pending' END,"
    " phone = :phone, is_active = :is_active WHERE id = :id"
    " RETURNING user_id, verification";
constexpr const char* kSetVerification =
    "UPDATE agent_phones SET verification = :verification WHERE id = :id AND phone = :phone"
    " RETURNING id";
constexpr const char* kExists = "SELECT id FROM agent_phones WHERE id = :id";
constexpr const char* kDelete = "DELETE FROM agent_phones WHERE id = :id RETURNING user_id";
// Verification calls (decision 0069). The limits count calls placed, whatever came of them.
constexpr const char* kLockPhoneForVerification = "SELECT id FROM agent_phones WHERE id = :id";
constexpr const char* kRunningVerification =
    "SELECT COALESCE(MAX(expires_at), 0) FROM agent_phone_verifications"
    " WHERE agent_phone_id = :id AND outcome = 'calling' AND expires_at > :now";
constexpr const char* kVerificationsOfNumber =
    "SELECT COUNT(*), COALESCE(MIN(started_at), 0) FROM agent_phone_verifications"
    " WHERE number = :number AND started_at > :since";
// Calls for one owner's phones, so that renumbering a phone does not renew its allowance.
constexpr const char* kVerificationsOfUser =
    "SELECT COUNT(*), COALESCE(MIN(started_at), 0) FROM agent_phone_verifications"
    " WHERE user_id = :owner AND started_at > :since";
// For each organisation of the owner, the calls placed for its members' phones.
constexpr const char* kVerificationsByOrganization =
    "SELECT COUNT(*), COALESCE(MIN(v.started_at), 0) FROM memberships m"
    " JOIN memberships other ON other.organization_id = m.organization_id"
    " JOIN agent_phone_verifications v ON v.user_id = other.user_id"
    " WHERE m.user_id = :owner AND v.started_at > :since"
    " GROUP BY m.organization_id ORDER BY COUNT(*) DESC LIMIT 1";
constexpr const char* kInsertVerification =
    "INSERT INTO agent_phone_verifications (agent_phone_id, user_id, number, started_at,"
    " expires_at) VALUES (:phone, :user_id, :number, :started_at, :expires_at) RETURNING id";
constexpr const char* kFinishVerification =
    "UPDATE agent_phone_verifications SET outcome = :outcome WHERE id = :id"
    " AND outcome = 'calling' RETURNING id";

// Serialises one user's phone creations across nodes, so that the count checked against the
// maximum stays true until the commit (SQLite's write transaction is exclusive already).
constexpr const char* kLockOwnerPostgresql =
    "SELECT id FROM users WHERE id = :id FOR NO KEY UPDATE";

// The columns of kSelectColumns, in order.
struct AgentPhoneRow {
  long long id = 0, user_id = 0;
  std::string name, phone;
  int is_active = 0;
  std::string verification;

  auto Columns() { return std::tie(id, user_id, name, phone, is_active, verification); }
  AgentPhone ToAgentPhone() const {
    // An unknown name (a newer version's) is not trusted to ring.
    return {AgentPhoneId(id),
            UserId(user_id),
            name,
            phone,
            is_active != 0,
            ParsePhoneVerification(verification).value_or(PhoneVerification::kPending)};
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
    WriteTransaction transaction(database_, session);
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
    stored.verification = PhoneVerification::kPending;
    AppendPhoneChanged(database_, session, stored.id, stored.user_id, "created", phone.is_active);
    AppendAuditedChanges(session, {.agent_phone = stored.id});
    transaction.Commit();
    return stored;
  });
}

Result<AgentPhone> SociAgentPhoneRepository::Update(const AgentPhone& phone) {
  return database_.Run("update agent phone", [&](soci::session& session) -> Result<AgentPhone> {
    std::string name = phone.name;
    std::string new_number = phone.phone;
    std::string number = phone.phone;
    int is_active = phone.is_active ? 1 : 0;
    long long id = phone.id.value;
    long long owner = 0;
    std::string verification;
    WriteTransaction transaction(database_, session);
    session << kUpdate, soci::use(name), soci::use(new_number), soci::use(number),
        soci::use(is_active), soci::use(id), soci::into(owner), soci::into(verification);
    if (!session.got_data()) return Error::NotFound("No such agent phone.");
    AppendPhoneChanged(database_, session, phone.id, UserId(owner), "updated", phone.is_active);
    AppendAuditedChanges(session);
    transaction.Commit();
    AgentPhone stored = phone;
    stored.user_id = UserId(owner);
    stored.verification =
        ParsePhoneVerification(verification).value_or(PhoneVerification::kPending);
    return stored;
  });
}

Result<bool> SociAgentPhoneRepository::SetVerification(AgentPhoneId id, const std::string& number,
                                                       PhoneVerification verification) {
  return database_.Run("set agent phone verification", [&](soci::session& session) -> Result<bool> {
    long long key = id.value;
    std::string name = PhoneVerificationName(verification);
    std::string expected = number;
    WriteTransaction transaction(database_, session);
    const auto set = ReadValue<long long>(session, kSetVerification, name, key, expected);
    if (!set) {
      if (!ReadValue<long long>(session, kExists, key))
        return Error::NotFound("No such agent phone.");
      return false;
    }
    transaction.Commit();
    return true;
  });
}

Status SociAgentPhoneRepository::Delete(AgentPhoneId id) {
  return database_.Run("delete agent phone", [&](soci::session& session) -> Status {
    long long key = id.value;
    WriteTransaction transaction(database_, session);
    const auto owner = ReadValue<long long>(session, kDelete, key);
    if (!owner) return Error::NotFound("No such agent phone.");
    AppendPhoneChanged(database_, session, id, UserId(*owner), "deleted", std::nullopt);
    AppendAuditedChanges(session);
    transaction.Commit();
    return Ok();
  });
}

}  // namespace fr

namespace fr {
namespace {

// A limit of `limit` calls within `window` before `now`, given how many were placed in it and
// when the oldest of them was: the error to answer when it is reached, else nullopt.
std::optional<Error> LimitReached(long long count, long long oldest, int limit,
                                  std::chrono::milliseconds window, Timestamp now,
                                  const std::string& what) {
  if (count < limit) return std::nullopt;
  const auto free_at = FromEpochMillis(oldest) + window;
  const auto wait = std::chrono::ceil<std::chrono::seconds>(free_at - now);
  return Error::TooManyRequests(what + ": at most " + std::to_string(limit) + ". Try again in " +
                                    std::to_string(wait.count()) + " s.",
                                std::max(wait, std::chrono::seconds(1)));
}

}  // namespace

Result<std::int64_t> SociAgentPhoneRepository::BeginVerification(const VerificationAttempt& attempt,
                                                                 const VerificationLimits& limits) {
  return database_.Run(
      "begin agent phone verification", [&](soci::session& session) -> Result<std::int64_t> {
        WriteTransaction transaction(database_, session);
        long long phone = attempt.phone.value;
        long long owner = attempt.owner.value;
        std::string number = attempt.number;
        long long now = ToEpochMillis(attempt.started_at);
        long long expires = ToEpochMillis(attempt.expires_at);
        // Serialises the checks of one phone across nodes (SQLite's write transaction is
        // exclusive already).
        if (!ReadValue<long long>(
                session, kLockPhoneForVerification + std::string(ForUpdate(database_.dialect())),
                phone)) {
          return Error::NotFound("No such agent phone.");
        }
        if (const auto running = ReadValue<long long>(session, kRunningVerification, phone, now);
            running && *running > 0) {
          return Error::FailedPrecondition(
              "A verification call to this phone is under way; it ends at the latest at " +
              FormatTimestamp(FromEpochMillis(*running)) + ".");
        }
        const auto day = std::chrono::hours(24);
        const auto hour = std::chrono::hours(1);
        long long count = 0, oldest = 0;
        long long since_day = now - std::chrono::milliseconds(day).count();
        session << kVerificationsOfNumber, soci::use(number), soci::use(since_day),
            soci::into(count), soci::into(oldest);
        if (auto reached =
                LimitReached(count, oldest, limits.per_number_per_day, day, attempt.started_at,
                             "Verification calls to this number per day")) {
          return *reached;
        }
        count = oldest = 0;
        long long since_user_day = since_day;
        session << kVerificationsOfUser, soci::use(owner), soci::use(since_user_day),
            soci::into(count), soci::into(oldest);
        if (auto reached =
                LimitReached(count, oldest, limits.per_user_per_day, day, attempt.started_at,
                             "Verification calls for one user's phones per day")) {
          return *reached;
        }
        count = oldest = 0;
        long long since_hour = now - std::chrono::milliseconds(hour).count();
        session << kVerificationsByOrganization, soci::use(owner), soci::use(since_hour),
            soci::into(count), soci::into(oldest);
        if (auto reached =
                LimitReached(count, oldest, limits.per_organization_per_hour, hour,
                             attempt.started_at, "Verification calls per organization per hour")) {
          return *reached;
        }
        const auto id =
            ReadValue<long long>(session, kInsertVerification, phone, owner, number, now, expires);
        AppendAuditedChanges(session);
        transaction.Commit();
        return static_cast<std::int64_t>(id.value_or(0));
      });
}

Result<bool> SociAgentPhoneRepository::FinishVerification(std::int64_t attempt, AgentPhoneId phone,
                                                          const std::string& number,
                                                          PhoneVerification outcome) {
  return database_.Run(
      "finish agent phone verification", [&](soci::session& session) -> Result<bool> {
        WriteTransaction transaction(database_, session);
        long long key = attempt;
        std::string attempt_outcome =
            outcome == PhoneVerification::kVerified ? "verified" : "failed";
        if (!ReadValue<long long>(session, kFinishVerification, attempt_outcome, key)) return false;
        long long phone_key = phone.value;
        std::string name = PhoneVerificationName(outcome);
        std::string expected = number;
        const bool set =
            ReadValue<long long>(session, kSetVerification, name, phone_key, expected).has_value();
        transaction.Commit();
        return set;
      });
}

}  // namespace fr
