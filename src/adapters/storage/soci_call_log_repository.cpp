#include "adapters/storage/soci_call_log_repository.hpp"

#include <variant>

namespace fr {
namespace {

// Inserts go through INSERT … SELECT so that an event about a hotline or call deleted meanwhile
// is skipped instead of failing the whole batch on a foreign key. A hotline's totals row exists
// as long as the hotline and numbers its calls and legs (decision 0032; triggers count them).
// On PostgreSQL the totals row is read FOR UPDATE, so that two nodes logging calls of one
// hotline at once take the next number one after the other, never the same one.
constexpr const char* kInsertCall =
    "INSERT INTO call_logs (hotline_id, hotline_seq, caller, start_time)"
    " SELECT hotline_id, last_call_seq + 1, :caller, :start_time FROM hotline_call_totals"
    " WHERE hotline_id = :hotline_id";
constexpr const char* kInsertRecord =
    "INSERT INTO telephone_records (hotline_id, hotline_seq, call_log_id, direction, from_number,"
    " to_number, user_id, agent_phone_id, start_time) SELECT c.hotline_id, t.last_record_seq + 1,"
    " c.id, :direction, :from_number, :to_number, :user_id, :agent_phone_id, :start_time"
    " FROM call_logs c JOIN hotline_call_totals t ON t.hotline_id = c.hotline_id"
    " WHERE c.id = :call_log_id";
constexpr const char* kLockTotalsPostgresql = " FOR UPDATE";
constexpr const char* kLockJoinedTotalsPostgresql = " FOR UPDATE OF t";
constexpr const char* kReturningId = " RETURNING id";
constexpr const char* kInsertEntry =
    "INSERT INTO call_log_entries (call_log_id, at, type, user_id, agent_phone_id, detail)"
    " SELECT :call_log_id, :at, :type, :user_id, :agent_phone_id, :detail WHERE EXISTS"
    " (SELECT 1 FROM call_logs WHERE id = :call_log_id2)";
constexpr const char* kCloseCall =
    "UPDATE call_logs SET end_time = :end_time, outcome = :outcome,"
    " answered_user_id = :user_id, answered_agent_phone_id = :agent_phone_id"
    " WHERE id = :id AND end_time IS NULL";
constexpr const char* kAnswerRecord =
    "UPDATE telephone_records SET answer_time = :at WHERE id = :id AND answer_time IS NULL";
constexpr const char* kCloseRecord =
    "UPDATE telephone_records SET end_time = :end_time, disposition = :disposition,"
    " sip_status = :sip_status, packet_loss = :packet_loss, jitter_ms = :jitter_ms"
    " WHERE id = :id AND end_time IS NULL";

constexpr const char* kCallColumns =
    "SELECT id, hotline_id, caller, start_time, end_time, outcome, answered_user_id,"
    " answered_agent_phone_id FROM call_logs";
constexpr const char* kSelectEntries =
    "SELECT at, type, user_id, agent_phone_id, detail FROM call_log_entries"
    " WHERE call_log_id = :call_log_id ORDER BY id";
constexpr const char* kRecordColumns =
    "SELECT id, hotline_id, call_log_id, direction, from_number, to_number, user_id,"
    " agent_phone_id, start_time, answer_time, end_time, disposition, sip_status, packet_loss,"
    " jitter_ms FROM telephone_records";

// A hotline's total and the range of numbers its rows carry, read through the index: when the
// range holds exactly `total` numbers, offset N is the row numbered newest − N, and a page is a
// range scan however deep it is; after deletions that left a gap, the page walks the offset.
constexpr const char* kLocateCalls =
    "SELECT t.call_logs, (SELECT MIN(hotline_seq) FROM call_logs WHERE hotline_id = :h1),"
    " (SELECT MAX(hotline_seq) FROM call_logs WHERE hotline_id = :h2)"
    " FROM hotline_call_totals t WHERE t.hotline_id = :h3";
constexpr const char* kLocateRecords =
    "SELECT t.telephone_records,"
    " (SELECT MIN(hotline_seq) FROM telephone_records WHERE hotline_id = :h1),"
    " (SELECT MAX(hotline_seq) FROM telephone_records WHERE hotline_id = :h2)"
    " FROM hotline_call_totals t WHERE t.hotline_id = :h3";
constexpr const char* kFromNumber =
    " WHERE hotline_id = :hotline_id AND hotline_seq <= :newest"
    " ORDER BY hotline_seq DESC LIMIT :limit";
constexpr const char* kFromOffset =
    " WHERE hotline_id = :hotline_id ORDER BY hotline_seq DESC LIMIT :limit OFFSET :offset";

constexpr const char* kSelectOpenCalls =
    "SELECT id, COALESCE((SELECT MAX(at) FROM call_log_entries WHERE call_log_id = call_logs.id),"
    " start_time) FROM call_logs WHERE end_time IS NULL";
constexpr const char* kCloseInterruptedCall =
    "UPDATE call_logs SET end_time = :end_time, outcome = 'failed' WHERE id = :id";
constexpr const char* kInsertEndedEntry =
    "INSERT INTO call_log_entries (call_log_id, at, type, detail)"
    " VALUES (:call_log_id, :at, 'ended', :detail)";
// A leg left open ends with its call; one that was answered is billed up to then.
constexpr const char* kCloseInterruptedRecords =
    "UPDATE telephone_records SET"
    " end_time = (SELECT CASE WHEN telephone_records.answer_time > c.end_time"
    "   THEN telephone_records.answer_time ELSE c.end_time END"
    "   FROM call_logs c WHERE c.id = telephone_records.call_log_id),"
    " disposition = CASE WHEN answer_time IS NULL THEN 'failed' ELSE 'answered' END"
    " WHERE end_time IS NULL";
constexpr const char* kPurge =
    "DELETE FROM call_logs WHERE id IN (SELECT id FROM call_logs WHERE end_time IS NOT NULL"
    " AND start_time < :cutoff ORDER BY start_time LIMIT :limit)";

// A nullable column bound for writing or read back.
template <typename T>
struct Nullable {
  T value{};
  soci::indicator indicator = soci::i_null;

