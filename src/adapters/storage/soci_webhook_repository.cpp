#include "adapters/storage/soci_webhook_repository.hpp"

#include <tuple>

#include "adapters/storage/row_reader.hpp"
#include "adapters/storage/soci_audit_log_repository.hpp"
#include "adapters/storage/webhook_outbox.hpp"

namespace fr {
namespace {

constexpr const char* kWebhookColumns =
    "SELECT id, organization_id, url, event_types, is_active, include_caller_number,"
    " disabled_reason, created_at, updated_at FROM webhooks";
constexpr const char* kCountByOrganization =
    "SELECT COUNT(*) FROM webhooks WHERE organization_id = :organization_id";
// As for hotlines: serialises one organisation's creations across nodes, so that the count
// checked against the maximum stays true until the commit.
constexpr const char* kLockOrganizationPostgresql =
    "SELECT id FROM organizations WHERE id = :id FOR NO KEY UPDATE";
constexpr const char* kInsertWebhook =
    "INSERT INTO webhooks (organization_id, url, event_types, is_active, include_caller_number,"
    " secret_sealed, created_at, updated_at) VALUES (:organization_id, :url, :event_types,"
    " :is_active, :include_caller_number, :secret_sealed, :created_at, :updated_at) RETURNING id";
// Switching a webhook on again starts afresh: no reason to show, no failure streak.
constexpr const char* kUpdateWebhook =
    "UPDATE webhooks SET url = :url, event_types = :event_types,"
    " disabled_reason = CASE WHEN is_active = 0 AND :on1 = 1 THEN '' ELSE disabled_reason END,"
    " failing_since = CASE WHEN is_active = 0 AND :on2 = 1 THEN NULL ELSE failing_since END,"
    " is_active = :is_active, include_caller_number = :include_caller_number,"
    " updated_at = :updated_at WHERE id = :id";
constexpr const char* kDeleteDeliveries = "DELETE FROM webhook_deliveries WHERE webhook_id = :id";
constexpr const char* kDeleteWebhook = "DELETE FROM webhooks WHERE id = :id";
constexpr const char* kReplaceSecret =
    "UPDATE webhooks SET secret_sealed = :secret_sealed, updated_at = :updated_at WHERE id = :id";

constexpr const char* kDeliveryColumns =
    "SELECT d.id, d.webhook_id, d.event_id, e.type, d.state, d.attempts, d.created_at,"
    " d.next_attempt_at, d.last_attempt_at, d.status_code, d.duration_ms, d.error"
    " FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id";
constexpr const char* kCountDeliveries =
    "SELECT COUNT(*) FROM webhook_deliveries WHERE webhook_id = :webhook_id";
constexpr const char* kRedeliver =
    "INSERT INTO webhook_deliveries (webhook_id, event_id, state, attempts, next_attempt_at,"
    " created_at) SELECT webhook_id, event_id, 'pending', 0, :due, :created_at"
    " FROM webhook_deliveries WHERE id = :id AND webhook_id = :webhook_id RETURNING id";

// The head of every active webhook's queue (its pending delivery of the oldest event) when it
// is due: a webhook hears of its events in the order they happened, and one that fails holds
// back its later events rather than letting them overtake (decision 0049).
constexpr const char* kSelectDue =
    "SELECT d.id, d.webhook_id, d.event_id, d.attempts, d.created_at, d.next_attempt_at,"
    " w.organization_id, w.url, w.include_caller_number, w.secret_sealed, w.failing_since,"
    " e.organization_id, e.type, e.occurred_at, e.hotline_id, e.call_log_id, e.caller, e.outcome,"
    " e.duration_seconds, e.answered_user_id, e.answered_agent_phone_id, e.status, e.detail,"
    " e.user_id, e.agent_phone_id, e.change_kind, e.is_active, e.voicemail_id"
    " FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id"
    " JOIN webhook_events e ON e.id = d.event_id"
    " WHERE d.state = 'pending' AND w.is_active = 1 AND d.next_attempt_at <= :now"
    " AND NOT EXISTS (SELECT 1 FROM webhook_deliveries p WHERE p.webhook_id = d.webhook_id"
    "  AND p.state = 'pending' AND (p.event_id < d.event_id OR (p.event_id = d.event_id"
    "  AND p.id < d.id)))"
    " ORDER BY d.next_attempt_at, d.id LIMIT :limit";
// A compare-and-set on the due time: of two nodes that read the same head, one claims it.
// Checks again what the look before it (kSelectDue) saw: the delivery is still pending with the
// attempt time seen, and its webhook still active.
constexpr const char* kClaim =
    "UPDATE webhook_deliveries SET next_attempt_at = :lease_until"
    " WHERE id = :id AND state = 'pending' AND next_attempt_at = :seen"
    " AND EXISTS (SELECT 1 FROM webhooks w WHERE w.id = webhook_deliveries.webhook_id"
    " AND w.is_active = 1)";
constexpr const char* kRecordAttempt =
    "UPDATE webhook_deliveries SET state = :state, attempts = attempts + 1,"
    " next_attempt_at = :next_attempt_at, last_attempt_at = :at, status_code = :status_code,"
    " duration_ms = :duration_ms, error = :error WHERE id = :id";
constexpr const char* kEndFailureStreak = "UPDATE webhooks SET failing_since = NULL WHERE id = :id";
constexpr const char* kContinueFailureStreak =
    "UPDATE webhooks SET failing_since = COALESCE(failing_since, :at) WHERE id = :id";
constexpr const char* kDisable =
    "UPDATE webhooks SET is_active = 0, disabled_reason = :reason, updated_at = :at WHERE id = :id";
constexpr const char* kFailPending =
    "UPDATE webhook_deliveries SET state = 'failed', next_attempt_at = NULL"
    " WHERE webhook_id = :webhook_id AND state = 'pending'";
constexpr const char* kPurgeDeliveries =
    "DELETE FROM webhook_deliveries WHERE state <> 'pending' AND created_at < :cutoff";
constexpr const char* kPurgeEvents =
    "DELETE FROM webhook_events WHERE occurred_at < :cutoff AND NOT EXISTS"
    " (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = webhook_events.id)";

// The outbox (webhook_outbox.hpp). Each event is inserted from the row that names its
// organisation(s), whatever the webhooks want (decision 0063); the deliveries follow, for the
// active webhooks that want its type.
constexpr const char* kInsertEvent =
    "INSERT INTO webhook_events (organization_id, type, occurred_at, hotline_id, call_log_id,"
    " caller, duration_seconds, outcome, answered_user_id, answered_agent_phone_id, status,"
    " detail, user_id, agent_phone_id, change_kind, is_active, voicemail_id) SELECT ";
constexpr const char* kBoundEventColumns =
    ":outcome, :answered_user_id, :answered_agent_phone_id, :status, :detail, :user_id,"
    " :agent_phone_id, :change_kind, :is_active, :voicemail_id";
constexpr const char* kFromCall =
    "h.organization_id, :type, :occurred_at, c.hotline_id, c.id, c.caller,"
    " CASE WHEN :ended = 1 THEN (:ended_at - c.start_time + 999) / 1000 END, %BOUND%"
    " FROM call_logs c JOIN hotlines h ON h.id = c.hotline_id WHERE c.id = :call_log_id";
constexpr const char* kFromHotline =
    "h.organization_id, :type, :occurred_at, h.id, NULL, NULL, NULL, %BOUND%"
    " FROM hotlines h WHERE h.id = :hotline_id";
constexpr const char* kFromMemberships =
    "m.organization_id, :type, :occurred_at, NULL, NULL, NULL, NULL, %BOUND%"
    " FROM memberships m WHERE m.user_id = :member";
// Every event is stored, subscribed or not: the event stream reads them too (decision 0063).
// Deliveries go only to the active webhooks that want the type (kInsertDeliveries).
constexpr const char* kStored = " RETURNING id, organization_id";
// The event stream's reads (decision 0063), through webhook_events_by_organization, in the
// order of (tx_id, id): on PostgreSQL tx_id is the inserting transaction's id, and only events
// of transactions older than every transaction still running are read (%SETTLED%), so an
// event committed late cannot land behind a stream's cursor; an event older than 10 s is read
// regardless, so that a long transaction elsewhere in the cluster delays streams by no more.
// On SQLite, where ids follow commit order, tx_id is 0. A cursor is an event id; one that
// names no event of the organisation (purged, or made up) counts from the start of its id.
constexpr const char* kEventsAfter =
    "SELECT id, organization_id, type, occurred_at, hotline_id, call_log_id, caller, outcome,"
    " duration_seconds, answered_user_id, answered_agent_phone_id, status, detail, user_id,"
    " agent_phone_id, change_kind, is_active, voicemail_id FROM webhook_events"
    " WHERE organization_id = :organization_id AND (tx_id, id) > (COALESCE((SELECT c.tx_id"
    " FROM webhook_events c WHERE c.id = :after AND c.organization_id = :cursor_organization),"
    " 0), :after_id)%SETTLED% ORDER BY tx_id, id LIMIT :limit";
constexpr const char* kLatestEvent =
    "SELECT id FROM webhook_events WHERE organization_id = :organization_id%SETTLED%"
    " ORDER BY tx_id DESC, id DESC LIMIT 1";
constexpr const char* kSettled =
    " AND (tx_id < CAST(CAST(pg_snapshot_xmin(pg_current_snapshot()) AS TEXT) AS BIGINT)"
    " OR occurred_at < CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT) - 10000)";

// Erasure of a caller (decision 0046) reaches the events that name the call too.
constexpr const char* kEraseInEvents =
    "UPDATE webhook_events SET caller = :erased WHERE caller = :number"
    " AND organization_id = :organization_id";
// The type is found with instr/strpos, not LIKE: SQLite compiles a statement again whenever the
// pattern bound to a LIKE changes (in case the LIKE optimisation applies), and the events of one
// call change type every time, so each insert was parsed anew (decision 0090).
constexpr const char* kInsertDeliveries[] = {
    "INSERT INTO webhook_deliveries (webhook_id, event_id, state, attempts, next_attempt_at,"
    " created_at) SELECT id, :event_id, 'pending', 0, :due, :created_at FROM webhooks"
    " WHERE organization_id = :organization_id AND is_active = 1"
    " AND instr(event_types, :type) > 0",
    "INSERT INTO webhook_deliveries (webhook_id, event_id, state, attempts, next_attempt_at,"
    " created_at) SELECT id, :event_id, 'pending', 0, :due, :created_at FROM webhooks"
    " WHERE organization_id = :organization_id AND is_active = 1"
    " AND strpos(event_types, :type) > 0",
};

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// `sql` with its %SETTLED% condition for `dialect`.
std::string EventRead(const char* sql, Dialect dialect) {
  return Replace(sql, "%SETTLED%", dialect == Dialect::kPostgresql ? kSettled : "");
}

// kInsertEvent with one of the kFrom… sources, its placeholders filled in.
std::string EventInsert(const char* source) {
  std::string sql = std::string(kInsertEvent) + source;
  sql = Replace(sql, "%BOUND%", kBoundEventColumns);
  return sql + kStored;
}

// ",call.started,call.ended,", as event_types stores them.
std::string EncodeTypes(const std::vector<WebhookEventType>& types) {
  std::string encoded = ",";
  for (const auto type : types) encoded.append(WebhookEventTypeName(type)).push_back(',');
  return encoded;
}

std::vector<WebhookEventType> DecodeTypes(const std::string& encoded) {
  std::vector<WebhookEventType> types;
  std::size_t start = 0;
  while (start < encoded.size()) {
    auto end = encoded.find(',', start);
    if (end == std::string::npos) end = encoded.size();
    if (const auto type = ParseWebhookEventType(encoded.substr(start, end - start))) {
      types.push_back(*type);
    }
    start = end + 1;
  }
  return types;
}

// ",call.started,": the type as it appears in event_types (EncodeTypes).
std::string EncodedType(WebhookEventType type) {
  return std::string(",") + WebhookEventTypeName(type) + ",";
}

struct WebhookRow {
  long long id = 0, organization_id = 0, created_at = 0, updated_at = 0;
  std::string url, event_types, disabled_reason;
  int is_active = 0, include_caller_number = 0;

