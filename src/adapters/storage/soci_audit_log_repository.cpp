#include "adapters/storage/soci_audit_log_repository.hpp"

#include <limits>

#include "adapters/storage/row_reader.hpp"

namespace fr {
namespace {

constexpr const char* kInsert =
    "INSERT INTO audit_log (organization_id, type, occurred_at, actor_user_id, actor_token_id,"
    " source_address, request_id, member_user_id, agent_phone_id, hotline_id, token_id,"
    " webhook_id, row_count, role) VALUES (:organization_id, :type, :occurred_at,"
    " :actor_user_id, :actor_token_id, :source_address, :request_id, :member_user_id,"
    " :agent_phone_id, :hotline_id, :token_id, :webhook_id, :row_count, :role)";
constexpr const char* kColumns =
    "SELECT id, organization_id, type, occurred_at, actor_user_id, actor_token_id,"
    " source_address, request_id, member_user_id, agent_phone_id, hotline_id, token_id,"
    " webhook_id, row_count, role FROM audit_log";
// `types` is ",type,type,": a fixed statement whatever the filter names.
constexpr const char* kByOrganization =
    " WHERE organization_id = :scope AND occurred_at >= :from_time AND occurred_at < :to_time"
    " AND :types LIKE '%,' || type || ',%'";
constexpr const char* kByMember =
    " WHERE member_user_id = :scope AND occurred_at >= :from_time AND occurred_at < :to_time"
    " AND :types LIKE '%,' || type || ',%'";
constexpr const char* kPage = " ORDER BY id DESC LIMIT :limit OFFSET :offset";
// Keyset pages (exports): below the last id read, along the (scope, id) indexes.
constexpr const char* kPageBefore = " AND id < :before ORDER BY id DESC LIMIT :limit";
constexpr const char* kPurge = "DELETE FROM audit_log WHERE occurred_at < :cutoff";

// The columns of kColumns, in order.
struct AuditRow {
  long long id = 0, organization_id = 0;
  std::string type;
  long long occurred_at = 0;
  Nullable<long long> actor_user, actor_token;
  std::string source_address, request_id;
  Nullable<long long> member, agent_phone, hotline, token, webhook, count;
  Nullable<std::string> role;