  static Nullable From(const std::optional<T>& optional) {
    return optional ? Nullable{*optional, soci::i_ok} : Nullable{};
  }
  std::optional<T> ToOptional() const {
    return indicator == soci::i_ok ? std::optional<T>(value) : std::nullopt;
  }
};

template <typename IdType>
Nullable<long long> NullableId(const std::optional<IdType>& id) {
  return id ? Nullable<long long>{id->value, soci::i_ok} : Nullable<long long>{};
}

// Applies one batch of events inside the caller's transaction, tracking the ids of calls and
// legs opened and closed in `open`.
class EventApplier {
 public:
  EventApplier(soci::session& session, Dialect dialect, SociCallLogRepository::OpenIds& open)
      : session_(session), open_(open) {
    const bool postgresql = dialect == Dialect::kPostgresql;
    static const std::string kCall[] = {
        std::string(kInsertCall) + kReturningId,
        std::string(kInsertCall) + kLockTotalsPostgresql + kReturningId};
    static const std::string kRecord[] = {
        std::string(kInsertRecord) + kReturningId,
        std::string(kInsertRecord) + kLockJoinedTotalsPostgresql + kReturningId};
    insert_call_ = &kCall[postgresql ? 1 : 0];
    insert_record_ = &kRecord[postgresql ? 1 : 0];
  }

  void operator()(const CallOpened& event) {
    long long hotline = event.hotline.value;
    auto caller = Nullable<std::string>::From(event.caller);
    long long start = ToEpochMillis(event.at);
    long long id = 0;
    soci::indicator id_indicator = soci::i_null;
    session_ << *insert_call_, soci::use(caller.value, caller.indicator), soci::use(start),
        soci::use(hotline), soci::into(id, id_indicator);
    if (session_.got_data() && id_indicator == soci::i_ok) open_.calls[event.call.value] = id;
  }