  auto Columns() {
    return std::tie(id, organization_id, url, event_types, is_active, include_caller_number,
                    disabled_reason, created_at, updated_at);
  }
  Webhook ToWebhook() const {
    Webhook webhook;
    webhook.id = WebhookId(id);
    webhook.organization_id = OrganizationId(organization_id);
    webhook.url = url;
    webhook.event_types = DecodeTypes(event_types);
    webhook.is_active = is_active != 0;
    webhook.include_caller_number = include_caller_number != 0;
    webhook.disabled_reason = disabled_reason;
    webhook.created_at = FromEpochMillis(created_at);
    webhook.updated_at = FromEpochMillis(updated_at);
    return webhook;
  }
};

struct DeliveryRow {
  long long id = 0, webhook_id = 0, event_id = 0, created_at = 0;
  std::string type, state, error;
  int attempts = 0;
  Nullable<long long> next_attempt_at, last_attempt_at, duration_ms;
  Nullable<int> status_code;

  auto Columns() {
    return std::tie(id, webhook_id, event_id, type, state, attempts, created_at, next_attempt_at,
                    last_attempt_at, status_code, duration_ms, error);
  }
  WebhookDelivery ToDelivery() const {
    WebhookDelivery delivery;
    delivery.id = WebhookDeliveryId(id);
    delivery.webhook = WebhookId(webhook_id);
    delivery.event = WebhookEventId(event_id);
    delivery.event_type = ParseWebhookEventType(type).value_or(WebhookEventType::kCallStarted);
    delivery.state = ParseDeliveryState(state).value_or(DeliveryState::kFailed);
    delivery.attempts = attempts;
    delivery.created_at = FromEpochMillis(created_at);
    delivery.next_attempt_at = next_attempt_at.ToOptional(&FromEpochMillis);
    delivery.last_attempt_at = last_attempt_at.ToOptional(&FromEpochMillis);
    delivery.status_code = status_code.ToOptional();
    delivery.duration_ms = duration_ms.ToOptional();
    delivery.error = error;
    return delivery;
  }
};

struct EventRow {
  long long organization_id = 0, occurred_at = 0;
  std::string type;
  Nullable<long long> hotline_id, call_log_id, duration_seconds, answered_user_id,
      answered_agent_phone_id, user_id, agent_phone_id, voicemail_id;
  Nullable<std::string> caller, outcome, status, detail, change_kind;
  Nullable<int> is_active;