  auto Columns() {
    return std::tie(id, organization_id, type, occurred_at, actor_user, actor_token, source_address,
                    request_id, member, agent_phone, hotline, token, webhook, count, role);
  }
  AuditEntry ToEntry() const {
    AuditEntry entry;
    entry.id = AuditEntryId(id);
    entry.organization = OrganizationId(organization_id);
    // Types are only ever written from AuditTypeName; an unknown one would be a newer
    // binary's, shown as the nearest neutral kind rather than failing the whole page.
    entry.type = AuditTypeFromName(type).value_or(AuditType::kHotlineChanged);
    entry.occurred_at = FromEpochMillis(occurred_at);
    entry.actor.user = actor_user.ToOptional([](long long v) { return UserId(v); });
    entry.actor.token = actor_token.ToOptional([](long long v) { return TokenId(v); });
    entry.actor.source_address = source_address;
    entry.actor.request_id = request_id;
    entry.subject.member = member.ToOptional([](long long v) { return UserId(v); });
    entry.subject.agent_phone = agent_phone.ToOptional([](long long v) { return AgentPhoneId(v); });
    entry.subject.hotline = hotline.ToOptional([](long long v) { return HotlineId(v); });
    entry.subject.token = token.ToOptional([](long long v) { return TokenId(v); });
    entry.subject.webhook = webhook.ToOptional();
    entry.subject.count = count.ToOptional();
    entry.subject.role = role.ToOptional();
    return entry;
  }
};

// Stores `entry` with `statement`, kInsert prepared.
void Insert(soci::statement& statement, const AuditEntry& entry) {
  long long organization = entry.organization.value;
  std::string type(AuditTypeName(entry.type));
  long long occurred_at = ToEpochMillis(entry.occurred_at);
  auto actor_user = NullableId(entry.actor.user);
  auto actor_token = NullableId(entry.actor.token);
  std::string source_address = entry.actor.source_address;
  std::string request_id = entry.actor.request_id;
  auto member = NullableId(entry.subject.member);
  auto agent_phone = NullableId(entry.subject.agent_phone);
  auto hotline = NullableId(entry.subject.hotline);
  auto token = NullableId(entry.subject.token);
  auto webhook = Nullable<long long>::From(
      entry.subject.webhook, [](std::int64_t v) { return static_cast<long long>(v); });
  auto count = Nullable<long long>::From(entry.subject.count,
                                         [](std::int64_t v) { return static_cast<long long>(v); });
  auto role = Nullable<std::string>::From(entry.subject.role);
  BindParameters(statement, organization, type, occurred_at, actor_user, actor_token,
                 source_address, request_id, member, agent_phone, hotline, token, webhook, count,
                 role);
  statement.define_and_bind();
  statement.execute(true);
}

void Insert(soci::session& session, const AuditEntry& entry) {
  soci::statement statement = OneUseStatement(session, kInsert);
  Insert(statement, entry);
}

// Fills each field of `subject` that is unset from `assigned`.
void Assign(AuditSubject& subject, const AuditSubject& assigned) {
  if (!subject.member) subject.member = assigned.member;
  if (!subject.agent_phone) subject.agent_phone = assigned.agent_phone;
  if (!subject.hotline) subject.hotline = assigned.hotline;
  if (!subject.token) subject.token = assigned.token;
  if (!subject.webhook) subject.webhook = assigned.webhook;
  if (!subject.count) subject.count = assigned.count;
  if (!subject.role) subject.role = assigned.role;
}

std::string TypeList(const std::vector<AuditType>& types) {
  std::string list = ",";
  for (const AuditType type : types.empty() ? AllAuditTypes() : types) {
    list += AuditTypeName(type);
    list += ',';
  }
  return list;
}

// A filter's WHERE clause and the values it binds, in order.
struct Scope {
  std::string where;
  long long key = 0;
  long long from = 0;
  long long to = std::numeric_limits<long long>::max();
  std::string types;
};

Scope ScopeOf(const AuditFilter& filter) {
  Scope scope;
  scope.where = filter.organization ? kByOrganization : kByMember;
  scope.key =
      filter.organization ? filter.organization->value : filter.member.value_or(UserId()).value;
  if (filter.from) scope.from = ToEpochMillis(*filter.from);
  if (filter.to) scope.to = ToEpochMillis(*filter.to);
  scope.types = TypeList(filter.types);
  return scope;
}

}  // namespace

void AppendAuditedChanges(soci::session& session, const AuditSubject& assigned) {
  for (AuditEntry& entry : TakeAuditedChanges()) {
    Assign(entry.subject, assigned);
    Insert(session, entry);
  }
}

void AppendAuditedChanges(Database& database, soci::session& session,
                          const AuditSubject& assigned) {
  for (AuditEntry& entry : TakeAuditedChanges()) {
    Assign(entry.subject, assigned);
    PreparedStatement statement(database, session, kInsert);
    Insert(*statement, entry);
  }
}

Status SociAuditLogRepository::Append(const std::vector<AuditEntry>& entries) {
  if (entries.empty()) return Ok();
  return database_.Run("append audit entries", [&](soci::session& session) -> Status {
    WriteTransaction transaction(database_, session);
    for (const AuditEntry& entry : entries) Insert(session, entry);
    transaction.Commit();
    return Ok();
  });
}

Result<AuditPage> SociAuditLogRepository::List(const AuditFilter& filter, std::int64_t limit,
                                               std::int64_t offset) {
  return database_.Run("list audit entries", [&](soci::session& session) {
    const Scope scope = ScopeOf(filter);
    std::string types = scope.types;
    AuditPage page;
    page.total = ReadValue<long long>(session, "SELECT COUNT(*) FROM audit_log" + scope.where,
                                      scope.key, scope.from, scope.to, types)
                     .value_or(0);
    long long page_limit = limit, page_offset = offset;
    soci::statement statement = OneUseStatement(session, kColumns + scope.where + kPage);
    page.entries = ReadRows<AuditRow>(statement, &AuditRow::ToEntry, scope.key, scope.from,
                                      scope.to, types, page_limit, page_offset);
    return page;
  });
}

Result<AuditPage> SociAuditLogRepository::ListBefore(const AuditFilter& filter,
                                                     std::optional<AuditEntryId> before,
                                                     std::int64_t limit) {
  return database_.Run("list audit entries", [&](soci::session& session) {
    const Scope scope = ScopeOf(filter);
    long long below = before ? before->value : std::numeric_limits<long long>::max();
    long long page_limit = limit;
    std::string types = scope.types;
    AuditPage page;
    soci::statement statement = OneUseStatement(session, kColumns + scope.where + kPageBefore);
    page.entries = ReadRows<AuditRow>(statement, &AuditRow::ToEntry, scope.key, scope.from,
                                      scope.to, types, below, page_limit);
    return page;
  });
}

Result<std::int64_t> SociAuditLogRepository::PurgeBefore(Timestamp cutoff) {
  return database_.RunWrite("purge audit entries", [&](soci::session& session) -> std::int64_t {
    long long before = ToEpochMillis(cutoff);
    soci::statement statement = (session.prepare << kPurge, soci::use(before));
    statement.execute(true);
    return statement.get_affected_rows();
  });
}

}  // namespace fr