  void operator()(const CallEntryAdded& event) {
    const auto call = open_.calls.find(event.call.value);
    if (call == open_.calls.end()) return;
    long long call_id = call->second;
    long long at = ToEpochMillis(event.entry.time);
    std::string type = CallEntryTypeName(event.entry.type);
    auto user = NullableId(event.entry.user);
    auto agent_phone = NullableId(event.entry.agent_phone);
    auto detail = Nullable<std::string>::From(event.entry.detail);
    session_ << kInsertEntry, soci::use(call_id), soci::use(at), soci::use(type),
        soci::use(user.value, user.indicator), soci::use(agent_phone.value, agent_phone.indicator),
        soci::use(detail.value, detail.indicator), soci::use(call_id);
  }

  void operator()(const CallClosed& event) {
    const auto call = open_.calls.find(event.call.value);
    if (call == open_.calls.end()) return;
    long long call_id = call->second;
    long long end = ToEpochMillis(event.at);
    std::string outcome = CallOutcomeName(event.outcome);
    Nullable<long long> user, agent_phone;
    if (event.answered_by) {
      user = {event.answered_by->user.value, soci::i_ok};
      agent_phone = {event.answered_by->agent_phone.value, soci::i_ok};
    }
    session_ << kCloseCall, soci::use(end), soci::use(outcome),
        soci::use(user.value, user.indicator), soci::use(agent_phone.value, agent_phone.indicator),
        soci::use(call_id);
    open_.calls.erase(call);
  }

  void operator()(const LegOpened& event) {
    const auto call = open_.calls.find(event.call.value);
    if (call == open_.calls.end()) return;
    long long call_id = call->second;
    std::string direction = LegDirectionName(event.direction);
    auto from = Nullable<std::string>::From(event.from);
    std::string to = event.to;
    Nullable<long long> user, agent_phone;
    if (event.agent) {
      user = {event.agent->user.value, soci::i_ok};
      agent_phone = {event.agent->agent_phone.value, soci::i_ok};
    }
    long long start = ToEpochMillis(event.at);
    long long id = 0;
    soci::indicator id_indicator = soci::i_null;
    session_ << *insert_record_, soci::use(direction), soci::use(from.value, from.indicator),
        soci::use(to), soci::use(user.value, user.indicator),
        soci::use(agent_phone.value, agent_phone.indicator), soci::use(start), soci::use(call_id),
        soci::into(id, id_indicator);
    if (session_.got_data() && id_indicator == soci::i_ok) open_.legs[event.leg.value] = id;
  }

  void operator()(const LegAnswered& event) {
    const auto leg = open_.legs.find(event.leg.value);
    if (leg == open_.legs.end()) return;
    long long id = leg->second;
    long long at = ToEpochMillis(event.at);
    session_ << kAnswerRecord, soci::use(at), soci::use(id);
  }

  void operator()(const LegClosed& event) {
    const auto leg = open_.legs.find(event.leg.value);
    if (leg == open_.legs.end()) return;
    long long id = leg->second;
    long long end = ToEpochMillis(event.at);
    std::string disposition = LegDispositionName(event.disposition);
    auto sip_status = Nullable<int>::From(event.sip_status);
    Nullable<double> packet_loss, jitter_ms;
    if (event.quality) {
      packet_loss = {event.quality->packet_loss, soci::i_ok};
      jitter_ms = {event.quality->jitter_ms, soci::i_ok};
    }
    session_ << kCloseRecord, soci::use(end), soci::use(disposition),
        soci::use(sip_status.value, sip_status.indicator),
        soci::use(packet_loss.value, packet_loss.indicator),
        soci::use(jitter_ms.value, jitter_ms.indicator), soci::use(id);
    open_.legs.erase(leg);
  }