  auto Columns() {
    return std::tie(organization_id, type, occurred_at, hotline_id, call_log_id, caller, outcome,
                    duration_seconds, answered_user_id, answered_agent_phone_id, status, detail,
                    user_id, agent_phone_id, change_kind, is_active, voicemail_id);
  }
  WebhookEvent ToEvent(long long id) const {
    WebhookEvent event;
    event.id = WebhookEventId(id);
    event.organization_id = OrganizationId(organization_id);
    event.type = ParseWebhookEventType(type).value_or(WebhookEventType::kCallStarted);
    event.occurred_at = FromEpochMillis(occurred_at);
    event.hotline = hotline_id.ToOptional([](long long value) { return HotlineId(value); });
    event.call_log = call_log_id.ToOptional([](long long value) { return CallLogId(value); });
    event.caller = caller.ToOptional();
    if (const auto name = outcome.ToOptional()) event.outcome = ParseCallOutcome(*name);
    event.duration_seconds = duration_seconds.ToOptional();
    if (const auto user = answered_user_id.ToOptional()) {
      event.answered_by =
          AnsweredBy{UserId(*user), AgentPhoneId(answered_agent_phone_id.ToOptional().value_or(0))};
    }
    event.status = status.ToOptional();
    event.detail = detail.ToOptional();
    event.user = user_id.ToOptional([](long long value) { return UserId(value); });
    event.agent_phone =
        agent_phone_id.ToOptional([](long long value) { return AgentPhoneId(value); });
    event.change = change_kind.ToOptional();
    event.is_active = is_active.ToOptional([](int value) { return value != 0; });
    event.voicemail = voicemail_id.ToOptional([](long long value) { return VoicemailId(value); });
    return event;
  }
};

// The columns of kEventsAfter.
struct StoredEventRow {
  long long id = 0;
  EventRow event;

