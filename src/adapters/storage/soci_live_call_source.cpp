#include "adapters/storage/soci_live_call_source.hpp"

#include <map>

#include "adapters/storage/row_reader.hpp"

namespace fr {
namespace {

// The hotline's open calls, oldest first, through the partial index call_logs_open_by_hotline;
// then the entries and agent legs of those calls. The three reads share one transaction: on
// SQLite one snapshot; on PostgreSQL (read committed) a later read may see an entry or leg the
// first did not, which the view tolerates (entries of calls not listed are skipped).
constexpr const char* kOpenCalls =
    "SELECT id, hotline_id, caller, start_time FROM call_logs"
    " WHERE hotline_id = :hotline AND end_time IS NULL ORDER BY id LIMIT :limit";
constexpr const char* kEntriesOfCalls =
    "SELECT e.call_log_id, e.at, e.type, e.user_id, e.agent_phone_id FROM call_log_entries e"
    " WHERE e.call_log_id IN (SELECT id FROM call_logs WHERE hotline_id = :hotline"
    " AND end_time IS NULL) ORDER BY e.call_log_id, e.id";
constexpr const char* kAgentLegsOfCalls =
    "SELECT r.call_log_id, r.user_id, r.agent_phone_id, r.start_time, r.answer_time, r.end_time"
    " FROM telephone_records r WHERE r.user_id IS NOT NULL AND r.call_log_id IN"
    " (SELECT id FROM call_logs WHERE hotline_id = :hotline AND end_time IS NULL) ORDER BY r.id";

struct OpenCallRow {
  long long id = 0, hotline_id = 0, start_time = 0;
  Nullable<std::string> caller;

  auto Columns() { return std::tie(id, hotline_id, caller, start_time); }
};

struct EntryRow {
  long long call_log_id = 0, at = 0;
  std::string type;
  Nullable<long long> user, agent_phone;

  auto Columns() { return std::tie(call_log_id, at, type, user, agent_phone); }
};

struct LegRow {
  long long call_log_id = 0, user = 0, agent_phone = 0, start_time = 0;
  Nullable<long long> answer_time, end_time;

  auto Columns() {
    return std::tie(call_log_id, user, agent_phone, start_time, answer_time, end_time);
  }
};

}  // namespace

Result<std::vector<OpenCallRecord>> SociLiveCallSource::OpenCalls(HotlineId hotline, int limit) {
  return database_.Run("list calls in progress", [&](soci::session& session) {
    soci::transaction snapshot(session);
    long long id = hotline.value, most = limit;
    std::vector<OpenCallRecord> calls;
    std::map<long long, std::size_t> index;  // call log id → position in `calls`
    {
      soci::statement statement = OneUseStatement(session, kOpenCalls);
      OpenCallRow row;
      ForEachRow(
          statement, row,
          [&](const OpenCallRow& open) {
            OpenCallRecord record;
            record.log.id = CallLogId(open.id);
            record.log.hotline = HotlineId(open.hotline_id);
            record.log.caller = open.caller.ToOptional();
            record.log.start_time = FromEpochMillis(open.start_time);
            index[open.id] = calls.size();
            calls.push_back(std::move(record));
          },
          id, most);
    }
    {
      soci::statement statement = OneUseStatement(session, kEntriesOfCalls);
      EntryRow row;
      ForEachRow(
          statement, row,
          [&](const EntryRow& entry) {
            const auto at = index.find(entry.call_log_id);
            const auto type = ParseCallEntryType(entry.type);
            if (at == index.end() || !type) return;  // past the limit, or a newer kind
            calls[at->second].log.entries.push_back(
                {FromEpochMillis(entry.at), *type,
                 entry.user.ToOptional([](long long user) { return UserId(user); }),
                 entry.agent_phone.ToOptional([](long long phone) { return AgentPhoneId(phone); }),
                 std::nullopt});
          },
          id);
    }
    {
      soci::statement statement = OneUseStatement(session, kAgentLegsOfCalls);
      LegRow row;
      ForEachRow(
          statement, row,
          [&](const LegRow& leg) {
            const auto at = index.find(leg.call_log_id);
            if (at == index.end()) return;
            TelephoneRecord record;
            record.call_log = CallLogId(leg.call_log_id);
            record.direction = LegDirection::kOutbound;
            record.agent = AgentPhoneRef{UserId(leg.user), AgentPhoneId(leg.agent_phone)};
            record.start_time = FromEpochMillis(leg.start_time);
            if (const auto answered = leg.answer_time.ToOptional()) {
              record.answer_time = FromEpochMillis(*answered);
            }
            if (const auto ended = leg.end_time.ToOptional())
              record.end_time = FromEpochMillis(*ended);
            calls[at->second].agent_legs.push_back(std::move(record));
          },
          id);
    }
    snapshot.commit();
    return calls;
  });
}

}  // namespace fr