 private:
  soci::session& session_;
  SociCallLogRepository::OpenIds& open_;
  const std::string* insert_call_;
  const std::string* insert_record_;
};

struct CallRow {
  long long id = 0, hotline_id = 0, start_time = 0;
  Nullable<std::string> caller, outcome;
  Nullable<long long> end_time, answered_user, answered_agent_phone;

  void Bind(soci::statement& statement) {
    statement.exchange(soci::into(id));
    statement.exchange(soci::into(hotline_id));
    statement.exchange(soci::into(caller.value, caller.indicator));
    statement.exchange(soci::into(start_time));
    statement.exchange(soci::into(end_time.value, end_time.indicator));
    statement.exchange(soci::into(outcome.value, outcome.indicator));
    statement.exchange(soci::into(answered_user.value, answered_user.indicator));
    statement.exchange(soci::into(answered_agent_phone.value, answered_agent_phone.indicator));
  }

  CallLog ToCallLog() const {
    CallLog log;
    log.id = CallLogId(id);
    log.hotline = HotlineId(hotline_id);
    log.start_time = FromEpochMillis(start_time);
    if (const auto end = end_time.ToOptional()) log.end_time = FromEpochMillis(*end);
    log.caller = caller.ToOptional();
    if (const auto name = outcome.ToOptional()) log.outcome = ParseCallOutcome(*name);
    if (const auto user = answered_user.ToOptional()) {
      log.answered_by = AnsweredBy{UserId(*user),
                                   AgentPhoneId(answered_agent_phone.ToOptional().value_or(0))};
    }
    return log;
  }
};

struct RecordRow {
  long long id = 0, hotline_id = 0, call_log_id = 0, start_time = 0;
  std::string direction, to_number;
  Nullable<std::string> from_number, disposition;
  Nullable<long long> user_id, agent_phone_id, answer_time, end_time;
  Nullable<int> sip_status;
  Nullable<double> packet_loss, jitter_ms;

  void Bind(soci::statement& statement) {
    statement.exchange(soci::into(id));
    statement.exchange(soci::into(hotline_id));
    statement.exchange(soci::into(call_log_id));
    statement.exchange(soci::into(direction));
    statement.exchange(soci::into(from_number.value, from_number.indicator));
    statement.exchange(soci::into(to_number));
    statement.exchange(soci::into(user_id.value, user_id.indicator));
    statement.exchange(soci::into(agent_phone_id.value, agent_phone_id.indicator));
    statement.exchange(soci::into(start_time));
    statement.exchange(soci::into(answer_time.value, answer_time.indicator));
    statement.exchange(soci::into(end_time.value, end_time.indicator));
    statement.exchange(soci::into(disposition.value, disposition.indicator));
    statement.exchange(soci::into(sip_status.value, sip_status.indicator));
    statement.exchange(soci::into(packet_loss.value, packet_loss.indicator));
    statement.exchange(soci::into(jitter_ms.value, jitter_ms.indicator));
  }