  auto Columns() { return std::tuple_cat(std::tie(id), event.Columns()); }
  WebhookEvent ToEvent() const { return event.ToEvent(id); }
};

// The columns of kSelectDue, in order.
struct DueRow {
  long long id = 0, webhook_id = 0, event_id = 0, created_at = 0, next_attempt_at = 0,
            organization_id = 0;
  int attempts = 0, include_caller_number = 0;
  std::string url, secret_sealed;
  Nullable<long long> failing_since;
  EventRow event;

  auto Columns() {
    return std::tuple_cat(
        std::tie(id, webhook_id, event_id, attempts, created_at, next_attempt_at, organization_id,
                 url, include_caller_number, secret_sealed, failing_since),
        event.Columns());
  }
  DueDelivery ToDue() const {
    DueDelivery due;
    due.delivery.id = WebhookDeliveryId(id);
    due.delivery.webhook = WebhookId(webhook_id);
    due.delivery.event = WebhookEventId(event_id);
    due.delivery.attempts = attempts;
    due.delivery.created_at = FromEpochMillis(created_at);
    due.delivery.next_attempt_at = FromEpochMillis(next_attempt_at);
    due.webhook.id = WebhookId(webhook_id);
    due.webhook.organization_id = OrganizationId(organization_id);
    due.webhook.url = url;
    due.webhook.include_caller_number = include_caller_number != 0;
    due.sealed_secret = secret_sealed;
    due.failing_since = failing_since.ToOptional(&FromEpochMillis);
    due.event = event.ToEvent(event_id);
    due.delivery.event_type = due.event.type;
    return due;
  }
};

std::optional<Webhook> SelectWebhook(soci::session& session, WebhookId id) {
  soci::statement statement =
      OneUseStatement(session, kWebhookColumns + std::string(" WHERE id = :id"));
  return ReadFirstRow<WebhookRow>(statement, &WebhookRow::ToWebhook, id.value);
}

// The statement's rows: the ids of the events inserted, with their organisations.
using InsertedEvents = std::vector<std::tuple<long long, long long>>;

// Inserts `event` through `sql` (an EventInsert of kFromHotline or kFromMemberships, whose
// source row is `key`; kFromCall when `ending` is set, which binds the call's end), then its
// deliveries, for each organisation the insert returned.
void AppendEvent(Database& database, soci::session& session, const std::string& sql,
                 const WebhookEvent& event, long long key, bool ending) {
  std::string type = WebhookEventTypeName(event.type);
  long long occurred_at = ToEpochMillis(event.occurred_at);
  int ended = event.type == WebhookEventType::kCallEnded ? 1 : 0;
  long long ended_at = occurred_at;
  auto outcome = Nullable<std::string>::From(event.outcome, &CallOutcomeName);
  const auto& answered = event.answered_by;
  auto answered_user = NullableId(answered ? std::optional(answered->user) : std::nullopt);
  auto answered_phone = NullableId(answered ? std::optional(answered->agent_phone) : std::nullopt);
  auto status = Nullable<std::string>::From(event.status);
  auto detail = Nullable<std::string>::From(event.detail);
  auto user = NullableId(event.user);
  auto phone = NullableId(event.agent_phone);
  auto change = Nullable<std::string>::From(event.change);
  auto is_active = Nullable<int>::From(event.is_active, [](bool on) { return on ? 1 : 0; });
  auto voicemail = NullableId(event.voicemail);
  std::string encoded_type = EncodedType(event.type);
  InsertedEvents inserted;
  {
    PreparedStatement statement(database, session, sql);
    const auto row = [](const std::tuple<long long, long long>& each) { return each; };
    if (ending) {
      inserted = ReadRows<std::tuple<long long, long long>>(
          *statement, row, type, occurred_at, ended, ended_at, outcome, answered_user,
          answered_phone, status, detail, user, phone, change, is_active, voicemail, key);
    } else {
      inserted = ReadRows<std::tuple<long long, long long>>(
          *statement, row, type, occurred_at, outcome, answered_user, answered_phone, status,
          detail, user, phone, change, is_active, voicemail, key);
    }
  }
  for (auto& [event_id, organization] : inserted) {
    PreparedStatement deliveries(
        database, session,
        kInsertDeliveries[database.dialect() == Dialect::kPostgresql ? 1 : 0]);
    long long due = occurred_at, created = occurred_at;
    BindParameters(*deliveries, event_id, due, created, organization, encoded_type);
    deliveries->define_and_bind();
    deliveries->execute(true);
  }
}

}  // namespace

void AppendCallWebhookEvent(Database& database, soci::session& session, const WebhookEvent& event) {
  static const std::string sql = EventInsert(kFromCall);
  AppendEvent(database, session, sql, event, event.call_log ? event.call_log->value : 0, true);
}

void AppendHotlineWebhookEvent(Database& database, soci::session& session,
                               const WebhookEvent& event) {
  static const std::string sql = EventInsert(kFromHotline);
  AppendEvent(database, session, sql, event, event.hotline ? event.hotline->value : 0, false);
}

void AppendMemberWebhookEvent(Database& database, soci::session& session,
                              const WebhookEvent& event) {
  static const std::string sql = EventInsert(kFromMemberships);
  AppendEvent(database, session, sql, event, event.user ? event.user->value : 0, false);
}

Result<Webhook> SociWebhookRepository::Create(const Webhook& webhook,
                                              const std::string& sealed_secret, Timestamp now) {
  return database_.Run("create webhook", [&](soci::session& session) -> Result<Webhook> {
    WriteTransaction transaction(database_, session);
    long long organization = webhook.organization_id.value;
    if (database_.dialect() == Dialect::kPostgresql) {
      ReadValue<long long>(session, kLockOrganizationPostgresql, organization);
    }
    if (ReadValue<long long>(session, kCountByOrganization, organization).value_or(0) >=
        kMaxWebhooksPerOrganization) {
      return Error::ResourceExhausted("An organization can have at most " +
                                      std::to_string(kMaxWebhooksPerOrganization) + " webhooks.");
    }
    std::string url = webhook.url;
    std::string types = EncodeTypes(webhook.event_types);
    int is_active = webhook.is_active ? 1 : 0;
    int include_caller_number = webhook.include_caller_number ? 1 : 0;
    std::string sealed = sealed_secret;
    long long created_at = ToEpochMillis(now), updated_at = created_at;
    const auto id =
        ReadValue<long long>(session, kInsertWebhook, organization, url, types, is_active,
                             include_caller_number, sealed, created_at, updated_at);
    AppendAuditedChanges(session, {.webhook = id.value_or(0)});
    transaction.Commit();
    Webhook stored = webhook;
    stored.id = WebhookId(id.value_or(0));
    stored.disabled_reason.clear();
    stored.created_at = stored.updated_at = now;
    return stored;
  });
}

Result<std::optional<Webhook>> SociWebhookRepository::Find(WebhookId id) {
  return database_.Run("find webhook",
                       [&](soci::session& session) { return SelectWebhook(session, id); });
}

Result<WebhookPage> SociWebhookRepository::ListByOrganization(OrganizationId organization,
                                                              std::int64_t limit,
                                                              std::int64_t offset) {
  return database_.Run("list webhooks", [&](soci::session& session) {
    WebhookPage page;
    page.total =
        ReadValue<long long>(session, kCountByOrganization, organization.value).value_or(0);
    soci::statement statement = OneUseStatement(
        session, kWebhookColumns + std::string(" WHERE organization_id = :organization_id"
                                               " ORDER BY id LIMIT :limit OFFSET :offset"));
    page.webhooks =
        ReadRows<WebhookRow>(statement, &WebhookRow::ToWebhook, organization.value, limit, offset);
    return page;
  });
}

Result<Webhook> SociWebhookRepository::Update(const Webhook& webhook, Timestamp now) {
  return database_.Run("update webhook", [&](soci::session& session) -> Result<Webhook> {
    WriteTransaction transaction(database_, session);
    std::string url = webhook.url;
    std::string types = EncodeTypes(webhook.event_types);
    int on1 = webhook.is_active ? 1 : 0, on2 = on1, is_active = on1;
    int include_caller_number = webhook.include_caller_number ? 1 : 0;
    long long updated_at = ToEpochMillis(now);
    long long id = webhook.id.value;
    soci::statement statement =
        (session.prepare << kUpdateWebhook, soci::use(url), soci::use(types), soci::use(on1),
         soci::use(on2), soci::use(is_active), soci::use(include_caller_number),
         soci::use(updated_at), soci::use(id));
    statement.execute(true);
    if (statement.get_affected_rows() == 0) return Error::NotFound("No such webhook.");
    auto stored = SelectWebhook(session, webhook.id);
    AppendAuditedChanges(session);
    transaction.Commit();
    return *stored;
  });
}

Status SociWebhookRepository::Delete(WebhookId id) {
  return database_.Run("delete webhook", [&](soci::session& session) -> Status {
    WriteTransaction transaction(database_, session);
    long long key = id.value;
    session << kDeleteDeliveries, soci::use(key);
    soci::statement statement = (session.prepare << kDeleteWebhook, soci::use(key));
    statement.execute(true);
    if (statement.get_affected_rows() == 0) return Error::NotFound("No such webhook.");
    AppendAuditedChanges(session);
    transaction.Commit();
    return Ok();
  });
}

Status SociWebhookRepository::ReplaceSecret(WebhookId id, const std::string& sealed_secret,
                                            Timestamp now) {
  return database_.Run("replace webhook secret", [&](soci::session& session) -> Status {
    std::string sealed = sealed_secret;
    long long updated_at = ToEpochMillis(now);
    long long key = id.value;
    WriteTransaction transaction(database_, session);
    soci::statement statement = (session.prepare << kReplaceSecret, soci::use(sealed),
                                 soci::use(updated_at), soci::use(key));
    statement.execute(true);
    if (statement.get_affected_rows() == 0) return Error::NotFound("No such webhook.");
    AppendAuditedChanges(session);
    transaction.Commit();
    return Ok();
  });
}

Result<WebhookDeliveryPage> SociWebhookRepository::ListDeliveries(WebhookId webhook,
                                                                  std::int64_t limit,
                                                                  std::int64_t offset) {
  return database_.Run("list webhook deliveries", [&](soci::session& session) {
    WebhookDeliveryPage page;
    page.total = ReadValue<long long>(session, kCountDeliveries, webhook.value).value_or(0);
    soci::statement statement = OneUseStatement(
        session, kDeliveryColumns + std::string(" WHERE d.webhook_id = :webhook_id"
                                                " ORDER BY d.id DESC LIMIT :limit OFFSET :offset"));
    page.deliveries =
        ReadRows<DeliveryRow>(statement, &DeliveryRow::ToDelivery, webhook.value, limit, offset);
    return page;
  });
}

Result<WebhookDelivery> SociWebhookRepository::Redeliver(WebhookId webhook,
                                                         WebhookDeliveryId delivery,
                                                         Timestamp now) {
  return database_.Run("redeliver", [&](soci::session& session) -> Result<WebhookDelivery> {
    WriteTransaction transaction(database_, session);
    long long due = ToEpochMillis(now), created_at = due;
    const auto id =
        ReadValue<long long>(session, kRedeliver, due, created_at, delivery.value, webhook.value);
    if (!id) return Error::NotFound("No such delivery of this webhook.");
    soci::statement statement =
        OneUseStatement(session, kDeliveryColumns + std::string(" WHERE d.id = :id"));
    auto created = ReadFirstRow<DeliveryRow>(statement, &DeliveryRow::ToDelivery, *id);
    transaction.Commit();
    return *created;
  });
}

Result<std::vector<DueDelivery>> SociWebhookRepository::ClaimDue(Timestamp now,
                                                                 Timestamp lease_until,
                                                                 std::int64_t limit) {
  // Looks before it writes: the dispatcher asks every second, and a write would take the write
  // gate each time, nothing due or not; on SQLite it would then wait there, holding up every
  // writer of the process, while another process (the `admin` command) writes. The claim below
  // checks the delivery and its webhook again (kClaim), so one claimed meanwhile (by another
  // node) is not claimed twice, nor one whose webhook was deactivated meanwhile.
  FR_ASSIGN_OR_RETURN(std::vector<DueDelivery> due,
                      database_.Run("find due webhook deliveries", [&](soci::session& session) {
                        PreparedStatement statement(database_, session, kSelectDue);
                        return ReadRows<DueRow>(*statement, &DueRow::ToDue, ToEpochMillis(now),
                                                limit);
                      }));
  if (due.empty()) return due;
  return database_.RunWrite("claim webhook deliveries", [&](soci::session& session) {
    std::vector<DueDelivery> claimed;
    for (DueDelivery& each : due) {
      long long lease = ToEpochMillis(lease_until);
      long long id = each.delivery.id.value;
      long long seen = ToEpochMillis(*each.delivery.next_attempt_at);
      soci::statement statement =
          (session.prepare << kClaim, soci::use(lease), soci::use(id), soci::use(seen));
      statement.execute(true);
      if (statement.get_affected_rows() == 1) claimed.push_back(std::move(each));
    }
    return claimed;
  });
}

namespace {

void RecordAttempt(soci::session& session, const DueDelivery& due, const DeliveryAttempt& attempt,
                   DeliveryState state, std::optional<Timestamp> next) {
  std::string state_name = DeliveryStateName(state);
  auto next_at = Nullable<long long>::From(next, &ToEpochMillis);
  long long at = ToEpochMillis(attempt.at);
  auto status_code = Nullable<int>::From(attempt.status_code);
  long long duration_ms = attempt.duration_ms;
  std::string error = attempt.error;
  long long id = due.delivery.id.value;
  session << kRecordAttempt, soci::use(state_name), soci::use(next_at.value, next_at.indicator),
      soci::use(at), soci::use(status_code.value, status_code.indicator), soci::use(duration_ms),
      soci::use(error), soci::use(id);
}

}  // namespace

Status SociWebhookRepository::RecordSuccess(const DueDelivery& due,
                                            const DeliveryAttempt& attempt) {
  return database_.Run("record webhook delivery", [&](soci::session& session) {
    WriteTransaction transaction(database_, session);
    RecordAttempt(session, due, attempt, DeliveryState::kSucceeded, std::nullopt);
    long long webhook = due.webhook.id.value;
    session << kEndFailureStreak, soci::use(webhook);
    transaction.Commit();
  });
}

Status SociWebhookRepository::RecordFailure(const DueDelivery& due, const DeliveryAttempt& attempt,
                                            const AfterFailure& next) {
  return database_.Run("record webhook delivery", [&](soci::session& session) {
    WriteTransaction transaction(database_, session);
    RecordAttempt(session, due, attempt,
                  next.retry_at ? DeliveryState::kPending : DeliveryState::kFailed, next.retry_at);
    long long webhook = due.webhook.id.value;
    long long at = ToEpochMillis(attempt.at);
    session << kContinueFailureStreak, soci::use(at), soci::use(webhook);
    if (next.disable_reason) {
      std::string reason = *next.disable_reason;
      long long at2 = at;
      session << kDisable, soci::use(reason), soci::use(at2), soci::use(webhook);
      session << kFailPending, soci::use(webhook);
    }
    transaction.Commit();
  });
}

Result<std::int64_t> SociWebhookRepository::PurgeBefore(Timestamp cutoff) {
  return database_.Run("purge webhook events", [&](soci::session& session) {
    WriteTransaction transaction(database_, session);
    long long before = ToEpochMillis(cutoff), before2 = before;
    session << kPurgeDeliveries, soci::use(before);
    soci::statement statement = (session.prepare << kPurgeEvents, soci::use(before2));
    statement.execute(true);
    const long long purged = statement.get_affected_rows();
    transaction.Commit();
    return static_cast<std::int64_t>(purged);
  });
}

Result<std::vector<WebhookEvent>> SociWebhookRepository::EventsAfter(
    OrganizationId organization, WebhookEventId after, int limit) {
  return database_.Run("read events", [&](soci::session& session) {
    static const std::string sql[] = {EventRead(kEventsAfter, Dialect::kSqlite),
                                      EventRead(kEventsAfter, Dialect::kPostgresql)};
    PreparedStatement statement(database_, session,
                                sql[database_.dialect() == Dialect::kPostgresql ? 1 : 0]);
    long long org = organization.value, from = after.value, most = limit;
    long long cursor_org = org, from_id = from;
    return ReadRows<StoredEventRow>(*statement, &StoredEventRow::ToEvent, org, from, cursor_org,
                                    from_id, most);
  });
}

Result<WebhookEventId> SociWebhookRepository::LatestEventId(OrganizationId organization) {
  return database_.Run("find the latest event", [&](soci::session& session) {
    static const std::string sql[] = {EventRead(kLatestEvent, Dialect::kSqlite),
                                      EventRead(kLatestEvent, Dialect::kPostgresql)};
    PreparedStatement statement(database_, session,
                                sql[database_.dialect() == Dialect::kPostgresql ? 1 : 0]);
    long long org = organization.value;
    return WebhookEventId(ReadValue<long long>(*statement, org).value_or(0));
  });
}

void EraseCallerInEvents(soci::session& session, OrganizationId organization,
                         const std::string& number, const std::string& erased) {
  std::string from = number, to = erased;
  long long org = organization.value;
  session << kEraseInEvents, soci::use(to), soci::use(from), soci::use(org);
}

}  // namespace fr