  TelephoneRecord ToRecord() const {
    TelephoneRecord record;
    record.id = TelephoneRecordId(id);
    record.hotline = HotlineId(hotline_id);
    record.call_log = CallLogId(call_log_id);
    record.direction = ParseLegDirection(direction).value_or(LegDirection::kInbound);
    record.from = from_number.ToOptional();
    record.to = to_number;
    if (const auto user = user_id.ToOptional()) {
      record.agent = AgentPhoneRef{UserId(*user),
                                   AgentPhoneId(agent_phone_id.ToOptional().value_or(0))};
    }
    record.start_time = FromEpochMillis(start_time);
    if (const auto at = answer_time.ToOptional()) record.answer_time = FromEpochMillis(*at);
    if (const auto at = end_time.ToOptional()) record.end_time = FromEpochMillis(*at);
    if (const auto name = disposition.ToOptional()) record.disposition = ParseLegDisposition(*name);
    record.sip_status = sip_status.ToOptional();
    const auto loss = packet_loss.ToOptional();
    const auto jitter = jitter_ms.ToOptional();
    if (loss && jitter) record.quality = LegQuality{*loss, *jitter};
    return record;
  }
};

// Runs `sql` (one of this file's constant texts, kept prepared) with `keys` bound and collects
// every row through `Row`.
template <typename Row, typename Convert>
auto SelectRows(Database& database, soci::session& session, const std::string& sql,
                std::vector<long long> keys, Convert convert) {
  PreparedStatement statement(database, session, sql);
  for (auto& key : keys) statement->exchange(soci::use(key));
  Row row;
  row.Bind(*statement);
  statement->define_and_bind();
  std::vector<decltype(convert(row))> rows;
  if (statement->execute(true)) {
    do {
      rows.push_back(convert(row));
    } while (statement->fetch());
  }
  return rows;
}

// Where a page of a hotline's call logs or records starts (see kLocateCalls).
struct PageStart {
  long long total = 0;
  std::optional<long long> newest;  // the number of the page's first row, when numbers have no gap
};

PageStart LocatePage(Database& database, soci::session& session, const char* locate_sql,
                     long long hotline, long long offset) {
  PageStart start;
  Nullable<long long> lowest, highest;
  PreparedStatement statement(database, session, locate_sql);
  for (int i = 0; i < 3; ++i) statement->exchange(soci::use(hotline));
  statement->exchange(soci::into(start.total));
  statement->exchange(soci::into(lowest.value, lowest.indicator));
  statement->exchange(soci::into(highest.value, highest.indicator));
  statement->define_and_bind();
  if (!statement->execute(true)) return start;
  const auto low = lowest.ToOptional(), high = highest.ToOptional();
  if (!low || !high) return start;
  if (*high - *low + 1 == start.total) start.newest = *high - offset;
  return start;
}

// A page, newest first: a range scan from the located number, or the offset walked after gaps.
template <typename Row, typename Convert>
auto SelectPage(Database& database, soci::session& session, const std::string& from_number,
                const std::string& from_offset, const PageStart& start, long long hotline,
                long long limit, long long offset, Convert convert) {
  if (start.newest) {
    return SelectRows<Row>(database, session, from_number, {hotline, *start.newest, limit},
                           convert);
  }
  return SelectRows<Row>(database, session, from_offset, {hotline, limit, offset}, convert);
}

std::vector<CallEntry> SelectEntries(soci::session& session, CallLogId call) {
  long long key = call.value;
  long long at = 0;
  std::string type;
  Nullable<long long> user, agent_phone;
  Nullable<std::string> detail;
  soci::statement statement =
      (session.prepare << kSelectEntries, soci::use(key), soci::into(at), soci::into(type),
       soci::into(user.value, user.indicator), soci::into(agent_phone.value, agent_phone.indicator),
       soci::into(detail.value, detail.indicator));
  std::vector<CallEntry> entries;
  if (statement.execute(true)) {
    do {
      CallEntry entry;
      entry.time = FromEpochMillis(at);
      entry.type = ParseCallEntryType(type).value_or(CallEntryType::kEnded);
      if (const auto id = user.ToOptional()) entry.user = UserId(*id);
      if (const auto id = agent_phone.ToOptional()) entry.agent_phone = AgentPhoneId(*id);
      entry.detail = detail.ToOptional();
      entries.push_back(std::move(entry));
    } while (statement.fetch());
  }
  return entries;
}

}  // namespace

Status SociCallLogRepository::Write(std::span<const CallEvent> events) {
  return database_.Run("write call events", [&](soci::session& session) {
    OpenIds staged = open_;  // applied only if the transaction commits
    WriteTransaction transaction(session, database_.dialect());
    EventApplier applier(session, database_.dialect(), staged);
    for (const CallEvent& event : events) std::visit(applier, event);
    transaction.Commit();
    open_ = std::move(staged);
  });
}

Result<CallLogPage> SociCallLogRepository::ListCallLogs(HotlineId hotline, std::int64_t limit,
                                                        std::int64_t offset) {
  static const std::string from_number = std::string(kCallColumns) + kFromNumber;
  static const std::string from_offset = std::string(kCallColumns) + kFromOffset;
  return database_.Run("list call logs", [&](soci::session& session) {
    const PageStart start = LocatePage(database_, session, kLocateCalls, hotline.value, offset);
    CallLogPage page;
    page.total = start.total;
    page.call_logs =
        SelectPage<CallRow>(database_, session, from_number, from_offset, start, hotline.value,
                            limit, offset, [](const CallRow& row) { return row.ToCallLog(); });
    return page;
  });
}

Result<std::optional<CallLog>> SociCallLogRepository::FindCallLog(HotlineId hotline, CallLogId id) {
  return database_.Run("find call log", [&](soci::session& session) -> std::optional<CallLog> {
    static const std::string by_id =
        std::string(kCallColumns) + " WHERE id = :id AND hotline_id = :hotline_id";
    auto logs = SelectRows<CallRow>(database_, session, by_id, {id.value, hotline.value},
                                    [](const CallRow& row) { return row.ToCallLog(); });
    if (logs.empty()) return std::nullopt;
    logs.front().entries = SelectEntries(session, id);
    return std::move(logs.front());
  });
}

Result<TelephoneRecordPage> SociCallLogRepository::ListTelephoneRecords(HotlineId hotline,
                                                                        std::int64_t limit,
                                                                        std::int64_t offset) {
  static const std::string from_number = std::string(kRecordColumns) + kFromNumber;
  static const std::string from_offset = std::string(kRecordColumns) + kFromOffset;
  return database_.Run("list telephone records", [&](soci::session& session) {
    const PageStart start = LocatePage(database_, session, kLocateRecords, hotline.value, offset);
    TelephoneRecordPage page;
    page.total = start.total;
    page.records =
        SelectPage<RecordRow>(database_, session, from_number, from_offset, start, hotline.value,
                              limit, offset, [](const RecordRow& row) { return row.ToRecord(); });
    return page;
  });
}

Result<std::int64_t> SociCallLogRepository::CloseInterruptedCalls(const std::string& reason) {
  return database_.Run("close interrupted calls", [&](soci::session& session) {
    WriteTransaction transaction(session, database_.dialect());
    std::vector<std::pair<long long, long long>> open_calls;  // id, last known time
    {
      long long id = 0, last = 0;
      soci::statement statement =
          (session.prepare << kSelectOpenCalls, soci::into(id), soci::into(last));
      if (statement.execute(true)) {
        do {
          open_calls.emplace_back(id, last);
        } while (statement.fetch());
      }
    }
    std::string detail = reason;
    for (auto& [id, last] : open_calls) {
      session << kInsertEndedEntry, soci::use(id), soci::use(last), soci::use(detail);
      session << kCloseInterruptedCall, soci::use(last), soci::use(id);
    }
    session << kCloseInterruptedRecords;
    transaction.Commit();
    return static_cast<std::int64_t>(open_calls.size());
  });
}

Result<std::int64_t> SociCallLogRepository::PurgeEndedBefore(Timestamp cutoff,
                                                             std::int64_t limit) {
  return database_.Run("purge call logs", [&](soci::session& session) {
    WriteTransaction transaction(session, database_.dialect());
    long long before = ToEpochMillis(cutoff);
    long long most = limit;
    soci::statement statement = (session.prepare << kPurge, soci::use(before), soci::use(most));
    statement.execute(true);
    const long long purged = statement.get_affected_rows();
    transaction.Commit();
    return static_cast<std::int64_t>(purged);
  });
}

}  // namespace fr
